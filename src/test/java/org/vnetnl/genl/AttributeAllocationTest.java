package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.ThreadAllocation;

/**
 * Checks that writing and reading attributes allocates nothing once the code is warmed up: the reader and
 * writer are flyweights, and strings are encoded and compared in place.
 */
class AttributeAllocationTest {

    private static final int MSG = 1;
    private static final int VALUE = 2;
    private static final int FLAG = 3;
    private static final int ITERATIONS = 100_000;
    /** Room for the JIT and the measurement itself; a single object per iteration would exceed it 30-fold. */
    private static final long ALLOWED_BYTES = 64 * 1024;

    private final AttributeWriter writer = new AttributeWriter();
    private final AttributeReader reader = new AttributeReader();
    private final String message = "hello from vnet_nl, ünïcödé included";

    @Test
    void writingAndReadingDoNotAllocate() throws ReflectiveOperationException {
        ThreadAllocation allocation = new ThreadAllocation();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(256);
            long checksum = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                checksum += roundTrip(buffer, i);
            }
            long before = allocation.bytes();
            for (int i = 0; i < ITERATIONS; i++) {
                checksum += roundTrip(buffer, i);
            }
            long allocated = allocation.bytes() - before;
            assertEquals(2L * ITERATIONS * (ITERATIONS - 1) / 2 + 2L * ITERATIONS, checksum,
                    "every round trip must read back what it wrote");
            assertTrue(allocated < ALLOWED_BYTES, allocated + " bytes allocated in " + ITERATIONS
                    + " round trips");
        }
    }

    /** Writes three attributes, reads them back, and returns the value read plus 1 for the flag. */
    private long roundTrip(MemorySegment buffer, int i) {
        writer.wrap(buffer, 20, buffer.byteSize() - 20);
        writer.putString(MSG, message).putU32(VALUE, i).putU8(FLAG, 1);
        reader.wrap(buffer, 20, writer.length());
        long result = 0;
        while (reader.next()) {
            switch (reader.type()) {
                case MSG -> result += reader.stringEquals(message) ? 0 : 1_000_000_000_000L;
                case VALUE -> result += reader.u32();
                case FLAG -> result += reader.u8();
                default -> throw new AssertionError("unexpected type " + reader.type());
            }
        }
        return result;
    }
}
