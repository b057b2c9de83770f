package org.vnetnl.vnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.vnetnl.genl.NetlinkException;

/**
 * Opens a {@link VnetClient}, sends one ECHO and closes it, N times, and checks that the process's open file
 * descriptors and resident memory end where they started. Run in its own JVM (by
 * {@link ClientResourcesModuleTest}, or by hand for the long form) so that nothing else moves the figures:
 *
 * <pre>
 * java -Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
 *     -cp target/classes:target/test-classes org.vnetnl.vnet.OpenCloseCycles 1000000
 * </pre>
 *
 * A fixed, pre-touched heap keeps garbage collection out of the resident size. The baseline is taken after a
 * warm-up (classes loaded, code compiled, allocator pools filled). Prints one line per tenth of the run and a
 * final {@code RESULT} line; exit status 0 when the descriptors match exactly and the resident size grew by at
 * most {@link #RSS_BOUND_KIB} KiB, 1 otherwise.
 */
public final class OpenCloseCycles {

    /** Cycles before the baseline: enough for the JIT and the allocators to reach their steady state. */
    static final int WARM_UP = 2_000;

    /**
     * Largest accepted growth of the resident set over the measured cycles, in KiB: room for compiled code and
     * allocator fragmentation, far below what a leak of one native buffer per cycle (80 KiB) would add, and
     * below 9 bytes per cycle over 1,000,000 cycles.
     */
    static final long RSS_BOUND_KIB = 8 * 1024;

    private OpenCloseCycles() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: OpenCloseCycles CYCLES");
            System.exit(2);
        }
        int cycles = Integer.parseInt(args[0]);

        cycle(WARM_UP);
        System.gc();
        long fdsBefore = openFileDescriptors();
        long rssBefore = residentKib();
        System.out.printf("baseline after %d warm-up cycles: %d open fds, RSS %d KiB%n", WARM_UP, fdsBefore,
                rssBefore);

        long started = System.nanoTime();
        int step = Math.max(1, cycles / 10);
        for (int done = 0; done < cycles; ) {
            int n = Math.min(step, cycles - done);
            cycle(n);
            done += n;
            System.out.printf("%,d cycles: %d open fds, RSS %d KiB, %.1f s%n", done, openFileDescriptors(),
                    residentKib(), (System.nanoTime() - started) / 1e9);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.gc();
        long fdsAfter = openFileDescriptors();
        long rssAfter = residentKib();

        boolean ok = fdsAfter == fdsBefore && rssAfter - rssBefore <= RSS_BOUND_KIB;
        System.out.printf("RESULT %s cycles=%d seconds=%.1f fds=%d->%d rssKiB=%d->%d growthKiB=%d boundKiB=%d%n",
                ok ? "ok" : "FAILED", cycles, seconds, fdsBefore, fdsAfter, rssBefore, rssAfter,
                rssAfter - rssBefore, RSS_BOUND_KIB);
        System.exit(ok ? 0 : 1);
    }

    private static void cycle(int times) throws NetlinkException {
        for (int i = 0; i < times; i++) {
            try (VnetClient client = VnetClient.open()) {
                if (client.echo("cycle", i, true).value() != i) {
                    throw new IllegalStateException("ECHO returned the wrong value in cycle " + i);
                }
            }
        }
    }

    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            // The listing's own descriptor is among them, before and after alike.
            return fds.count();
        }
    }

    /** VmRSS of /proc/self/status, in KiB. */
    static long residentKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
