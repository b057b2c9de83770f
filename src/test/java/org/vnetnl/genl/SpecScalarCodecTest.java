package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.AttributeTestBytes.bytes;
import static org.vnetnl.genl.AttributeTestBytes.toArray;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the accessors YNL specs need: NLA_UINT / NLA_SINT in both widths, fields in a declared byte
 * order without NLA_F_NET_BYTEORDER (as the kernel sends tcp_metrics addresses), NLA_BITFIELD32. Each image is
 * written by the writer and read back by the reader.
 */
class SpecScalarCodecTest {

    /** uint type 1 = 7: the 4-byte form. */
    static final byte[] UINT_4 = bytes(0x08, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00);
    /** uint type 1 = 2^32: the 8-byte form once the value passes 32 bits. */
    static final byte[] UINT_8 = bytes(0x0C, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00);
    /** sint type 2 = -2: 4 bytes. */
    static final byte[] SINT_4 = bytes(0x08, 0x00, 0x02, 0x00, 0xFE, 0xFF, 0xFF, 0xFF);
    /** sint type 2 = -2^31 - 1: 8 bytes. */
    static final byte[] SINT_8 = bytes(0x0C, 0x00, 0x02, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF);
    /** u32 type 3 = 127.0.0.1 big-endian, no NLA_F_NET_BYTEORDER (tcp_metrics addr-ipv4). */
    static final byte[] U32_BE_NO_FLAG = bytes(0x08, 0x00, 0x03, 0x00, 0x7F, 0x00, 0x00, 0x01);
    /** u16 type 4 = 443 big-endian, no flag. */
    static final byte[] U16_BE_NO_FLAG = bytes(0x06, 0x00, 0x04, 0x00, 0x01, 0xBB, 0x00, 0x00);
    /** u64 type 5 = 0x0102030405060708 big-endian, no flag. */
    static final byte[] U64_BE_NO_FLAG = bytes(0x0C, 0x00, 0x05, 0x00, 1, 2, 3, 4, 5, 6, 7, 8);
    /** bitfield32 type 6: value 0x5, selector 0x7. */
    static final byte[] BITFIELD32 = bytes(0x0C, 0x00, 0x06, 0x00, 0x05, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00);

    private static final byte DIRT = (byte) 0x55;
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[64]);
    private final AttributeWriter writer = new AttributeWriter();
    private final AttributeReader reader = new AttributeReader();

    @BeforeEach
    void littleEndianHost() {
        AttributeTestBytes.assumeLittleEndian();
    }

    private void assertWritten(byte[] expected, Consumer<AttributeWriter> put) {
        buffer.fill(DIRT);
        writer.wrap(buffer, 0, buffer.byteSize());
        put.accept(writer);
        assertArrayEquals(expected, toArray(buffer, 0, writer.length()));
    }

    private AttributeReader read(byte[] image) {
        reader.wrap(MemorySegment.ofArray(image), 0, image.length);
        assertTrue(reader.next());
        return reader;
    }

    @Test
    void uintTakesTheShortFormWhileTheValueFits() {
        assertWritten(UINT_4, w -> w.putUint(1, 7));
        assertWritten(UINT_8, w -> w.putUint(1, 1L << 32));
        assertEquals(7, read(UINT_4).uint());
        assertEquals(1L << 32, read(UINT_8).uint());
        assertEquals(0xFFFF_FFFFL, read(bytes(0x08, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF)).uint(),
                "the 4-byte form is unsigned");
    }

    @Test
    void sintSignExtendsTheShortForm() {
        assertWritten(SINT_4, w -> w.putSint(2, -2));
        assertWritten(SINT_8, w -> w.putSint(2, (long) Integer.MIN_VALUE - 1));
        assertEquals(-2, read(SINT_4).sint());
        assertEquals((long) Integer.MIN_VALUE - 1, read(SINT_8).sint());
    }

    @Test
    void uintOfAnotherWidthIsMalformed() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> read(AttributeTestBytes.U16).uint());
        assertTrue(e.getMessage().contains("uint"), e.getMessage());
    }

    @Test
    void declaredBigEndianFieldsWithoutTheFlag() {
        assertWritten(U32_BE_NO_FLAG, w -> w.putU32(3, 0x7F000001L, ByteOrder.BIG_ENDIAN));
        assertWritten(U16_BE_NO_FLAG, w -> w.putU16(4, 443, ByteOrder.BIG_ENDIAN));
        assertWritten(U64_BE_NO_FLAG, w -> w.putU64(5, 0x0102030405060708L, ByteOrder.BIG_ENDIAN));
        assertEquals(0x7F000001L, read(U32_BE_NO_FLAG).u32(ByteOrder.BIG_ENDIAN));
        assertEquals(16777343L, read(U32_BE_NO_FLAG).u32(), "what the native accessor makes of it");
        assertEquals(443, read(U16_BE_NO_FLAG).u16(ByteOrder.BIG_ENDIAN));
        assertEquals(0x0102030405060708L, read(U64_BE_NO_FLAG).u64(ByteOrder.BIG_ENDIAN));
        assertEquals(0x7F000001L, read(U32_BE_NO_FLAG).uint(ByteOrder.BIG_ENDIAN));
    }

    @Test
    void theNetByteOrderFlagStillMeansBigEndian() {
        assertEquals(0x0A000001L, read(AttributeTestBytes.U32_BE).u32(ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1234, read(AttributeTestBytes.U16_BE).u16(null));
    }

    @Test
    void littleAndNativeOrders() {
        assertWritten(AttributeTestBytes.U32, w -> w.putU32(3, 0x12345678L, ByteOrder.LITTLE_ENDIAN));
        assertWritten(AttributeTestBytes.U16, w -> w.putU16(2, 0x1234, null));
        assertEquals(0x12345678L, read(AttributeTestBytes.U32).u32(null));
    }

    @Test
    void bitfield32() {
        assertWritten(BITFIELD32, w -> w.putBitfield32(6, 5, 7));
        assertEquals(5, read(BITFIELD32).bitfield32Value());
        assertEquals(7, read(BITFIELD32).bitfield32Selector());
        assertThrows(MalformedMessageException.class, () -> read(AttributeTestBytes.U32).bitfield32Value());
    }

    @Test
    void outOfRangeValuesAreRefusedBeforeWriting() {
        writer.wrap(buffer, 0, buffer.byteSize());
        assertThrows(IllegalArgumentException.class, () -> writer.putU32(3, -1L, ByteOrder.BIG_ENDIAN));
        assertThrows(IllegalArgumentException.class, () -> writer.putU16(3, 70000, ByteOrder.BIG_ENDIAN));
        assertEquals(0, writer.length());
    }
}
