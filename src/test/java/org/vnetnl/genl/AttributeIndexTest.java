package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AttributeIndex}, the engine of the generated readers: what one wrap records must not leak into the next
 * (a reply without an attribute after one with it), whether wraps follow each other or the pass counter comes
 * round.
 */
class AttributeIndexTest {

    private static final int A = 1;
    private static final int B = 2;
    private static final int C = 5;
    private static final int UNKNOWN = 9;

    private final Arena arena = Arena.ofConfined();
    private final AttributeIndex index = new AttributeIndex("test", new int[] {A, B, C}, new String[] {"a", "b", "c"});

    @AfterEach
    void close() {
        arena.close();
    }

    /** A reader over attributes written by {@code write}. */
    private AttributeReader attributes(java.util.function.Consumer<AttributeWriter> write) {
        MemorySegment segment = arena.allocate(256, 8);
        AttributeWriter writer = new AttributeWriter().wrap(segment, 0, segment.byteSize());
        write.accept(writer);
        return new AttributeReader().wrap(segment, 0, writer.position());
    }

    @Test
    void nothingIsPresentBeforeTheFirstWrap() {
        assertFalse(index.has(0));
        assertEquals(0, index.count(2));
        assertThrows(NoSuchElementException.class, () -> index.at(1));
    }

    @Test
    void recordsFirstOccurrencesAndCountsAndSkipsUnknownAttributes() {
        index.wrap(attributes(w -> w.putU32(A, 10).putU32(UNKNOWN, 99).putU32(C, 50).putU32(A, 11).putU32(A, 12)));
        assertTrue(index.has(0));
        assertFalse(index.has(1));
        assertTrue(index.has(2));
        assertEquals(10, index.at(0).u32());
        assertEquals(50, index.at(2).u32());
        assertEquals(3, index.count(0));
        assertEquals(0, index.count(1));
        assertEquals(12, index.nth(0, 2).u32());
        assertThrows(IndexOutOfBoundsException.class, () -> index.nth(1, 0));
        NoSuchElementException absent = assertThrows(NoSuchElementException.class, () -> index.at(1));
        assertTrue(absent.getMessage().contains("attribute b of set test is absent"), absent.getMessage());
    }

    @Test
    void aNewWrapForgetsWhatTheLastOneRecorded() {
        index.wrap(attributes(w -> w.putU32(A, 1).putU32(B, 2).putU32(B, 3)));
        assertEquals(2, index.count(1));
        index.wrap(attributes(w -> w.putU32(C, 7)));
        assertFalse(index.has(0));
        assertFalse(index.has(1));
        assertEquals(0, index.count(1));
        assertEquals(7, index.at(2).u32());
        index.wrap(attributes(w -> w.putU32(B, 4)));
        assertEquals(1, index.count(1));
        assertEquals(4, index.at(1).u32());
        assertFalse(index.has(2));
    }

    @Test
    void theWrapAroundOfThePassCounterForgetsToo() {
        index.wrap(attributes(w -> w.putU32(A, 1)));
        index.setPassForTest(-1);                       // the next wrap takes the counter round to 0
        index.wrap(attributes(w -> w.putU32(B, 2)));
        assertFalse(index.has(0), "recorded before the wrap-around");
        assertFalse(index.has(2), "never recorded");
        assertEquals(0, index.count(2));
        assertEquals(2, index.at(1).u32());
        index.wrap(attributes(w -> w.putU32(C, 3)));
        assertFalse(index.has(1));
        assertEquals(3, index.at(2).u32());
    }
}
