package org.vnetnl.internal;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The bytes the current thread allocated so far, from {@code com.sun.management.ThreadMXBean}, for the tests that
 * check a path allocates nothing. Reached reflectively: under Maven the tests run inside the library's module,
 * which does not read {@code jdk.management}, and making the library read it only for the tests would be wrong.
 */
public final class ThreadAllocation {

    private final Object bean;
    private final Method currentThreadAllocatedBytes;

    public ThreadAllocation() throws ReflectiveOperationException {
        bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        currentThreadAllocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        // The first call may allocate internally; make it before anything is measured.
        bytes();
    }

    /** The bytes the calling thread has allocated since it started. */
    public long bytes() throws ReflectiveOperationException {
        return (Long) currentThreadAllocatedBytes.invoke(bean);
    }

    /** One measured round of work; returns a checksum of what it read, which the caller checks. */
    @FunctionalInterface
    public interface Round {
        long run() throws Exception;
    }

    /** What {@link #bestRound} measured: the fewest bytes a round allocated, the rounds run, their checksums' sum. */
    public record Best(long bytes, int rounds, long checksum) {}

    /**
     * Runs {@code round} until one allocates fewer than {@code settledBytes} bytes or {@code maxRounds} have run:
     * on a loaded machine C2 may need many rounds before it has compiled (and inlined) the whole path, and until
     * then the interpreter allocates.
     */
    public Best bestRound(int maxRounds, long settledBytes, Round round) throws Exception {
        long best = Long.MAX_VALUE;
        long checksum = 0;
        int rounds = 0;
        while (rounds < maxRounds && best >= settledBytes) {
            rounds++;
            long before = bytes();
            checksum += round.run();
            best = Math.min(best, bytes() - before);
        }
        return new Best(best, rounds, checksum);
    }

    /**
     * Runs {@code main}'s {@code main} method in a JVM of its own (the fuzz tests' agent instruments classes in the
     * test JVM, and instrumented code allocates where the plain library does not) and returns the first number
     * of the last line it printed: the bytes its best round allocated.
     *
     * @throws AssertionError if that JVM fails, hangs or prints no number
     */
    public static long bestRoundInOwnJvm(Class<?> main) throws IOException, InterruptedException {
        String classPath = String.join(File.pathSeparator, Path.of("target", "classes").toAbsolutePath().toString(),
                Path.of("target", "lib").toAbsolutePath() + File.separator + "*",
                Path.of("target", "test-classes").toAbsolutePath().toString());
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                main.getName()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!child.waitFor(2, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("the measuring JVM did not finish: " + output);
        }
        if (child.exitValue() != 0) {
            throw new AssertionError("the measuring JVM exited with " + child.exitValue() + ": " + output);
        }
        String last = output.lines().reduce((a, b) -> b).orElse("");
        System.out.println(main.getSimpleName() + ": " + last);
        String[] numbers = last.replaceAll("\\D+", " ").trim().split(" ");
        if (numbers[0].isEmpty()) {
            throw new AssertionError("the measuring JVM printed no result: " + output);
        }
        return Long.parseLong(numbers[0]);
    }
}
