package org.vnetnl.vnet;

import org.vnetnl.internal.ThreadAllocation;

/**
 * ECHO batches in a JVM of its own, for {@link EchoBatchModuleTest}: {@code count N} runs N batches of
 * {@value #SIZE} (the test counts their system calls under strace); {@code allocation} prints the bytes
 * {@value #MEASURED} batches allocate once the path is compiled.
 */
public final class EchoBatchProbe {

    static final int SIZE = 16;
    /** The probe's own reply view, rewrapped for every entry: reading a reply allocates nothing. */
    private static final EchoReply VIEW = new EchoReply();
    static final int MEASURED = 5_000;
    private static final int WARM_UP_ROUND = 1_000;
    private static final int MAX_WARM_UP_ROUNDS = 40;
    private static final String MESSAGE = "batched";

    private EchoBatchProbe() {}

    public static void main(String[] args) throws Exception {
        try (VnetClient client = VnetClient.open()) {
            EchoBatch batch = client.newEchoBatch(SIZE);
            if (args.length == 2 && args[0].equals("count")) {
                long checksum = 0;
                for (int i = 0, n = Integer.parseInt(args[1]); i < n; i++) {
                    checksum += round(batch, i);
                }
                System.out.println("checksum " + checksum);
            } else if (args.length == 1 && args[0].equals("allocation")) {
                System.out.println(measure(batch));
            } else {
                throw new IllegalArgumentException("usage: EchoBatchProbe count N | allocation");
            }
        }
    }

    /** The bytes this thread allocated during {@link #MEASURED} batches, after a warm-up. */
    static long measure(EchoBatch batch) throws Exception {
        ThreadAllocation allocation = new ThreadAllocation();
        long checksum = 0;
        // Until the optimising compiler has compiled the path (slow in an emulated VM), warm up in rounds until
        // one allocates nothing, or give up after MAX_WARM_UP_ROUNDS and let the measurement show it.
        for (int warm = 0; warm < MAX_WARM_UP_ROUNDS; warm++) {
            long start = allocation.bytes();
            for (int i = 0; i < WARM_UP_ROUND; i++) {
                checksum += round(batch, i);
            }
            if (allocation.bytes() == start) {
                break;
            }
        }
        long before = allocation.bytes();
        for (int i = 0; i < MEASURED; i++) {
            checksum += round(batch, i);
        }
        long allocated = allocation.bytes() - before;
        if (checksum == 0) {
            throw new AssertionError("no echo came back");
        }
        return allocated;
    }

    /** One batch: {@value #SIZE} ECHOs with values of their own, each reply checked. */
    static long round(EchoBatch batch, int n) throws Exception {
        long first = (long) n * SIZE;
        for (int i = 0; i < SIZE; i++) {
            batch.add(MESSAGE, (first + i) & 0xFFFF_FFFFL, (i & 1) == 0);
        }
        batch.execute();
        long checksum = 0;
        for (int i = 0; i < SIZE; i++) {
            EchoReply reply = batch.reply(i, VIEW);
            if (!reply.messageEquals(MESSAGE) || reply.value() != ((first + i) & 0xFFFF_FFFFL)
                    || reply.flag() != ((i & 1) == 0)) {
                throw new AssertionError("wrong reply to entry " + i + " of batch " + n);
            }
            checksum += reply.value() + 1;
        }
        return checksum;
    }
}
