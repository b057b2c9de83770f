package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

/** The reader's accessors for generated flyweights: {@code wrap(AttributeReader)}, {@code at(offset)}, {@code requireValid()}. */
class AttributeReaderAtTest {

    @Test
    void atMakesARecordedOffsetCurrentAndContinuesFromThere() {
        MemorySegment buffer = Arena.ofAuto().allocate(64);
        AttributeWriter out = new AttributeWriter().wrap(buffer, 8, 56);
        out.putU32(1, 10).putU32(2, 20).putU32(3, 30);
        AttributeReader source = new AttributeReader().wrap(buffer, 8, out.length());
        AttributeReader reader = new AttributeReader().wrap(source);
        assertTrue(reader.seek(2));
        long second = reader.offset();
        reader.rewind();
        assertEquals(20, reader.at(second).u32());
        assertTrue(reader.next());
        assertEquals(3, reader.type());
        assertFalse(reader.next());
        assertThrows(IllegalArgumentException.class, () -> reader.at(4), "before the range");
        assertThrows(IllegalArgumentException.class, () -> reader.at(8 + out.length()), "after the range");
        reader.requireValid();
    }

    @Test
    void aCopiedReaderIsStaleWithItsSource() {
        MemorySegment buffer = Arena.ofAuto().allocate(16);
        new AttributeWriter().wrap(buffer, 0, 16).putU32(1, 5);
        BufferGeneration generation = new BufferGeneration();
        AttributeReader source = new AttributeReader().wrap(buffer, 0, 8, generation, generation.current());
        AttributeReader copy = new AttributeReader().wrap(source);
        assertTrue(copy.seek(1));
        generation.advance();
        assertThrows(IllegalStateException.class, copy::requireValid);
        assertThrows(IllegalStateException.class, () -> copy.at(0));
    }
}
