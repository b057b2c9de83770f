package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

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
        CurrentThreadAllocation allocation = new CurrentThreadAllocation();
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

    /**
     * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, reached reflectively: the tests
     * run inside the library's module, which does not read {@code jdk.management}, and adding that module
     * to the library only for a test would be wrong.
     */
    private static final class CurrentThreadAllocation {
        private final Object bean;
        private final Method currentThreadAllocatedBytes;

        CurrentThreadAllocation() throws ReflectiveOperationException {
            bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            currentThreadAllocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getCurrentThreadAllocatedBytes");
            // The first call may allocate internally; make it before anything is measured.
            bytes();
        }

        long bytes() throws ReflectiveOperationException {
            return (Long) currentThreadAllocatedBytes.invoke(bean);
        }
    }
}
