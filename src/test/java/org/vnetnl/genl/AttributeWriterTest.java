package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.AttributeTestBytes.BINARY_5;
import static org.vnetnl.genl.AttributeTestBytes.FLAG;
import static org.vnetnl.genl.AttributeTestBytes.NESTED_TWO_LEVELS;
import static org.vnetnl.genl.AttributeTestBytes.S16;
import static org.vnetnl.genl.AttributeTestBytes.S32;
import static org.vnetnl.genl.AttributeTestBytes.S64;
import static org.vnetnl.genl.AttributeTestBytes.S8;
import static org.vnetnl.genl.AttributeTestBytes.STRING_AB;
import static org.vnetnl.genl.AttributeTestBytes.STRING_EMPTY;
import static org.vnetnl.genl.AttributeTestBytes.STRING_UTF8;
import static org.vnetnl.genl.AttributeTestBytes.U16;
import static org.vnetnl.genl.AttributeTestBytes.U16_BE;
import static org.vnetnl.genl.AttributeTestBytes.U32;
import static org.vnetnl.genl.AttributeTestBytes.U32_BE;
import static org.vnetnl.genl.AttributeTestBytes.U64;
import static org.vnetnl.genl.AttributeTestBytes.U64_BE;
import static org.vnetnl.genl.AttributeTestBytes.U8;
import static org.vnetnl.genl.AttributeTestBytes.bytes;
import static org.vnetnl.genl.AttributeTestBytes.toArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttributeWriterTest {

    /** Fills the buffer before each test, so that padding left unwritten would show. */
    private static final byte DIRT = (byte) 0x55;

    private final MemorySegment buffer = MemorySegment.ofArray(new byte[256]);
    private final AttributeWriter writer = new AttributeWriter();

    @BeforeEach
    void dirtyBuffer() {
        AttributeTestBytes.assumeLittleEndian();
        buffer.fill(DIRT);
        writer.wrap(buffer, 0, buffer.byteSize());
    }

    private void assertWritten(byte[] expected, Consumer<AttributeWriter> put) {
        buffer.fill(DIRT);
        writer.wrap(buffer, 0, buffer.byteSize());
        put.accept(writer);
        assertEquals(expected.length, writer.length(), "length");
        assertArrayEquals(expected, toArray(buffer, 0, writer.length()));
        assertEquals(DIRT, buffer.get(ValueLayout.JAVA_BYTE, writer.position()), "byte after the attribute");
    }

    @Test
    void writesEveryIntegerTypeInNativeOrderWithZeroPadding() {
        assertWritten(U8, w -> w.putU8(1, 0xAB));
        assertWritten(U16, w -> w.putU16(2, 0x1234));
        assertWritten(U32, w -> w.putU32(3, 0x12345678));
        assertWritten(U32, w -> w.putU32(3, 0x12345678L));
        assertWritten(U64, w -> w.putU64(4, 0x0102030405060708L));
        assertWritten(S8, w -> w.putS8(5, -2));
        assertWritten(S16, w -> w.putS16(6, -2));
        assertWritten(S32, w -> w.putS32(7, -2));
        assertWritten(S64, w -> w.putS64(8, -2));
    }

    @Test
    void writesFlagStringsAndBytes() {
        assertWritten(FLAG, w -> w.putFlag(9));
        assertWritten(STRING_AB, w -> w.putString(10, "ab"));
        assertWritten(STRING_AB, w -> w.putString(10, new StringBuilder("ab")));
        assertWritten(STRING_EMPTY, w -> w.putString(11, ""));
        assertWritten(STRING_UTF8, w -> w.putString(1, "é€😀"));
        assertWritten(BINARY_5, w -> w.putBytes(12, bytes(1, 2, 3, 4, 5)));
        assertWritten(BINARY_5, w -> w.putBytes(12, bytes(9, 1, 2, 3, 4, 5, 9), 1, 5));
        assertWritten(BINARY_5, w -> w.putBytes(12, MemorySegment.ofArray(bytes(1, 2, 3, 4, 5))));
    }

    @Test
    void writesNetworkByteOrderWithTheFlag() {
        assertWritten(U16_BE, w -> w.putU16Be(13, 0x1234));
        assertWritten(U32_BE, w -> w.putU32Be(14, 0x0A000001));
        assertWritten(U64_BE, w -> w.putU64Be(15, 0x0102030405060708L));
    }

    @Test
    void writesTwoLevelsOfNesting() {
        assertWritten(NESTED_TWO_LEVELS, w -> {
            int outer = w.beginNested(1);
            w.putU32(2, 7);
            int inner = w.beginNested(3);
            assertEquals(2, w.depth());
            w.putU8(4, 1);
            w.endNested(inner);
            w.endNested(outer);
            assertEquals(0, w.depth());
        });
    }

    @Test
    void writesAnEmptyNest() {
        assertWritten(bytes(0x04, 0x00, 0x07, 0x80), w -> w.endNested(w.beginNested(7)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void padsEveryPayloadLengthToFourBytes(int payloadLength) {
        byte[] payload = new byte[payloadLength];
        java.util.Arrays.fill(payload, (byte) 0x11);
        writer.putBytes(1, payload).putU8(2, 0x22);
        int padded = (payloadLength + 3) & ~3;
        assertEquals(4 + padded + 8, writer.length());
        assertEquals(4 + payloadLength, buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0), "nla_len");
        for (int i = 0; i < padded; i++) {
            assertEquals(i < payloadLength ? 0x11 : 0, buffer.get(ValueLayout.JAVA_BYTE, 4 + i), "payload byte " + i);
        }
        assertEquals(2, buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4 + padded + 2), "next attribute's type");
    }

    @Test
    void reportsPositionAndLengthRelativeToTheWrappedRange() {
        writer.wrap(buffer, 20, 100);
        assertEquals(20, writer.position());
        assertEquals(100, writer.remaining());
        writer.putU8(1, 1).putU64(2, 3);
        assertEquals(40, writer.position());
        assertEquals(20, writer.length());
        assertEquals(80, writer.remaining());
        assertSame(buffer, writer.segment());
        assertEquals(5, buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, 20), "first header at the wrapped offset");
    }

    @Test
    void overflowWritesNothingAndLeavesThePositionUnchanged() {
        writer.wrap(buffer, 0, 12);
        writer.putU32(1, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.putString(2, "abcd"));
        assertEquals("attribute type 2 needs 12 bytes but only 4 are left in the buffer", e.getMessage());
        assertEquals(8, writer.position());
        for (int i = 8; i < buffer.byteSize(); i++) {
            assertEquals(DIRT, buffer.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " must be untouched");
        }
        assertThrows(IllegalStateException.class, () -> writer.putU64(3, 1));
        assertThrows(IllegalStateException.class, () -> writer.putU8(3, 1));
        assertEquals(8, writer.position());
        writer.putFlag(4);
        assertEquals(12, writer.position(), "the writer stays usable after an overflow");
        assertThrows(IllegalStateException.class, () -> writer.beginNested(5));
        assertEquals(0, writer.depth(), "a nest that did not fit is not open");
    }

    @Test
    void nestedContentIsLimitedToWhatNlaLenCanDescribe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment big = arena.allocate(200_000);
            writer.wrap(big, 0, big.byteSize());
            int token = writer.beginNested(1);
            writer.putBytes(2, new byte[65_000]);
            assertEquals(65_008, writer.position());
            assertEquals(527, writer.remaining());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> writer.putBytes(2, new byte[600]));
            assertTrue(e.getMessage().contains("needs 604 bytes but only 527 are left before the outermost open"
                    + " nested attribute exceeds the 65535 bytes of nla_len"), e.getMessage());
            writer.putBytes(2, new byte[520]);
            writer.endNested(token);
            assertEquals(65_532, Short.toUnsignedInt(big.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)));
            assertEquals(200_000 - 65_532, writer.remaining(), "the limit ends with the nest");
        }
    }

    @Test
    void nestsMustBeEndedInReverseOrder() {
        int outer = writer.beginNested(1);
        int inner = writer.beginNested(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.endNested(outer));
        assertEquals("token " + outer + " does not belong to the innermost open nested attribute (type 2 at"
                + " offset 4): nested attributes must be ended in reverse order of beginning", e.getMessage());
        writer.endNested(inner);
        assertThrows(IllegalStateException.class, () -> writer.endNested(inner), "ended twice");
        writer.endNested(outer);
        assertThrows(IllegalStateException.class, () -> writer.endNested(outer), "nothing open");
    }

    @Test
    void tokensOfEarlierNestsDoNotCloseLaterOnes() {
        int first = writer.beginNested(1);
        writer.endNested(first);
        int second = writer.beginNested(1);
        assertThrows(IllegalStateException.class, () -> writer.endNested(first));
        writer.endNested(second);
    }

    @Test
    void nestsDeeperThanTheInitialStackWork() {
        int[] tokens = new int[20];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = writer.beginNested(i + 1);
        }
        writer.putU8(100, 1);
        for (int i = tokens.length - 1; i >= 0; i--) {
            writer.endNested(tokens[i]);
        }
        assertEquals(20 * 4 + 8, Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)));
        AttributeReader reader = new AttributeReader().wrap(buffer, 0, writer.length());
        for (int depth = 1; depth <= 20; depth++) {
            assertTrue(reader.next());
            assertEquals(depth, reader.type());
            reader = reader.nested();
        }
        assertTrue(reader.next());
        assertEquals(1, reader.u8());
    }

    @Test
    void wrapResetsLengthAndOpenNests() {
        writer.beginNested(1);
        writer.wrap(buffer, 8, 16);
        assertEquals(0, writer.length());
        assertEquals(0, writer.depth());
    }

    @Test
    void rejectsTypesOutsideFourteenBits() {
        assertThrows(IllegalArgumentException.class, () -> writer.putU8(0, 1));
        assertThrows(IllegalArgumentException.class, () -> writer.putU8(-1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.putFlag(0x4000));
        assertEquals("attribute type 16384 is outside 1..16383 (the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits"
                + " are set by the writer)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.beginNested(0x8001));
        assertEquals(0, writer.position());
        writer.putFlag(AttributeWriter.MAX_TYPE);
        assertEquals(0x3FFF, Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2)));
    }

    @Test
    void rejectsPayloadsLongerThanNlaLenAllows() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment big = arena.allocate(70_000);
            writer.wrap(big, 0, big.byteSize());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> writer.putBytes(1, new byte[65_532]));
            assertEquals("payload of 65532 bytes for attribute type 1 exceeds the 65531 bytes a 16-bit nla_len"
                    + " can describe", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> writer.putString(1, "x".repeat(65_531)));
            assertEquals(0, writer.position());
            writer.putString(1, "x".repeat(65_530));
            assertEquals(0xFFFF, Short.toUnsignedInt(big.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0)));
            assertEquals(65_536, writer.position());
        }
    }

    @Test
    void rejectsIntegerValuesOutsideTheirType() {
        assertThrows(IllegalArgumentException.class, () -> writer.putU8(1, 256));
        assertThrows(IllegalArgumentException.class, () -> writer.putU8(1, -1));
        assertThrows(IllegalArgumentException.class, () -> writer.putU16(1, 0x10000));
        assertThrows(IllegalArgumentException.class, () -> writer.putU16Be(1, -1));
        assertThrows(IllegalArgumentException.class, () -> writer.putS8(1, 128));
        assertThrows(IllegalArgumentException.class, () -> writer.putS8(1, -129));
        assertThrows(IllegalArgumentException.class, () -> writer.putS16(1, 32_768));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer.putU32(1, 0x1_0000_0000L));
        assertEquals("value 4294967296 of attribute type 1 is out of range 0..4294967295 for u32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.putU32(1, -1L));
        assertEquals(0, writer.position());
        writer.putU32(1, 0xFFFF_FFFFL);
        assertEquals(-1, buffer.get(ValueLayout.JAVA_INT_UNALIGNED, 4));
    }

    @Test
    void rejectsStringsUtf8CannotEncodeOrACStringCannotHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> writer.putString(1, "a\uD800b"));
        assertEquals("unpaired surrogate U+D800 at index 1 has no UTF-8 encoding", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.putString(1, "\uDC00"));
        assertThrows(IllegalArgumentException.class, () -> writer.putString(1, "ab\uD83D"));
        e = assertThrows(IllegalArgumentException.class, () -> writer.putString(1, "a\0b"));
        assertEquals("NUL character at index 1 would truncate the NUL-terminated string", e.getMessage());
        assertEquals(0, writer.position());
        // The free space may hold the bytes encoded before the bad character; the next put lays out as usual.
        assertWritten(STRING_AB, w -> w.putString(10, "ab"));
    }

    /** A sequence that is one character long when first measured and longer afterwards. */
    private static final class GrowingSequence implements CharSequence {
        private final String grown;
        private int lengthCalls;

        GrowingSequence(String grown) {
            this.grown = grown;
        }

        @Override
        public int length() {
            return lengthCalls++ == 0 ? 1 : grown.length();
        }

        @Override
        public char charAt(int index) {
            return grown.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return grown.subSequence(start, end);
        }

        @Override
        public String toString() {
            return grown;
        }
    }

    @Test
    void putStringEncodesTheSequenceOnceSoTheAttributeMatchesWhatWasWritten() {
        CharSequence changing = new GrowingSequence("x" + "\u00e9".repeat(20));
        writer.putString(1, changing).putU8(2, 7);
        AttributeReader reader = new AttributeReader().wrap(buffer, 0, writer.length());
        assertTrue(reader.next());
        String read = reader.string();
        assertEquals(reader.stringLength() + 1, reader.payloadLength(), "the NUL ends the payload");
        assertTrue(read.equals("x") || read.equals(changing.toString()), read);
        assertTrue(reader.next(), "the attribute after the string is intact");
        assertEquals(2, reader.type());
        assertEquals(7, reader.u8());
    }

    @Test
    void putU32RejectsNegativeValuesWhetherGivenAsIntOrLong() {
        assertThrows(IllegalArgumentException.class, () -> writer.putU32(1, -1));
        assertThrows(IllegalArgumentException.class, () -> writer.putU32(1, -1L));
        assertEquals(0, writer.position());
        writer.putU32(1, Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, buffer.get(ValueLayout.JAVA_INT_UNALIGNED, 4));
    }

    @Test
    void aPinnedWriterCannotBePointedElsewhere() {
        AttributeWriter pinned = AttributeWriter.pinned().reset(buffer, 0, 16);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pinned.wrap(MemorySegment.ofArray(new byte[50_000]), 0, 50_000));
        assertTrue(e.getMessage().contains("send buffer"), e.getMessage());
        assertEquals(16, pinned.remaining());
    }

    @Test
    void rejectsRangesOutsideTheSegmentAndReadOnlySegments() {
        assertThrows(IllegalArgumentException.class, () -> writer.wrap(buffer, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> writer.wrap(buffer, 0, 257));
        assertThrows(IllegalArgumentException.class, () -> writer.wrap(buffer, 250, 7));
        assertThrows(IllegalArgumentException.class, () -> writer.wrap(buffer, 4, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> writer.wrap(buffer.asReadOnly(), 0, 16));
        assertThrows(IndexOutOfBoundsException.class, () -> writer.putBytes(1, new byte[4], 2, 3));
    }
}
