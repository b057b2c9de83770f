package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Shared by the module tests (tag {@code module}): they need the vnet_nl module loaded, which {@code mvn verify}
 * arranges (see {@link ModuleTestRun}). Some also change the machine's network configuration or reload the
 * module: those need root, as in the VM.
 */
final class ModuleSupport {

    /** JUnit tag of the tests that need the module. */
    static final String TAG = "module";

    private ModuleSupport() {}

    /** Skips the calling test unless this process runs as root (network configuration, module reload). */
    static void assumeRoot(String why) {
        assumeTrue("root".equals(System.getProperty("user.name")), why + " needs root");
    }

    /** The module file the VM runner loaded, for unload/reload tests; skips the test when unknown. */
    static String moduleFile() {
        String ko = System.getenv("VNET_NL_KO");
        assumeTrue(ko != null && !ko.isEmpty(), "VNET_NL_KO is not set (the VM runner sets it)");
        return ko;
    }

    /** Runs a command, fails the test if it does not exit with 0; returns its output. */
    static String run(String... command) {
        Result result = execute(List.of(command));
        assertEquals(0, result.status(), () -> String.join(" ", command) + " failed: " + result.output());
        return result.output();
    }

    record Result(int status, String output) {}

    /** Runs a command with stderr merged into stdout and waits at most 5 minutes. */
    static Result execute(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    /**
     * The library for a JVM the test starts: its classes and its run-time dependencies, as a class or module path.
     * The dependencies are the jars beside the classes in the module tests' snapshot (see {@link ModuleTestRun}),
     * or in {@code target/lib} beside {@code target/classes}.
     */
    static String libraryPath() throws java.net.URISyntaxException, IOException {
        Path classes = Path.of(VnetClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path lib = classes.resolveSibling("lib");
        Path dependencies = Files.isDirectory(lib) ? lib : classes.getParent();
        List<String> path = new ArrayList<>(List.of(classes.toString()));
        try (Stream<Path> files = Files.list(dependencies)) {
            files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted()
                    .forEach(f -> path.add(f.toString()));
        }
        return String.join(File.pathSeparator, path);
    }

    /** The socket calls the system-call counts look at. */
    static final String SOCKET_CALLS = "sendto,recvmsg,sendmsg,recvfrom,recvmmsg,sendmmsg,setsockopt,getsockopt";

    /**
     * Runs {@code command} under {@code strace -f -c} tracing {@link #SOCKET_CALLS} and returns the calls made, by
     * system call name; fails the test if the command does not exit with 0.
     */
    static Map<String, Long> socketCalls(List<String> command) throws IOException {
        Path summary = Files.createTempFile("vnet-strace", ".txt");
        try {
            List<String> traced = new ArrayList<>(List.of("strace", "-f", "-c", "-o", summary.toString(), "-e",
                    "trace=" + SOCKET_CALLS));
            traced.addAll(command);
            Result result = execute(traced);
            assertEquals(0, result.status(), result.output());
            Map<String, Long> calls = new TreeMap<>();
            // strace -c: "% time  seconds  usecs/call  calls  [errors]  syscall"
            Pattern row = Pattern.compile("^\\s*[\\d.]+\\s+[\\d.]+\\s+\\d+\\s+(\\d+)\\s+(?:\\d+\\s+)?(\\w+)\\s*$");
            for (String line : Files.readAllLines(summary)) {
                Matcher m = row.matcher(line);
                if (m.matches() && !m.group(2).equals("total")) {
                    calls.put(m.group(2), Long.parseLong(m.group(1)));
                }
            }
            return calls;
        } finally {
            Files.deleteIfExists(summary);
        }
    }

    /** Whether {@code tool} is an executable on the PATH. */
    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
