package org.vnetnl.ynl.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.vnetnl.ynl.SpecLoader;

/**
 * The library's own generated code, the vnet_nl client parts in {@code org.vnetnl.internal.vnet}, is committed (the
 * library cannot run its own plugin while it is being built). This test generates it again from
 * {@code kernel-module/vnet_nl.yaml} and fails when a file differs, is missing or is left over: after a spec change
 * run it with {@code -Dvnet.updateGenerated=true} to rewrite the files, and commit them.
 */
class CommittedVnetCodeTest {

    static final Path SPEC = Path.of("kernel-module/vnet_nl.yaml");
    static final Path SOURCE_ROOT = Path.of("src/main/java");
    static final String PACKAGE = "org.vnetnl.internal.vnet";

    @Test
    void theCommittedCodeIsWhatTheSpecGenerates() throws Exception {
        if (Boolean.getBoolean("vnet.updateGenerated")) {
            JavaGenerator.write(SpecLoader.load(SPEC), PACKAGE, SOURCE_ROOT);
        }
        SortedMap<String, String> expected = JavaGenerator.generate(SpecLoader.load(SPEC), PACKAGE);
        SortedMap<String, String> committed = new TreeMap<>();
        try (Stream<Path> files = Files.list(SOURCE_ROOT.resolve(PACKAGE.replace('.', '/')))) {
            for (Path f : files.sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                if (text.startsWith(JavaGenerator.HEADER)) {
                    committed.put(SOURCE_ROOT.relativize(f).toString(), text);
                }
            }
        }
        String fix = "; regenerate with mvn test -Dtest=CommittedVnetCodeTest -Dvnet.updateGenerated=true";
        assertEquals(expected.keySet(), committed.keySet(), "generated files from " + SPEC + fix);
        for (Map.Entry<String, String> file : expected.entrySet()) {
            assertEquals(file.getValue(), committed.get(file.getKey()), file.getKey() + " is not what " + SPEC
                    + " generates" + fix);
        }
    }
}
