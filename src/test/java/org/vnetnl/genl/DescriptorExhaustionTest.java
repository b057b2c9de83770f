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
        String output = runWithFewDescriptors(OpenWithoutDescriptorsMain.class);
        // Before: "EPROTO ... libnl: Unspecific failure".
        assertTrue(output.contains("errno EMFILE: open generic netlink socket failed: EMFILE"), output);
    }

    /**
     * Connections opened until none more can be, from the class folders (where loading a class takes a
     * descriptor, as with {@code bin/ynl}): the last open fails with EMFILE, and closing them all, with no
     * descriptor free and nothing of the close path run before, gives every descriptor back.
     */
    @Test
    void closingWithoutDescriptorsFreesEverySocket() throws Exception {
        String output = runWithFewDescriptors(CloseWithoutDescriptorsMain.class);
        assertTrue(output.contains("errno=EMFILE"), output);
        assertTrue(output.contains("closeFailure=null"), output);
        assertTrue(output.contains("leaked=0"), output);
        assertTrue(output.contains("reopened=true"), output);
        // Enough opens that the limit, not a failure of another kind, stopped them.
        int opened = Integer.parseInt(output.replaceAll("(?s).*opened=(\\d+).*", "$1"));
        assertTrue(opened > 100, output);
    }

    /** Runs {@code main} in a JVM of its own from target/classes with a limit of 256 descriptors; its output. */
    private static String runWithFewDescriptors(Class<?> main) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "test-classes").toAbsolutePath();
        Process process = new ProcessBuilder("bash", "-c", "ulimit -n 256 && exec \"$0\" \"$@\"", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return output;
    }
}
