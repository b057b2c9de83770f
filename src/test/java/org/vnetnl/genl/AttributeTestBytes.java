package org.vnetnl.genl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Hand-written wire images of netlink attributes, shared by the writer tests (which must produce them) and
 * the reader tests (which must decode them). Headers and native-order integers are little-endian, as on
 * every platform the library targets (x86-64, aarch64); tests using them call {@link #assumeLittleEndian()}.
 */
final class AttributeTestBytes {

    /** u8 type 1 = 0xAB: 1-byte payload, 3 bytes of padding. */
    static final byte[] U8 = bytes(0x05, 0x00, 0x01, 0x00, 0xAB, 0x00, 0x00, 0x00);
    /** u16 type 2 = 0x1234. */
    static final byte[] U16 = bytes(0x06, 0x00, 0x02, 0x00, 0x34, 0x12, 0x00, 0x00);
    /** u32 type 3 = 0x12345678. */
    static final byte[] U32 = bytes(0x08, 0x00, 0x03, 0x00, 0x78, 0x56, 0x34, 0x12);
    /** u64 type 4 = 0x0102030405060708, 12 bytes: no padding, and 8-byte values are only 4-aligned. */
    static final byte[] U64 = bytes(0x0C, 0x00, 0x04, 0x00, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01);
    /** s8 type 5 = -2. */
    static final byte[] S8 = bytes(0x05, 0x00, 0x05, 0x00, 0xFE, 0x00, 0x00, 0x00);
    /** s16 type 6 = -2. */
    static final byte[] S16 = bytes(0x06, 0x00, 0x06, 0x00, 0xFE, 0xFF, 0x00, 0x00);
    /** s32 type 7 = -2. */
    static final byte[] S32 = bytes(0x08, 0x00, 0x07, 0x00, 0xFE, 0xFF, 0xFF, 0xFF);
    /** s64 type 8 = -2. */
    static final byte[] S64 = bytes(0x0C, 0x00, 0x08, 0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
    /** flag type 9: header only. */
    static final byte[] FLAG = bytes(0x04, 0x00, 0x09, 0x00);
    /** string type 10 = "ab": 2 bytes, NUL, 1 byte of padding. */
    static final byte[] STRING_AB = bytes(0x07, 0x00, 0x0A, 0x00, 'a', 'b', 0x00, 0x00);
    /** string type 11 = "": the NUL alone. */
    static final byte[] STRING_EMPTY = bytes(0x05, 0x00, 0x0B, 0x00, 0x00, 0x00, 0x00, 0x00);
    /** string type 1 = "é€😀": 2-, 3- and 4-byte UTF-8 sequences, NUL, 2 bytes of padding. */
    static final byte[] STRING_UTF8 = bytes(0x0E, 0x00, 0x01, 0x00, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F,
            0x98, 0x80, 0x00, 0x00, 0x00);
    /** binary type 12 = 01 02 03 04 05: 5-byte payload, 3 bytes of padding. */
    static final byte[] BINARY_5 = bytes(0x09, 0x00, 0x0C, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00);
    /** u16 type 13 = 0x1234 in network byte order: NLA_F_NET_BYTEORDER (0x4000) set. */
    static final byte[] U16_BE = bytes(0x06, 0x00, 0x0D, 0x40, 0x12, 0x34, 0x00, 0x00);
    /** u32 type 14 = 10.0.0.1 in network byte order. */
    static final byte[] U32_BE = bytes(0x08, 0x00, 0x0E, 0x40, 0x0A, 0x00, 0x00, 0x01);
    /** u64 type 15 = 0x0102030405060708 in network byte order. */
    static final byte[] U64_BE = bytes(0x0C, 0x00, 0x0F, 0x40, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08);
    /**
     * Two levels of nesting: type 1 (NLA_F_NESTED, 0x8000) holding u32 type 2 = 7 and type 3 (nested)
     * holding u8 type 4 = 1.
     */
    static final byte[] NESTED_TWO_LEVELS = bytes(
            0x18, 0x00, 0x01, 0x80,
            0x08, 0x00, 0x02, 0x00, 0x07, 0x00, 0x00, 0x00,
            0x0C, 0x00, 0x03, 0x80,
            0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00);

    private AttributeTestBytes() {
    }

    static void assumeLittleEndian() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
                "the wire images are written for little-endian hosts");
    }

    static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] result = new byte[length];
        int position = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, result, position, part.length);
            position += part.length;
        }
        return result;
    }

    /** Copies {@code content} into fresh native memory, so that reads beyond it would fault loudly. */
    static MemorySegment nativeCopy(Arena arena, byte[] content) {
        MemorySegment segment = arena.allocate(Math.max(1, content.length), 8);
        MemorySegment.copy(content, 0, segment, ValueLayout.JAVA_BYTE, 0, content.length);
        return segment.asSlice(0, content.length);
    }

    static byte[] toArray(MemorySegment segment, long offset, long length) {
        return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
