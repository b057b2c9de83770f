package org.vnetnl.ynl.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.ynl.HostileSpecs;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecSchema;
import org.vnetnl.ynl.YnlSpec;

/**
 * The generator on hostile input (issue "hostile input", rows 2 and 9): a set nested in itself many times over
 * gives code linear in the spec's size that compiles; a package that is a keyword and names too long for a file
 * are refused before anything is written. The kernel's own specs, ovs_flow's nested cycles among them, still give
 * their schema and code.
 */
class HostileGeneratorTest {

    private static final String PACKAGE = "org.vnetnl.codegen.hostile";

    private static YnlSpec load(String text) throws Exception {
        return SpecLoader.load(Path.of("tree.yaml"), new StringReader(text));
    }

    private static long size(SortedMap<String, String> sources) {
        return sources.values().stream().mapToLong(String::length).sum();
    }

    @Test
    void aSelfNestingSetOfFanoutFiveGivesSmallCodeThatCompiles(@TempDir Path dir) throws Exception {
        SortedMap<String, String> one = JavaGenerator.generate(load(HostileSpecs.selfNesting(1)), PACKAGE);
        SortedMap<String, String> five = JavaGenerator.generate(load(HostileSpecs.selfNesting(5)), PACKAGE);
        // Linear: four more attributes add a few lines per generated file, not a copy of the tree per nest.
        assertTrue(size(five) - size(one) < 20_000, "fanout 1: " + size(one) + " chars, fanout 5: " + size(five));
        String family = five.get("org/vnetnl/codegen/hostile/TreeFam.java");
        assertEquals(1, family.split("private static final AttributePolicy NESTED_TREE = ", -1).length - 1, family);
        assertEquals(1, family.split("private static final AttributePolicy NESTED_OTHER = ", -1).length - 1, family);
        // tree nests other (which nests tree back where it repeats): other's policy comes first, as Java wants.
        assertTrue(family.indexOf("NESTED_OTHER = ") < family.indexOf("NESTED_TREE = "),
                "a policy is declared before the ones nesting it");

        Path sources = dir.resolve("src");
        JavaGenerator.write(load(HostileSpecs.selfNesting(5)), PACKAGE, sources);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path library = Path.of(AttributeReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaGeneratorTest.compile(sources, classes, library);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            Class<?> policies = loader.loadClass(PACKAGE + ".TreeFam$Policy");
            AttributePolicy get = (AttributePolicy) policies.getField("GET").get(null);
            AttributePolicy tree = get.spec(2).orElseThrow().nestedPolicy().orElseThrow();
            assertEquals(tree, get.spec(6).orElseThrow().nestedPolicy().orElseThrow(), "one policy for the set");
            AttributePolicy other = get.spec(7).orElseThrow().nestedPolicy().orElseThrow();
            assertEquals(2, other.specs().size());
            assertEquals(tree.specs().size(), 7);
        }
    }

    @Test
    void everyKernelSpecGivesItsSchemaAndTheSupportedOnesTheirCode() throws Exception {
        List<String> generated = new ArrayList<>();
        for (Path file : KernelYnl.genetlinkSpecs()) {
            YnlSpec spec = SpecLoader.load(file);
            SpecSchema schema = SpecSchema.of(spec);
            assertEquals(spec.name(), schema.family());
            try {
                SortedMap<String, String> sources = JavaGenerator.generate(spec, PACKAGE);
                assertTrue(size(sources) < 5_000_000, spec.name() + ": " + size(sources) + " chars");
                generated.add(spec.name());
            } catch (MalformedSpecException unsupported) {
                assertTrue(unsupported.getMessage().contains("not supported by the Java generator"),
                        unsupported.getMessage());
            }
        }
        assertTrue(generated.containsAll(List.of("netdev", "ethtool", "devlink", "dpll")), generated.toString());
        // ovs_flow nests its action sets in each other: the schema is built once per set.
        SpecSchema ovs = SpecSchema.of(SpecLoader.load(KernelYnl.spec("ovs_flow")));
        assertTrue(ovs.requests().size() > 0);
    }

    @Test
    void aPackageThatIsAKeywordIsRefused() throws Exception {
        YnlSpec spec = load(HostileSpecs.selfNesting(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JavaGenerator.generate(spec, "class.x"));
        assertEquals("not a Java package name: 'class.x' ('class' is a Java keyword)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JavaGenerator.generate(spec, "org.true.x"));
        assertThrows(IllegalArgumentException.class, () -> JavaGenerator.generate(spec, "org._"));
        assertThrows(IllegalArgumentException.class, () -> JavaGenerator.generate(spec, "a." + "b".repeat(3000)));
        JavaGenerator.generate(spec, "org.record.var"); // contextual keywords are valid package names
    }

    @Test
    void namesTooLongForAFileAreRefusedUpFront() throws Exception {
        String longName = "x".repeat(3000);
        MalformedSpecException attribute = assertThrows(MalformedSpecException.class, () -> JavaGenerator.generate(
                load(HostileSpecs.selfNesting(1).replace("name: leaf", "name: " + longName)), PACKAGE));
        assertEquals("attribute-sets.other.attributes", attribute.key());
        assertTrue(attribute.getMessage().contains("a name of 3000 characters ('xxxxxxxxxxxxxxxxxxxx...') is longer"
                + " than the 100 the Java generator accepts"), attribute.getMessage());
        MalformedSpecException family = assertThrows(MalformedSpecException.class, () -> JavaGenerator.generate(
                load(HostileSpecs.selfNesting(1).replace("name: tree-fam", "name: " + longName)), PACKAGE));
        assertEquals("name", family.key());
        MalformedSpecException set = assertThrows(MalformedSpecException.class, () -> JavaGenerator.generate(
                load(HostileSpecs.selfNesting(1).replace("name: tree\n", "name: " + longName + "\n")
                        .replace("nested-attributes: tree ", "nested-attributes: " + longName + " ")
                        .replace("attribute-set: tree", "attribute-set: " + longName)), PACKAGE));
        assertEquals("attribute-sets." + longName, set.key());
    }
}
