package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
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
import static org.vnetnl.genl.AttributeTestBytes.concat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AttributeReaderTest {

    private final Arena arena = Arena.ofConfined();
    private final AttributeReader reader = new AttributeReader();

    @BeforeEach
    void requireLittleEndian() {
        AttributeTestBytes.assumeLittleEndian();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    /** Wraps the reader over exactly {@code content}, in native memory sized to it. */
    private AttributeReader over(byte[] content) {
        return reader.wrap(AttributeTestBytes.nativeCopy(arena, content), 0, content.length);
    }

    private static MalformedMessageException assertMalformed(long offset, String message, Runnable read) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, read::run);
        assertEquals(message, e.getMessage());
        assertEquals(offset, e.offset());
        return e;
    }

    @Test
    void readsEveryIntegerType() {
        over(concat(U8, U16, U32, U64, S8, S16, S32, S64));
        assertTrue(reader.next());
        assertEquals(1, reader.type());
        assertEquals(0xAB, reader.u8());
        assertEquals((byte) 0xAB, reader.s8());
        assertTrue(reader.next());
        assertEquals(0x1234, reader.u16());
        assertTrue(reader.next());
        assertEquals(0x12345678L, reader.u32());
        assertEquals(0x12345678, reader.u32AsInt());
        assertTrue(reader.next());
        assertEquals(0x0102030405060708L, reader.u64());
        assertEquals(0x0102030405060708L, reader.s64());
        assertTrue(reader.next());
        assertEquals(-2, reader.s8());
        assertEquals(0xFE, reader.u8());
        assertTrue(reader.next());
        assertEquals(-2, reader.s16());
        assertEquals(0xFFFE, reader.u16());
        assertTrue(reader.next());
        assertEquals(-2, reader.s32());
        assertEquals(0xFFFF_FFFEL, reader.u32());
        assertEquals(-2, reader.u32AsInt());
        assertTrue(reader.next());
        assertEquals(-2L, reader.s64());
        assertEquals(8, reader.type());
        assertFalse(reader.next());
        assertFalse(reader.hasCurrent());
        assertFalse(reader.next(), "stays at the end");
    }

    /**
     * The string's end is its first NUL wherever it sits against the eight-byte reads of the scan: every payload
     * length up to 40, the NUL at every position (or none), bytes around it of every kind (0x01, 0x7F, 0x80, 0xFF:
     * the values next to zero's borrow), checked against a byte-by-byte scan.
     */
    @Test
    void aStringEndsAtItsFirstNulAtEveryPositionOfTheWordScan() {
        byte[] fillers = {1, 0x7F, (byte) 0x80, (byte) 0xFF, 'a'};
        for (int length = 1; length <= 40; length++) {
            for (int nul = -1; nul < length; nul++) {
                for (byte filler : fillers) {
                    byte[] payload = new byte[length];
                    java.util.Arrays.fill(payload, filler);
                    if (nul >= 0) {
                        payload[nul] = 0;
                        if (nul + 2 < length) {
                            payload[nul + 2] = 0; // a second NUL after the first changes nothing
                        }
                    }
                    byte[] attribute = new byte[4 + length];
                    attribute[0] = (byte) (4 + length);
                    attribute[2] = 7;
                    System.arraycopy(payload, 0, attribute, 4, length);
                    over(attribute);
                    assertTrue(reader.next());
                    if (nul < 0) {
                        assertThrows(MalformedMessageException.class, reader::stringLength, "length " + length);
                    } else {
                        assertEquals(nul, reader.stringLength(), "length " + length + ", filler " + filler);
                    }
                }
            }
        }
    }

    @Test
    void readsFlagStringsAndBytes() {
        over(concat(FLAG, STRING_AB, STRING_EMPTY, STRING_UTF8, BINARY_5));
        assertTrue(reader.next());
        assertTrue(reader.flag());
        assertEquals(0, reader.payloadLength());
        assertTrue(reader.next());
        assertEquals("ab", reader.string());
        assertEquals(2, reader.stringLength());
        assertEquals(3, reader.payloadLength());
        assertTrue(reader.next());
        assertEquals("", reader.string());
        assertTrue(reader.stringEquals(""));
        assertTrue(reader.next());
        assertEquals("é€😀", reader.string());
        assertEquals(9, reader.stringLength());
        assertTrue(reader.stringEquals("é€😀"));
        assertTrue(reader.next());
        assertArrayEquals(bytes(1, 2, 3, 4, 5), reader.bytesCopy());
        MemorySegment view = reader.bytes();
        assertEquals(5, view.byteSize());
        assertEquals(reader.payloadOffset(), view.address() - reader.segment().address(), "a view, not a copy");
        assertFalse(reader.next());
    }

    @Test
    void readsNetworkByteOrder() {
        over(concat(U16_BE, U32_BE, U64_BE));
        assertTrue(reader.next());
        assertTrue(reader.isNetByteOrder());
        assertFalse(reader.isNested());
        assertEquals(13, reader.type());
        assertEquals(0x400D, reader.rawType());
        assertEquals(0x1234, reader.u16());
        assertTrue(reader.next());
        assertEquals(0x0A000001L, reader.u32());
        assertTrue(reader.next());
        assertEquals(0x0102030405060708L, reader.u64());
    }

    @Test
    void readsTwoLevelsOfNestingWithoutAllocatingReaders() {
        over(NESTED_TWO_LEVELS);
        AttributeReader level1 = new AttributeReader();
        AttributeReader level2 = new AttributeReader();
        assertTrue(reader.next());
        assertTrue(reader.isNested());
        assertEquals(1, reader.type());
        assertEquals(0x8001, reader.rawType());
        assertSame(level1, reader.nested(level1));
        assertTrue(level1.next());
        assertEquals(7, level1.u32());
        assertTrue(level1.next());
        assertEquals(3, level1.type());
        level1.nested(level2);
        assertTrue(level2.next());
        assertEquals(4, level2.type());
        assertEquals(16, level2.offset(), "offsets stay absolute in the segment");
        assertEquals(1, level2.u8());
        assertFalse(level2.next());
        assertFalse(level1.next());
        assertFalse(reader.next());
        assertThrows(IllegalArgumentException.class, () -> reader.rewind().nested(reader));
    }

    @Test
    void offsetsAreAbsoluteInTheSegment() {
        MemorySegment segment = AttributeTestBytes.nativeCopy(arena, concat(new byte[20], U8, U32));
        reader.wrap(segment, 20, 16);
        assertTrue(reader.next());
        assertEquals(20, reader.offset());
        assertEquals(24, reader.payloadOffset());
        assertTrue(reader.next());
        assertEquals(28, reader.offset());
        assertEquals(0x12345678L, reader.u32());
    }

    @Test
    void readsSixtyFourBitValuesAtUnalignedAddresses() {
        MemorySegment segment = AttributeTestBytes.nativeCopy(arena, concat(U64, U64));
        reader.wrap(segment, 0, segment.byteSize());
        assertTrue(reader.next());
        assertEquals(4, reader.payloadOffset() % 8, "the payload is not 8-aligned");
        assertEquals(0x0102030405060708L, reader.u64());
        assertTrue(reader.next());
        assertEquals(0x0102030405060708L, reader.u64());
    }

    @Test
    void seeksByTypeAndRewinds() {
        over(concat(U8, U16, NESTED_TWO_LEVELS, U32));
        assertTrue(reader.seek(3));
        assertEquals(0x12345678L, reader.u32());
        assertTrue(reader.seek(1), "matches the masked type");
        assertEquals(0xAB, reader.u8());
        assertTrue(reader.next());
        assertEquals(2, reader.type());
        assertFalse(reader.seek(4), "nested attributes are not searched");
        assertFalse(reader.hasCurrent());
        reader.rewind();
        assertTrue(reader.next());
        assertEquals(1, reader.type());
    }

    @Test
    void acceptsALastAttributeWhosePaddingIsCutOff() {
        for (int cut = 1; cut <= 3; cut++) {
            byte[] content = concat(U16, java.util.Arrays.copyOf(U8, U8.length - cut));
            over(content);
            assertTrue(reader.next());
            assertTrue(reader.next());
            assertEquals(0xAB, reader.u8());
            assertFalse(reader.next(), "cut " + cut);
        }
    }

    @Test
    void anEmptyRangeHasNoAttributes() {
        over(new byte[0]);
        assertFalse(reader.next());
        assertFalse(reader.seek(1));
    }

    @Test
    void rejectsALengthShorterThanTheHeader() {
        over(concat(U8, bytes(0x03, 0x00, 0x02, 0x00, 0, 0, 0, 0)));
        assertTrue(reader.next());
        assertMalformed(8, "attribute type 2 at offset 8: length 3 is shorter than the 4-byte header", reader::next);
        assertMalformed(8, "attribute type 2 at offset 8: length 3 is shorter than the 4-byte header", reader::next);
        over(bytes(0x00, 0x00, 0x00, 0x00));
        assertMalformed(0, "attribute type 0 at offset 0: length 0 is shorter than the 4-byte header", reader::next);
    }

    @Test
    void rejectsALengthRunningPastTheRange() {
        over(bytes(0x09, 0x00, 0x01, 0x00, 1, 2, 3, 4));
        assertMalformed(0, "attribute type 1 at offset 0: length 9 runs past the end of the enclosing range, 8"
                + " bytes left", reader::next);
    }

    @Test
    void rejectsANestedAttributeRunningPastItsParent() {
        // The inner attribute claims 12 bytes; the segment has them, its parent's payload has only 8.
        byte[] content = concat(bytes(0x0C, 0x00, 0x01, 0x80, 0x0C, 0x00, 0x02, 0x00, 1, 2, 3, 4), U32);
        over(content);
        assertTrue(reader.next());
        AttributeReader nested = reader.nested();
        assertMalformed(4, "attribute type 2 at offset 4: length 12 runs past the end of the enclosing range, 8"
                + " bytes left", nested::next);
        assertTrue(reader.next(), "the outer reader is unaffected");
    }

    @Test
    void rejectsATruncatedHeader() {
        over(concat(U8, bytes(0x08, 0x00)));
        assertTrue(reader.next());
        assertMalformed(8, "attribute at offset 8: 2 trailing bytes after the last attribute, too few for a"
                + " header of 4", reader::next);
    }

    @Test
    void rejectsOneToThreeTrailingBytes() {
        for (int trailing = 1; trailing <= 3; trailing++) {
            over(concat(FLAG, new byte[trailing]));
            assertTrue(reader.next());
            MalformedMessageException e = assertThrows(MalformedMessageException.class, reader::next);
            assertEquals(4, e.offset());
            assertTrue(e.problem().startsWith(trailing + " trailing byte"), e.problem());
        }
    }

    @Test
    void rejectsAStringWithoutNulEvenIfThePaddingIsZero() {
        over(bytes(0x06, 0x00, 0x01, 0x00, 'a', 'b', 0x00, 0x00));
        assertTrue(reader.next());
        String expected = "attribute type 1 at offset 0: string of 2 bytes has no NUL terminator";
        assertMalformed(0, expected, reader::string);
        assertMalformed(0, expected, reader::stringLength);
        assertMalformed(0, expected, () -> reader.stringEquals("ab"));
        assertMalformed(0, expected, () -> reader.copyString(new byte[8]));
        assertEquals("ab", new String(reader.bytesCopy(), java.nio.charset.StandardCharsets.US_ASCII));
        over(FLAG);
        assertTrue(reader.next());
        assertMalformed(0, "attribute type 9 at offset 0: empty payload, expected a NUL-terminated string",
                reader::string);
    }

    @Test
    void stopsAStringAtTheFirstNul() {
        over(bytes(0x08, 0x00, 0x01, 0x00, 'a', 0x00, 'b', 0x00));
        assertTrue(reader.next());
        assertEquals("a", reader.string());
        assertTrue(reader.stringEquals("a"));
    }

    @Test
    void comparesStringsWithoutDecodingThem() {
        over(concat(STRING_AB, STRING_UTF8));
        assertTrue(reader.next());
        assertTrue(reader.stringEquals("ab"));
        assertFalse(reader.stringEquals("a"));
        assertFalse(reader.stringEquals("abc"));
        assertFalse(reader.stringEquals("aB"));
        assertFalse(reader.stringEquals(""));
        assertTrue(reader.next());
        assertTrue(reader.stringEquals("é€😀"));
        assertFalse(reader.stringEquals("é€😁"));
        assertFalse(reader.stringEquals("é€"));
        assertFalse(reader.stringEquals("é€\uD83D"), "an unpaired surrogate never matches");
        assertFalse(reader.stringEquals("e€😀"));
    }

    @Test
    void decodesInvalidUtf8WithReplacementCharacters() {
        over(bytes(0x07, 0x00, 0x01, 0x00, 'a', 0xFF, 0x00, 0x00));
        assertTrue(reader.next());
        assertEquals("a\uFFFD", reader.string());
        assertEquals(2, reader.stringLength());
    }

    @Test
    void copiesStringBytes() {
        over(STRING_UTF8);
        assertTrue(reader.next());
        byte[] destination = new byte[16];
        assertEquals(9, reader.copyString(destination));
        assertEquals("é€😀", new String(destination, 0, 9, java.nio.charset.StandardCharsets.UTF_8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reader.copyString(new byte[8]));
        assertEquals("string of 9 bytes does not fit in a destination of 8 bytes", e.getMessage());
    }

    static Stream<Arguments> accessorsWithTheirSize() {
        return Stream.of(
                Arguments.of("u8", 1, (Function<AttributeReader, Object>) AttributeReader::u8),
                Arguments.of("s8", 1, (Function<AttributeReader, Object>) AttributeReader::s8),
                Arguments.of("u16", 2, (Function<AttributeReader, Object>) AttributeReader::u16),
                Arguments.of("s16", 2, (Function<AttributeReader, Object>) AttributeReader::s16),
                Arguments.of("u32", 4, (Function<AttributeReader, Object>) AttributeReader::u32),
                Arguments.of("u32", 4, (Function<AttributeReader, Object>) AttributeReader::u32AsInt),
                Arguments.of("s32", 4, (Function<AttributeReader, Object>) AttributeReader::s32),
                Arguments.of("u64", 8, (Function<AttributeReader, Object>) AttributeReader::u64),
                Arguments.of("s64", 8, (Function<AttributeReader, Object>) AttributeReader::s64),
                Arguments.of("flag", 0, (Function<AttributeReader, Object>) AttributeReader::flag));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accessorsWithTheirSize")
    void integerAccessorsRequireTheExactPayloadSize(String kind, int size, Function<AttributeReader, Object> read) {
        for (int payloadLength = 0; payloadLength <= 9; payloadLength++) {
            byte[] attribute = new byte[4 + payloadLength];
            attribute[0] = (byte) attribute.length;
            attribute[2] = 3;
            over(concat(new byte[40], attribute));
            reader.wrap(reader.segment(), 40, attribute.length);
            assertTrue(reader.next());
            if (payloadLength == size) {
                read.apply(reader);
            } else {
                int length = payloadLength;
                assertMalformed(40, "attribute type 3 at offset 40: payload of " + length + " byte"
                        + (length == 1 ? "" : "s") + ", expected " + size + " for " + kind, () -> read.apply(reader));
            }
        }
    }

    @Test
    void theExampleMessageOfTheSpecification() {
        over(concat(new byte[40], bytes(0x06, 0x00, 0x03, 0x00, 1, 2, 0, 0)));
        reader.wrap(reader.segment(), 40, 8);
        assertTrue(reader.next());
        MalformedMessageException e = assertThrows(MalformedMessageException.class, reader::u32);
        assertEquals("attribute type 3 at offset 40: payload of 2 bytes, expected 4 for u32", e.getMessage());
        assertEquals("payload of 2 bytes, expected 4 for u32", e.problem());
    }

    @Test
    void accessorsNeedACurrentAttribute() {
        over(U8);
        assertThrows(IllegalStateException.class, reader::type);
        assertThrows(IllegalStateException.class, reader::u8);
        assertThrows(IllegalStateException.class, reader::offset);
        assertTrue(reader.next());
        assertFalse(reader.next());
        assertThrows(IllegalStateException.class, reader::payloadLength);
        assertThrows(IllegalStateException.class, reader::nested);
    }

    @Test
    void rejectsRangesOutsideTheSegment() {
        MemorySegment segment = MemorySegment.ofArray(new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> reader.wrap(segment, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> reader.wrap(segment, 0, 17));
        assertThrows(IllegalArgumentException.class, () -> reader.wrap(segment, 16, 1));
        assertThrows(IllegalArgumentException.class, () -> reader.wrap(segment, 8, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> reader.wrap(segment, 0, -1));
        reader.wrap(segment, 16, 0);
        assertFalse(reader.next());
    }

    @Test
    void nestedReturnsAFreshReaderEachTime() {
        over(NESTED_TWO_LEVELS);
        assertTrue(reader.next());
        AttributeReader first = reader.nested();
        assertNotSame(first, reader.nested());
        assertTrue(first.next());
        assertEquals(2, first.type());
    }

    @Test
    void readsWhatTheWriterWrites() {
        MemorySegment segment = arena.allocate(512);
        AttributeWriter writer = new AttributeWriter().wrap(segment, 16, 496);
        writer.putString(1, "vnet0").putU32(2, 0xFFFF_FFFFL).putU8(3, 1).putS64(4, Long.MIN_VALUE);
        int stats = writer.beginNested(5);
        writer.putU64(1, -1L).putU64Be(2, 42).putFlag(3).putBytes(4, bytes(9, 8, 7));
        writer.endNested(stats);
        reader.wrap(segment, 16, writer.length());
        assertTrue(reader.next());
        assertEquals("vnet0", reader.string());
        assertTrue(reader.next());
        assertEquals(0xFFFF_FFFFL, reader.u32());
        assertTrue(reader.next());
        assertEquals(1, reader.u8());
        assertTrue(reader.next());
        assertEquals(Long.MIN_VALUE, reader.s64());
        assertTrue(reader.next());
        AttributeReader nested = reader.nested();
        assertTrue(nested.next());
        assertEquals(-1L, nested.u64());
        assertTrue(nested.next());
        assertEquals(42, nested.u64());
        assertTrue(nested.next());
        assertTrue(nested.flag());
        assertTrue(nested.next());
        assertArrayEquals(bytes(9, 8, 7), nested.bytesCopy());
        assertFalse(nested.next());
        assertFalse(reader.next());
    }
}
