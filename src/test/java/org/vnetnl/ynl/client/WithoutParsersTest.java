package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vnetnl.ynl.KernelYnl;

/**
 * SnakeYAML Engine and Jackson are optional dependencies of the library: without them on the class path, generic
 * netlink still works, and loading a spec or reading a JSON request fails with one sentence naming the dependency
 * to add, not a NoClassDefFoundError.
 */
class WithoutParsersTest {

    @Test
    void theLibraryAloneRunsGenericNetlinkAndNamesTheMissingParsers() throws Exception {
        String classPath = String.join(File.pathSeparator, "target/classes", "target/test-classes");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, WithoutParsersMain.class.getName(),
                KernelYnl.spec("nlctrl").toString()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "the JVM did not finish");
        assertEquals(0, p.exitValue(), err);
        assertEquals("", err, "nothing on stderr: no stack trace");
        assertEquals(3, out.size(), out.toString());
        assertEquals("nlctrl id 16", out.get(0));
        assertTrue(out.get(1).startsWith("loading a YNL spec needs SnakeYAML Engine")
                && out.get(1).contains("org.snakeyaml:snakeyaml-engine"), out.get(1));
        assertTrue(out.get(2).startsWith("a JSON request needs Jackson databind")
                && out.get(2).contains("com.fasterxml.jackson.core:jackson-databind"), out.get(2));
    }
}
