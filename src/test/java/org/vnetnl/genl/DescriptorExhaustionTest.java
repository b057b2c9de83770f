package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Opening a connection without a free descriptor reports the errno the socket() call got, not libnl's code. */
class DescriptorExhaustionTest {

    @Test
    void emfileReachesTheCaller() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "test-classes").toAbsolutePath();
        Process process = new ProcessBuilder("bash", "-c", "ulimit -n 256 && exec \"$0\" \"$@\"", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, OpenWithoutDescriptorsMain.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        // Before: "EPROTO ... libnl: Unspecific failure".
        assertTrue(output.contains("errno EMFILE: open generic netlink socket failed: EMFILE"), output);
    }
}
