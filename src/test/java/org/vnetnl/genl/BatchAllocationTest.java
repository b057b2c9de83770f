package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_ID;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_NAME;
import static org.vnetnl.genl.Nlctrl.CTRL_CMD_GETFAMILY;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.ThreadAllocation;

/**
 * A batch round allocates nothing per entry once warmed up, on the host kernel: 64 nlctrl GETFAMILY requests
 * added in place, one {@code execute}, each reply read in place. Measured in a JVM of its own, as
 * {@link RoundTripAllocationTest} is (the fuzz tests' agent instruments classes in the test JVM).
 *
 * <p>What the bound leaves room for: the JDK slices the errno capture segment on every captured downcall
 * ({@code SharedUtils.checkCaptureSegment}, a 40-byte {@code NativeMemorySegmentImpl}). C2 usually
 * scalar-replaces it, but in about one JVM in six (JDK 25, seen by JFR allocation events) it keeps the slice in
 * the code compiled for {@code recvmmsg}, and every later batch allocates it once per {@code recvmmsg} call (one
 * or two per batch). Nothing in the library can take that slice away without giving up errno, so the bound
 * allows two such objects per batch and no more: one object per entry would be 64 per batch.
 */
class BatchAllocationTest {

    private static final int BATCH = 64;
    private static final int ITERATIONS = 3_000;
    /** Rounds stop at the first one under {@value #SETTLED_BYTES} bytes (see {@link ThreadAllocation#bestRound}). */
    private static final int MAX_ROUNDS = 40;
    private static final long SETTLED_BYTES = 1024;
    /** The JDK's errno capture slice, when C2 does not scalar-replace it (see above); one per recvmmsg call. */
    private static final long CAPTURE_SLICE_BYTES = 48;
    private static final long RECVMMSG_CALLS_PER_BATCH = 2;
    /**
     * Room for the JIT and the measurement itself, and for the capture slices; one 16-byte object per entry
     * (64 per batch) would exceed it ten times over.
     */
    private static final long ALLOWED_BYTES = 8 * 1024 + ITERATIONS * RECVMMSG_CALLS_PER_BATCH * CAPTURE_SLICE_BYTES;

    @Test
    void aBatchRoundAllocatesNothing() throws Exception {
        long best = ThreadAllocation.bestRoundInOwnJvm(BatchAllocationTest.class);
        assertTrue(best < ALLOWED_BYTES, best + " bytes in the best round");
    }

    /** The measurement: prints the bytes the best of up to {@value #MAX_ROUNDS} rounds allocated. */
    public static void main(String[] args) throws Exception {
        ThreadAllocation allocation = new ThreadAllocation();
        Duration timeout = Duration.ofSeconds(2);
        GenlMessage view = new GenlMessage(); // the caller's own, rewrapped by every reply
        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            GenlBatch batch = connection.newBatch(BATCH, 8192);
            ThreadAllocation.Best best = allocation.bestRound(MAX_ROUNDS, SETTLED_BYTES, () -> {
                long sum = 0;
                for (int i = 0; i < ITERATIONS; i++) {
                    for (int entry = 0; entry < BATCH; entry++) {
                        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
                    }
                    batch.execute(timeout);
                    for (int entry = 0; entry < BATCH; entry++) {
                        AttributeReader reply = batch.reply(entry, view).attributes();
                        sum += reply.seek(CTRL_ATTR_FAMILY_ID) ? reply.u16() : 0;
                    }
                }
                return sum;
            });
            if (best.checksum() != (long) best.rounds() * ITERATIONS * BATCH * nlctrl.id()) {
                throw new AssertionError("a reply did not name nlctrl's id: sum " + best.checksum());
            }
            System.out.println(best.bytes() + " bytes allocated in the best of " + best.rounds() + " rounds of "
                    + ITERATIONS + " batches of " + BATCH);
        }
    }
}
