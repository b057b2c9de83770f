package org.vnetnl.vnet;

import org.vnetnl.internal.ThreadAllocation;

/**
 * Measures what the zero-copy echo with a reply view of the caller's allocates, in a JVM of its own: {@link EchoModuleTest} starts it when its
 * own JVM runs without the optimising compiler (as in the VM, {@code -XX:TieredStopAtLevel=1}), whose escape
 * analysis is what keeps the FFM calls free of allocation. Prints the bytes allocated by 100,000 echoes after
 * a warm-up that lasts until the echo path is compiled.
 */
public final class EchoAllocationProbe {

    static final int WARM_UP = 20_000;
    static final int MEASURED = 100_000;
    private static final int WARM_UP_BATCH = 5_000;
    private static final int MAX_WARM_UP_BATCHES = 40;

    private EchoAllocationProbe() {}

    public static void main(String[] args) throws Exception {
        try (VnetClient client = VnetClient.open()) {
            System.out.println(measure(client));
        }
    }

    /** The bytes this thread allocated during {@link #MEASURED} echoes, after {@link #WARM_UP} of them. */
    static long measure(VnetClient client) throws Exception {
        ThreadAllocation allocation = new ThreadAllocation();
        EchoReply reply = new EchoReply();
        String message = "zero-copy";
        long checksum = 0;
        for (int i = 0; i < WARM_UP; i++) {
            checksum += echoOnce(client, reply, message, i);
        }
        // Until the optimising compiler has compiled the path (slow in an emulated VM), the echoes still run in
        // code that allocates: keep warming up, in batches, until one batch allocates nothing, or give up after
        // MAX_WARM_UP_BATCHES and let the measurement show it.
        for (int batch = 0; batch < MAX_WARM_UP_BATCHES; batch++) {
            long start = allocation.bytes();
            for (int i = 0; i < WARM_UP_BATCH; i++) {
                checksum += echoOnce(client, reply, message, i);
            }
            if (allocation.bytes() == start) {
                break;
            }
        }
        long before = allocation.bytes();
        for (int i = 0; i < MEASURED; i++) {
            checksum += echoOnce(client, reply, message, i);
        }
        long allocated = allocation.bytes() - before;
        if (checksum == 0) {
            throw new AssertionError("no echo came back");
        }
        return allocated;
    }

    private static long echoOnce(VnetClient client, EchoReply reply, String message, int value) throws Exception {
        client.echo(message, value, true, reply);
        if (!reply.messageEquals(message) || reply.value() != value || !reply.flag()) {
            throw new AssertionError("wrong reply to echo " + value);
        }
        return reply.value() + reply.messageLength();
    }
}
