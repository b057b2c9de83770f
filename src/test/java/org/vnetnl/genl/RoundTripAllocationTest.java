package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_ID;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_NAME;
import static org.vnetnl.genl.Nlctrl.CTRL_CMD_GETFAMILY;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.ThreadAllocation;

/**
 * The facade's request/reply path allocates nothing once warmed up, on the host kernel: a request written in
 * place, {@code transact}, and the reply read in place (nlctrl GETFAMILY, a request with no name of its own, whose
 * name for errors is built only for an error). Measured in a JVM of its own: the fuzz tests' agent instruments
 * classes in the test JVM, and instrumented code allocates where the plain library does not.
 */
class RoundTripAllocationTest {

    private static final int ITERATIONS = 20_000;
    /** Rounds stop at the first one under {@value #SETTLED_BYTES} bytes (see {@link ThreadAllocation#bestRound}). */
    private static final int MAX_ROUNDS = 40;
    private static final long SETTLED_BYTES = 1024;
    /** Room for the JIT and the measurement itself; one 16-byte object per round trip would exceed it 5-fold. */
    private static final long ALLOWED_BYTES = 64 * 1024;

    @Test
    void transactAllocatesNothing() throws Exception {
        long best = ThreadAllocation.bestRoundInOwnJvm(RoundTripAllocationTest.class);
        assertTrue(best < ALLOWED_BYTES, best + " bytes in the best round");
    }

    /** The measurement: prints the bytes the best of up to {@value #MAX_ROUNDS} rounds allocated. */
    public static void main(String[] args) throws Exception {
        ThreadAllocation allocation = new ThreadAllocation();
        Duration timeout = Duration.ofSeconds(2);
        GenlMessage view = new GenlMessage(); // the caller's own, rewrapped by every reply
        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            ThreadAllocation.Best best = allocation.bestRound(MAX_ROUNDS, SETTLED_BYTES, () -> {
                long sum = 0;
                for (int i = 0; i < ITERATIONS; i++) {
                    connection.prepare(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
                    AttributeReader reply = connection.transact(timeout, view).attributes();
                    sum += reply.seek(CTRL_ATTR_FAMILY_ID) ? reply.u16() : 0;
                }
                return sum;
            });
            if (best.checksum() != (long) best.rounds() * ITERATIONS * nlctrl.id()) {
                throw new AssertionError("a reply did not name nlctrl's id: sum " + best.checksum());
            }
            System.out.println(best.bytes() + " bytes allocated in the best of " + best.rounds() + " rounds of "
                    + ITERATIONS + " round trips");
        }
    }
}
