package org.vnetnl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.vnetnl.bench.ffm.CHeaders;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;

/**
 * The heap that {@code transactAsync} calls hold, per call: K nlctrl GETFAMILY calls sent from one thread and their
 * futures kept, then the heap in use after a full collection compared with before them, three times: with the K
 * futures referenced (each holds its reply's copy), once they were joined and dropped (what the connection and the
 * JDK still hold for each: its timeout's task until the timeout passes), and once their timeouts have passed.
 * Prints one JSON object.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar org.vnetnl.bench.AsyncFootprint [K]</pre>
 */
public final class AsyncFootprint {

    private AsyncFootprint() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        if (calls < 1) {
            throw new IllegalArgumentException("the number of calls must be at least 1, got " + calls);
        }
        try (GenlConnection connection = GenlConnection.open()) {
            Family family = connection.family(Payloads.NLCTRL_FAMILY);
            // Warm up: the classes loaded, the pump thread and the per-thread buffers made.
            for (CompletableFuture<GenlMessage> f : send(connection, family, 1000)) {
                f.join();
            }
            Thread.sleep(Payloads.TIMEOUT.toMillis() + 500); // the warm-up's timeout tasks gone
            long before = usedAfterGc();
            CompletableFuture<GenlMessage>[] futures = send(connection, family, calls);
            for (CompletableFuture<GenlMessage> f : futures) {
                f.join(); // each complete, its reply copied to the heap and referenced by its future
            }
            long held = usedAfterGc();
            java.util.Arrays.fill(futures, null);
            long dropped = usedAfterGc();
            Thread.sleep(Payloads.TIMEOUT.toMillis() + 500);
            long timedOut = usedAfterGc();
            System.out.printf(Locale.ROOT, "{\"calls\": %d, \"timeout_s\": %d, \"bytes_per_call_held\": %.1f,"
                            + " \"bytes_per_call_after_join\": %.1f, \"bytes_per_call_after_timeout\": %.1f}%n",
                    calls, Payloads.TIMEOUT.toSeconds(), (held - before) / (double) calls,
                    (dropped - before) / (double) calls, (timedOut - before) / (double) calls);
        }
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<GenlMessage>[] send(GenlConnection connection, Family family, int calls) {
        CompletableFuture<GenlMessage>[] futures = new CompletableFuture[calls];
        for (int i = 0; i < calls; i++) {
            connection.prepare(family, CHeaders.CTRL_CMD_GETFAMILY())
                    .putString(CHeaders.CTRL_ATTR_FAMILY_NAME(), Payloads.NLCTRL_FAMILY);
            futures[i] = connection.transactAsync(Payloads.TIMEOUT);
        }
        return futures;
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
