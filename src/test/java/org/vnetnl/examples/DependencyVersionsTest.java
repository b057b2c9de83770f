package org.vnetnl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The library's pom is the one place that chooses the versions of the parsers (and of itself): the bench, the
 * Maven plugin, the example projects and the README's snippet, each a build of its own that a user copies from,
 * must name the same versions. A version bump that misses a copy fails here, not in a user's project.
 */
class DependencyVersionsTest {

    private static final Pattern DEPENDENCY = Pattern.compile(
            "<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<$]+)</version>");
    private static final Pattern OWN_VERSION =
            Pattern.compile("<artifactId>vnet-nl</artifactId>\\s*<version>([^<]+)</version>");
    private static final Pattern EXAMPLE_DEFAULT = Pattern.compile("<vnet-nl\\.version>([^<]+)</vnet-nl\\.version>");

    @Test
    void everyCopyNamesTheLibraryPomsParserVersions() throws IOException {
        Map<String, String> chosen = dependencies(Files.readString(Path.of("pom.xml")));
        assertTrue(chosen.containsKey("org.snakeyaml:snakeyaml-engine")
                && chosen.containsKey("com.fasterxml.jackson.core:jackson-databind"), "the library pom: " + chosen);
        int copies = 0;
        for (Path copy : copies()) {
            for (Map.Entry<String, String> named : dependencies(Files.readString(copy)).entrySet()) {
                String version = chosen.get(named.getKey());
                if (version != null) {
                    assertEquals(version, named.getValue(), copy + " names " + named.getKey() + " " + named.getValue()
                            + ", the library pom " + version);
                    copies++;
                }
            }
        }
        assertTrue(copies >= 6, "expected the parsers named in the bench, the plugin, an example and the README;"
                + " found " + copies + " copies");
    }

    @Test
    void everyExampleDefaultsToTheLibrarysOwnVersion() throws IOException {
        Matcher own = OWN_VERSION.matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(own.find(), "no version in pom.xml");
        List<Path> examples = examplePoms();
        assertTrue(examples.size() >= 4, "example projects: " + examples);
        for (Path pom : examples) {
            Matcher defaulted = EXAMPLE_DEFAULT.matcher(Files.readString(pom));
            assertTrue(defaulted.find(), pom + " has no vnet-nl.version");
            assertEquals(own.group(1), defaulted.group(1), pom + ": the vnet-nl version it builds against by default");
        }
    }

    /** bench/reactor.xml builds the bench with the library; a version apart would take the one in ~/.m2 instead. */
    @Test
    void benchDependsOnTheLibraryItsReactorBuilds() throws IOException {
        Matcher own = OWN_VERSION.matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(own.find(), "no version in pom.xml");
        Matcher bench = EXAMPLE_DEFAULT.matcher(Files.readString(Path.of("bench/pom.xml")));
        assertTrue(bench.find(), "bench/pom.xml has no vnet-nl.version");
        assertEquals(own.group(1), bench.group(1), "bench/pom.xml: the vnet-nl version it builds against");
    }

    private static Map<String, String> dependencies(String text) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = DEPENDENCY.matcher(text);
        while (m.find()) {
            found.put(m.group(1) + ":" + m.group(2), m.group(3));
        }
        return found;
    }

    private static List<Path> copies() throws IOException {
        List<Path> copies = new ArrayList<>(List.of(Path.of("README.md"), Path.of("bench/pom.xml"),
                Path.of("maven-plugin/pom.xml")));
        copies.addAll(examplePoms());
        return copies;
    }

    private static List<Path> examplePoms() throws IOException {
        try (Stream<Path> poms = Files.walk(Path.of("examples"), 2)) {
            return poms.filter(p -> p.getFileName().toString().equals("pom.xml")).sorted().toList();
        }
    }
}
