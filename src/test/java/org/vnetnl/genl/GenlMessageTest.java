package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.MessageHeader;

/** The message view on bytes alone: validity across receives, and an unwrapped view. */
class GenlMessageTest {

    private static final int FAMILY = 0x1234;

    /** One generic netlink message with attribute 1 (a u32) and a nested attribute 2 holding attribute 3. */
    private static MemorySegment message(MemorySegment buffer) {
        AttributeWriter attributes = new AttributeWriter().wrap(buffer, MessageHeader.GENL_PAYLOAD,
                buffer.byteSize() - MessageHeader.GENL_PAYLOAD);
        attributes.putU32(1, 42);
        int nest = attributes.beginNested(2);
        attributes.putU8(3, 9);
        attributes.endNested(nest);
        MessageHeader.writeGenl(buffer, 0, FAMILY, 0, 7, 0, 5, 1);
        MessageHeader.setLength(buffer, 0, (int) attributes.position());
        return buffer;
    }

    @Test
    void aViewOfAReceiveBufferFailsOnceTheBufferIsOverwrittenInsteadOfReadingTheNewBytes() {
        MemorySegment buffer = message(MemorySegment.ofArray(new byte[128]));
        int length = MessageHeader.length(buffer, 0);
        BufferGeneration generation = new BufferGeneration();
        GenlMessage reply = new GenlMessage().wrap(buffer, 0, length, 0, generation);
        AttributeReader attributes = reply.attributes();
        assertTrue(attributes.next());
        assertTrue(attributes.next());
        AttributeReader nested = attributes.nested(new AttributeReader());
        assertEquals(FAMILY, reply.familyId());

        generation.advance(); // the connection is about to receive into the buffer
        assertThrows(IllegalStateException.class, reply::familyId);
        assertThrows(IllegalStateException.class, reply::command);
        assertThrows(IllegalStateException.class, reply::attributes);
        assertThrows(IllegalStateException.class, reply::copy);
        assertThrows(IllegalStateException.class, attributes::type);
        assertThrows(IllegalStateException.class, attributes::u32);
        assertThrows(IllegalStateException.class, attributes::next);
        assertThrows(IllegalStateException.class, nested::next);
        assertEquals("GenlMessage[no longer valid]", reply.toString());

        // Wrapped again over the new message, the same view is valid again.
        reply.wrap(buffer, 0, length, 0, generation);
        assertEquals(5, reply.command());
        assertTrue(reply.attributes().seek(1));
    }

    @Test
    void aCopyAndACallersOwnViewAreNeverInvalidated() {
        MemorySegment buffer = message(MemorySegment.ofArray(new byte[128]));
        int length = MessageHeader.length(buffer, 0);
        BufferGeneration generation = new BufferGeneration();
        GenlMessage copy = new GenlMessage().wrap(buffer, 0, length, 0, generation).copy();
        GenlMessage own = new GenlMessage().wrap(buffer, 0, length, 0);
        generation.advance();
        AttributeReader copied = copy.attributes();
        assertTrue(copied.seek(1));
        assertEquals(42, copied.u32());
        assertEquals(7, own.sequence());
    }

    @Test
    void anUnwrappedViewSaysSoInsteadOfFailingWithAnIndexError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new GenlMessage().familyId());
        assertTrue(e.getMessage().contains("not wrapped"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new GenlMessage().attributes());
    }
}
