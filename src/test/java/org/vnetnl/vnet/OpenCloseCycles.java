package org.vnetnl.vnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;

/**
 * Opens a client, makes one request and closes it, N times, and checks that the process's open file descriptors
 * and resident memory end where they started. Two kinds of client:
 * <ul>
 * <li>{@code vnet} (default): a {@link VnetClient} (family resolution and the schema check at open) and one
 *     ECHO; needs the vnet_nl module, so it runs in the VM;</li>
 * <li>{@code genl}: a {@link GenlConnection} and one CTRL_CMD_GETFAMILY request for "nlctrl"; runs on any Linux
 *     machine, and holds every native resource a VnetClient holds (a VnetClient owns nothing but its
 *     connection).</li>
 * </ul>
 * Run in its own JVM (by {@link ClientResourcesModuleTest}, or by hand for the long form) so that nothing else
 * moves the figures:
 *
 * <pre>
 * java -Xms64m -Xmx64m -XX:+AlwaysPreTouch -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
 *     -cp target/classes:target/test-classes org.vnetnl.vnet.OpenCloseCycles 1000000 [vnet|genl]
 * </pre>
 *
 * A fixed, pre-touched heap keeps garbage collection out of the resident size. The baseline is taken after a
 * warm-up of {@code max(2,000, CYCLES / 10)} cycles (classes loaded, code compiled, allocator pools filled). Prints one line per tenth of the run and a
 * final {@code RESULT} line; exit status 0 when the descriptors match exactly and the resident size grew by at
 * most {@link #RSS_BOUND_KIB} KiB, 1 otherwise.
 */
public final class OpenCloseCycles {

    /**
     * Cycles before the baseline, at least: enough for the JIT and the allocators to reach their steady state
     * when only C1 compiles (as in the VM). Long runs warm up for a tenth of their length, which also covers C2,
     * whose compilations take several MiB of native memory during the first ~20,000 cycles and keep it.
     */
    static final int MIN_WARM_UP = 2_000;

    /**
     * Largest accepted growth of the resident set over the measured cycles, in KiB: room for compiled code and
     * allocator fragmentation, far below what a leak of one native buffer per cycle (80 KiB) would add, and
     * below 9 bytes per cycle over 1,000,000 cycles.
     */
    static final long RSS_BOUND_KIB = 8 * 1024;

    private OpenCloseCycles() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || (args.length == 2 && !CLIENTS.contains(args[1]))) {
            System.err.println("usage: OpenCloseCycles CYCLES [vnet|genl]");
            System.exit(2);
        }
        int cycles = Integer.parseInt(args[0]);
        boolean vnet = args.length == 1 || args[1].equals("vnet");
        Cycle cycle = vnet ? OpenCloseCycles::vnetCycles : OpenCloseCycles::genlCycles;
        System.out.println("client: " + (vnet ? "VnetClient, one ECHO" : "GenlConnection, one CTRL_CMD_GETFAMILY"));

        int warmUp = Math.max(MIN_WARM_UP, cycles / 10);
        cycle.run(warmUp);
        System.gc();
        long fdsBefore = openFileDescriptors();
        long rssBefore = residentKib();
        System.out.printf("baseline after %d warm-up cycles: %d open fds, RSS %d KiB%n", warmUp, fdsBefore,
                rssBefore);

        long started = System.nanoTime();
        int step = Math.max(1, cycles / 10);
        for (int done = 0; done < cycles; ) {
            int n = Math.min(step, cycles - done);
            cycle.run(n);
            done += n;
            System.out.printf("%,d cycles: %d open fds, RSS %d KiB, %.1f s%n", done, openFileDescriptors(),
                    residentKib(), (System.nanoTime() - started) / 1e9);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.gc();
        long fdsAfter = openFileDescriptors();
        long rssAfter = residentKib();

        boolean ok = fdsAfter == fdsBefore && rssAfter - rssBefore <= RSS_BOUND_KIB;
        System.out.printf("RESULT %s client=%s cycles=%d seconds=%.1f fds=%d->%d rssKiB=%d->%d growthKiB=%d boundKiB=%d%n",
                ok ? "ok" : "FAILED", vnet ? "vnet" : "genl", cycles, seconds, fdsBefore, fdsAfter, rssBefore, rssAfter,
                rssAfter - rssBefore, RSS_BOUND_KIB);
        System.exit(ok ? 0 : 1);
    }

    private static final List<String> CLIENTS = List.of("vnet", "genl");

    @FunctionalInterface
    private interface Cycle {
        void run(int times) throws NetlinkException;
    }

    private static void vnetCycles(int times) throws NetlinkException {
        for (int i = 0; i < times; i++) {
            try (VnetClient client = VnetClient.open()) {
                if (client.echo("cycle", i, true).value() != i) {
                    throw new IllegalStateException("ECHO returned the wrong value in cycle " + i);
                }
            }
        }
    }

    private static void genlCycles(int times) throws NetlinkException {
        for (int i = 0; i < times; i++) {
            try (GenlConnection connection = GenlConnection.open()) {
                // A family lookup always asks the kernel: the connection's cache is new.
                if (connection.family("nlctrl").id() != GENL_ID_CTRL) {
                    throw new IllegalStateException("nlctrl resolved to the wrong id in cycle " + i);
                }
            }
        }
    }

    /** The fixed id of the generic netlink controller, GENL_ID_CTRL. */
    private static final int GENL_ID_CTRL = 0x10;

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
