package org.vnetnl.genl;

import static org.vnetnl.genl.AttributeReader.NLA_F_NESTED;
import static org.vnetnl.genl.AttributeReader.NLA_F_NET_BYTEORDER;
import static org.vnetnl.genl.AttributeReader.NLA_TYPE_MASK;
import static org.vnetnl.genl.WireLayouts.BIG_ENDIAN_INT;
import static org.vnetnl.genl.WireLayouts.BIG_ENDIAN_LONG;
import static org.vnetnl.genl.WireLayouts.BIG_ENDIAN_SHORT;
import static org.vnetnl.genl.WireLayouts.NATIVE_INT;
import static org.vnetnl.genl.WireLayouts.NATIVE_LONG;
import static org.vnetnl.genl.WireLayouts.NATIVE_SHORT;
import static org.vnetnl.internal.NetlinkAlignment.NLA_HDRLEN;
import static org.vnetnl.internal.NetlinkAlignment.nlaAlign;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A reusable writer of netlink attributes ({@code struct nlattr}) into a memory segment.
 *
 * <p>The writer is a flyweight: {@link #wrap(MemorySegment, long, long) wrap} it over the free space after
 * the message headers, append attributes with the {@code put} methods, then read {@link #length()} to
 * complete the message length. Nothing is allocated per attribute; strings are encoded to UTF-8 character
 * by character, straight into the segment.
 *
 * <pre>{@code
 * AttributeWriter attrs = new AttributeWriter().wrap(buffer, attributesOffset, capacity);
 * attrs.putString(VNET_NL_ATTR_MSG, "hello").putU32(VNET_NL_ATTR_VALUE, 42);
 * int stats = attrs.beginNested(VNET_NL_ATTR_STATS);
 * attrs.putU64(VNET_NL_STATS_RX_PACKETS, rxPackets);
 * attrs.endNested(stats);
 * }</pre>
 *
 * <p><b>Layout.</b> Every attribute is a 4-byte header (16-bit length, 16-bit type, native byte order)
 * followed by the payload and zero padding up to the next multiple of 4, exactly as the kernel's
 * {@code nla_put} lays it out. Integers are written in native byte order, except by the {@code ...Be}
 * methods, which write big-endian and set {@code NLA_F_NET_BYTEORDER}.
 *
 * <p><b>Errors.</b> A put that does not fit throws {@link IllegalStateException} naming the attribute
 * type, the bytes needed and the bytes left, and writes nothing: {@link #position()} is unchanged and the
 * writer remains usable. Attribute types must lie in 1 to {@value #MAX_TYPE}; the flag bits above are set
 * by the writer itself. A payload longer than {@value #MAX_PAYLOAD_LENGTH} bytes cannot be described by
 * the 16-bit {@code nla_len} and is rejected with {@link IllegalArgumentException}; for the same reason the
 * contents of an open nested attribute are limited to that size.
 *
 * <p><b>Threads.</b> Not thread-safe, and not checked: used by one thread at a time, as a {@link StringBuilder}
 * is (see the package documentation). A connection's {@code prepare} hands each thread a writer over its own
 * send buffer; a batch's {@code add} hands out the batch's one writer, which goes with the batch.
 */
public final class AttributeWriter {

    /** Largest attribute type: the 14 bits of {@code nla_type} below the flags. */
    public static final int MAX_TYPE = NLA_TYPE_MASK;

    /** Largest payload: {@code nla_len} is 16 bits and includes the 4-byte header. */
    public static final int MAX_PAYLOAD_LENGTH = 0xFFFF - NLA_HDRLEN;

    /** Nesting depth the stacks hold before they grow; deeper nesting is very unusual in netlink. */
    private static final int INITIAL_NESTING_CAPACITY = 8;

    private MemorySegment segment = MemorySegment.NULL;
    private long start;
    private long limit;
    private long position;

    private int depth;
    private int nextToken;
    private int[] nestTokens = new int[INITIAL_NESTING_CAPACITY];
    private long[] nestHeaders = new long[INITIAL_NESTING_CAPACITY];
    /** Set for the writer a connection hands out over its send buffer, which the caller must not re-point. */
    private final boolean pinned;

    /** Creates a writer with no capacity; {@link #wrap(MemorySegment, long, long) wrap} it before use. */
    public AttributeWriter() {
        this(false);
    }

    /** A writer that refuses {@link #wrap(MemorySegment, long, long)}: only its owner re-points it, by {@link #reset}. */
    static AttributeWriter pinned() {
        return new AttributeWriter(true);
    }

    private AttributeWriter(boolean pinned) {
        this.pinned = pinned;
    }

    /**
     * Points this writer at {@code segment[offset, offset + capacity)}, with nothing written and no open
     * nested attribute.
     *
     * @param segment  the writable memory to write attributes into
     * @param offset   where the first attribute header goes; should be a multiple of 4 from the start of the
     *                 netlink message
     * @param capacity how many bytes may be written
     * @return this writer
     * @throws IllegalArgumentException if the range is negative or outside {@code segment}, or if
     *                                  {@code segment} is read-only
     * @throws IllegalStateException    for the writer of a connection's request, which writes only into the
     *                                  connection's send buffer
     */
    public AttributeWriter wrap(MemorySegment segment, long offset, long capacity) {
        if (pinned) {
            throw new IllegalStateException("this writer belongs to a connection's prepared request and writes only"
                    + " into its send buffer; use a new AttributeWriter for other memory");
        }
        return reset(segment, offset, capacity);
    }

    /** As {@link #wrap(MemorySegment, long, long)}, also for a pinned writer. */
    AttributeWriter reset(MemorySegment segment, long offset, long capacity) {
        if (offset < 0 || capacity < 0 || capacity > segment.byteSize() - offset) {
            throw new IllegalArgumentException("range [" + offset + ", " + offset + " + " + capacity
                    + ") is outside the segment of " + segment.byteSize() + " bytes");
        }
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException("segment is read-only");
        }
        this.segment = segment;
        this.start = offset;
        this.limit = offset + capacity;
        this.position = offset;
        this.depth = 0;
        this.nextToken = 0;
        return this;
    }

    /**
     * Returns the absolute offset, in the wrapped segment, where the next attribute header will go.
     *
     * @return the write position
     */
    public long position() {
        return position;
    }

    /**
     * Returns how many bytes have been written since {@link #wrap(MemorySegment, long, long) wrap},
     * padding included.
     *
     * @return the written length in bytes
     */
    public long length() {
        return position - start;
    }

    /**
     * Returns how many bytes may still be written: the capacity left or, while nested attributes are open,
     * the room left before the outermost one reaches the 65535-byte limit of {@code nla_len}, whichever is
     * smaller. An attribute with a payload of {@code n} bytes needs {@code (4 + n + 3) & ~3} bytes.
     *
     * @return the bytes left
     */
    public long remaining() {
        return effectiveLimit() - position;
    }

    /**
     * Returns how many nested attributes are open, that is, begun and not yet ended.
     *
     * @return the nesting depth, 0 at top level
     */
    public int depth() {
        return depth;
    }

    /**
     * Returns the segment this writer is wrapped over.
     *
     * @return the segment, {@link MemorySegment#NULL} before the first {@code wrap}
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Appends an unsigned 8-bit integer attribute ({@code NLA_U8}).
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value 0 to 255
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU8(int type, int value) {
        requireRange(type, value, 0, 0xFF, "u8");
        long payload = begin(type, type, Byte.BYTES);
        segment.set(ValueLayout.JAVA_BYTE, payload, (byte) value);
        return finish(payload, Byte.BYTES);
    }

    /**
     * Appends an unsigned 16-bit integer attribute ({@code NLA_U16}) in native byte order.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value 0 to 65535
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU16(int type, int value) {
        requireRange(type, value, 0, 0xFFFF, "u16");
        return put16(type, type, NATIVE_SHORT, (short) value);
    }

    /**
     * Appends an unsigned 16-bit integer attribute ({@code NLA_U16}) in network byte order (big-endian),
     * with {@code NLA_F_NET_BYTEORDER} set, as used for port numbers.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value 0 to 65535
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU16Be(int type, int value) {
        requireRange(type, value, 0, 0xFFFF, "u16");
        return put16(type, type | NLA_F_NET_BYTEORDER, BIG_ENDIAN_SHORT, (short) value);
    }

    /**
     * Appends an unsigned 32-bit integer attribute ({@code NLA_U32}) in native byte order. As
     * {@link #putU32(int, long)}, which takes the values from 2<sup>31</sup> up; both reject negative values
     * (pass raw bits as {@code Integer.toUnsignedLong(bits)}).
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value 0 to 2<sup>31</sup>-1
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU32(int type, int value) {
        return putU32(type, (long) value);
    }

    /**
     * Appends an unsigned 32-bit integer attribute ({@code NLA_U32}) in native byte order, from a value as
     * returned by {@link AttributeReader#u32()}.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value 0 to 2<sup>32</sup>-1
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU32(int type, long value) {
        requireType(type);
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("value " + value + " of attribute type " + type
                    + " is out of range 0..4294967295 for u32");
        }
        return put32(type, type, NATIVE_INT, (int) value);
    }

    /**
     * Appends an unsigned 32-bit integer attribute ({@code NLA_U32}) in network byte order (big-endian),
     * with {@code NLA_F_NET_BYTEORDER} set, as used for IPv4 addresses.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value the 32 bits to write
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU32Be(int type, int value) {
        requireType(type);
        return put32(type, type | NLA_F_NET_BYTEORDER, BIG_ENDIAN_INT, value);
    }

    /**
     * Appends an unsigned 64-bit integer attribute ({@code NLA_U64}) in native byte order, from the raw bits
     * of {@code value}: negative values stand for 2<sup>63</sup> and above. The value is written unaligned,
     * as attributes are only 4-byte aligned (the kernel adds a {@code PAD} attribute for 8-byte alignment,
     * which readers do not need).
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value the 64 bits to write
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU64(int type, long value) {
        requireType(type);
        return put64(type, type, NATIVE_LONG, value);
    }

    /**
     * Appends an unsigned 64-bit integer attribute ({@code NLA_U64}) in network byte order (big-endian),
     * with {@code NLA_F_NET_BYTEORDER} set.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value the 64 bits to write
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putU64Be(int type, long value) {
        requireType(type);
        return put64(type, type | NLA_F_NET_BYTEORDER, BIG_ENDIAN_LONG, value);
    }

    /**
     * Appends a signed 8-bit integer attribute ({@code NLA_S8}).
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value -128 to 127
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putS8(int type, int value) {
        requireRange(type, value, Byte.MIN_VALUE, Byte.MAX_VALUE, "s8");
        long payload = begin(type, type, Byte.BYTES);
        segment.set(ValueLayout.JAVA_BYTE, payload, (byte) value);
        return finish(payload, Byte.BYTES);
    }

    /**
     * Appends a signed 16-bit integer attribute ({@code NLA_S16}) in native byte order.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value -32768 to 32767
     * @return this writer
     * @throws IllegalArgumentException if the type or the value is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putS16(int type, int value) {
        requireRange(type, value, Short.MIN_VALUE, Short.MAX_VALUE, "s16");
        return put16(type, type, NATIVE_SHORT, (short) value);
    }

    /**
     * Appends a signed 32-bit integer attribute ({@code NLA_S32}) in native byte order.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value the value
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putS32(int type, int value) {
        requireType(type);
        return put32(type, type, NATIVE_INT, value);
    }

    /**
     * Appends a signed 64-bit integer attribute ({@code NLA_S64}) in native byte order, unaligned.
     *
     * @param type  the attribute type, 1 to {@value #MAX_TYPE}
     * @param value the value
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putS64(int type, long value) {
        requireType(type);
        return put64(type, type, NATIVE_LONG, value);
    }

    /**
     * Appends a flag attribute ({@code NLA_FLAG}): a header without payload, whose presence is the value.
     *
     * @param type the attribute type, 1 to {@value #MAX_TYPE}
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putFlag(int type) {
        requireType(type);
        return finish(begin(type, type, 0), 0);
    }

    /**
     * Appends a NUL-terminated UTF-8 string attribute ({@code NLA_NUL_STRING}). The characters are encoded
     * one by one straight into the segment, in a single pass over {@code text} (a sequence that changes meanwhile
     * cannot make the attribute disagree with its length), without allocating.
     *
     * @param type the attribute type, 1 to {@value #MAX_TYPE}
     * @param text the text; its UTF-8 encoding plus the NUL must not exceed {@value #MAX_PAYLOAD_LENGTH}
     *             bytes
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range, if {@code text} contains an unpaired
     *                                  surrogate or a NUL character, or if it is too long
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putString(int type, CharSequence text) {
        requireType(type);
        long payload = position + NLA_HDRLEN;
        // Payload bytes this attribute may take, its NUL included: the bytes are written before the header, so
        // nothing is written past this bound whatever the sequence does.
        long room = Math.max(0, Math.min(effectiveLimit() - payload, MAX_PAYLOAD_LENGTH));
        long out = payload;
        long encoded = 0;
        int count = text.length();
        for (int i = 0; i < count; i++) {
            char c = text.charAt(i);
            int codePoint = c;
            if (c == 0) {
                throw new IllegalArgumentException("NUL character at index " + i
                        + " would truncate the NUL-terminated string");
            }
            if (Character.isSurrogate(c)) {
                char low = i + 1 < count ? text.charAt(i + 1) : 0;
                if (!Character.isHighSurrogate(c) || !Character.isLowSurrogate(low)) {
                    throw new IllegalArgumentException(String.format(
                            "unpaired surrogate U+%04X at index %d has no UTF-8 encoding", (int) c, i));
                }
                codePoint = Character.toCodePoint(c, low);
                i++;
            }
            int length = Utf8.encodedLength(codePoint);
            encoded += length;
            if (encoded + 1 <= room) {
                for (int k = 0; k < length; k++) {
                    segment.set(ValueLayout.JAVA_BYTE, out++, Utf8.encodedByte(codePoint, length, k));
                }
            }
        }
        int payloadLength = requirePayloadLength(type, encoded + 1);
        begin(type, type, payloadLength); // throws, leaving the position as it was, when it does not fit
        segment.set(ValueLayout.JAVA_BYTE, out, (byte) 0);
        return finish(payload, payloadLength);
    }

    /**
     * Appends a binary attribute ({@code NLA_BINARY}) holding a copy of {@code source}.
     *
     * @param type   the attribute type, 1 to {@value #MAX_TYPE}
     * @param source the bytes to copy, at most {@value #MAX_PAYLOAD_LENGTH}
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range or {@code source} is too long
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putBytes(int type, MemorySegment source) {
        requireType(type);
        int payloadLength = requirePayloadLength(type, source.byteSize());
        long payload = begin(type, type, payloadLength);
        MemorySegment.copy(source, 0, segment, payload, payloadLength);
        return finish(payload, payloadLength);
    }

    /**
     * Appends a binary attribute ({@code NLA_BINARY}) holding a copy of {@code source[offset, offset +
     * length)}.
     *
     * @param type   the attribute type, 1 to {@value #MAX_TYPE}
     * @param source the array to copy from
     * @param offset index of the first byte to copy
     * @param length number of bytes to copy, at most {@value #MAX_PAYLOAD_LENGTH}
     * @return this writer
     * @throws IllegalArgumentException  if the type is out of range or {@code length} is too large
     * @throws IndexOutOfBoundsException if the range is outside {@code source}
     * @throws IllegalStateException     if the attribute does not fit
     */
    public AttributeWriter putBytes(int type, byte[] source, int offset, int length) {
        requireType(type);
        Objects.checkFromIndexSize(offset, length, source.length);
        int payloadLength = requirePayloadLength(type, length);
        long payload = begin(type, type, payloadLength);
        MemorySegment.copy(source, offset, segment, ValueLayout.JAVA_BYTE, payload, payloadLength);
        return finish(payload, payloadLength);
    }

    /**
     * Appends a binary attribute ({@code NLA_BINARY}) holding a copy of all of {@code source}.
     *
     * @param type   the attribute type, 1 to {@value #MAX_TYPE}
     * @param source the bytes to copy, at most {@value #MAX_PAYLOAD_LENGTH}
     * @return this writer
     * @throws IllegalArgumentException if the type is out of range or {@code source} is too long
     * @throws IllegalStateException    if the attribute does not fit
     */
    public AttributeWriter putBytes(int type, byte[] source) {
        return putBytes(type, source, 0, source.length);
    }

    /**
     * Opens a nested attribute ({@code NLA_NESTED}, with {@code NLA_F_NESTED} set): the attributes put
     * until the matching {@link #endNested(int)} form its payload. Nested attributes may themselves be
     * nested.
     *
     * @param type the attribute type, 1 to {@value #MAX_TYPE}
     * @return a token to pass to {@link #endNested(int)}
     * @throws IllegalArgumentException if the type is out of range
     * @throws IllegalStateException    if the header does not fit
     */
    public int beginNested(int type) {
        requireType(type);
        long header = position;
        begin(type, type | NLA_F_NESTED, 0);
        position = header + NLA_HDRLEN;
        if (depth == nestTokens.length) {
            nestTokens = Arrays.copyOf(nestTokens, depth * 2);
            nestHeaders = Arrays.copyOf(nestHeaders, depth * 2);
        }
        int token = nextToken++;
        nestTokens[depth] = token;
        nestHeaders[depth] = header;
        depth++;
        return token;
    }

    /**
     * Appends {@code bytes} without an attribute header, padded to 4 bytes: the struct that starts the payload of
     * a netlink-raw sub-message (tc's {@code options} of some qdiscs), before its attributes.
     *
     * @throws IllegalStateException if they do not fit
     */
    public AttributeWriter putUnframed(byte[] bytes) {
        long needed = nlaAlign((long) bytes.length);
        long left = effectiveLimit() - position;
        if (needed > left) {
            throw new IllegalStateException(bytes.length + " unframed bytes need " + needed + " but only " + left
                    + " are left");
        }
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, position, bytes.length);
        return finish(position, bytes.length);
    }

    /**
     * Closes the innermost open nested attribute, setting its length to cover everything put since
     * {@link #beginNested(int)}.
     *
     * @param token the value the matching {@link #beginNested(int)} returned
     * @throws IllegalStateException if no nested attribute is open or {@code token} does not belong to the
     *                               innermost open one (nested attributes must be ended in reverse order)
     */
    public void endNested(int token) {
        if (depth == 0) {
            throw new IllegalStateException("no nested attribute is open (token " + token + ")");
        }
        if (nestTokens[depth - 1] != token) {
            long header = nestHeaders[depth - 1];
            throw new IllegalStateException("token " + token + " does not belong to the innermost open nested"
                    + " attribute (type " + (Short.toUnsignedInt(segment.get(NATIVE_SHORT, header + 2))
                    & NLA_TYPE_MASK) + " at offset " + header + "): nested attributes must be ended in"
                    + " reverse order of beginning");
        }
        depth--;
        long header = nestHeaders[depth];
        // Cannot exceed 0xFFFF: effectiveLimit() keeps the outermost open nest within nla_len's range.
        segment.set(NATIVE_SHORT, header, (short) (position - header));
    }

    /**
     * Describes the wrapped range, the position and the nesting depth, for debugging.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "AttributeWriter[range " + start + ".." + limit + ", position " + position + ", depth " + depth
                + "]";
    }

    private AttributeWriter put16(int type, int rawType, ValueLayout.OfShort layout, short value) {
        long payload = begin(type, rawType, Short.BYTES);
        segment.set(layout, payload, value);
        return finish(payload, Short.BYTES);
    }

    private AttributeWriter put32(int type, int rawType, ValueLayout.OfInt layout, int value) {
        long payload = begin(type, rawType, Integer.BYTES);
        segment.set(layout, payload, value);
        return finish(payload, Integer.BYTES);
    }

    private AttributeWriter put64(int type, int rawType, ValueLayout.OfLong layout, long value) {
        long payload = begin(type, rawType, Long.BYTES);
        segment.set(layout, payload, value);
        return finish(payload, Long.BYTES);
    }

    /**
     * Checks that an attribute with {@code payloadLength} bytes of payload fits, then writes its header.
     * Nothing is written when it does not fit. The position is only advanced by {@link #finish}.
     *
     * @return the offset of the payload
     */
    // ---------------------------------------------------------------------------------------------------------
    // Writers for what YNL specs describe: variable-width integers, declared byte orders, bitfield32.

    /**
     * Appends an {@code NLA_UINT} (Linux 6.8+): 4 bytes when the unsigned value fits, else 8, as the kernel and
     * its YNL tools write it.
     *
     * @param value the 64 raw bits, unsigned
     */
    public AttributeWriter putUint(int type, long value) {
        requireType(type);
        return Long.compareUnsigned(value, 0xFFFF_FFFFL) <= 0 ? put32(type, type, NATIVE_INT, (int) value)
                : put64(type, type, NATIVE_LONG, value);
    }

    /** Appends an {@code NLA_SINT} (Linux 6.8+): 4 bytes when the value fits a signed 32-bit integer, else 8. */
    public AttributeWriter putSint(int type, long value) {
        requireType(type);
        return value == (int) value ? put32(type, type, NATIVE_INT, (int) value) : put64(type, type, NATIVE_LONG, value);
    }

    /**
     * Appends an unsigned 16-bit integer in {@code order} (null: native) without {@code NLA_F_NET_BYTEORDER},
     * as a spec's {@code byte-order} field is written by the kernel's YNL.
     */
    public AttributeWriter putU16(int type, int value, java.nio.ByteOrder order) {
        requireRange(type, value, 0, 0xFFFF, "u16");
        return put16(type, type, WireLayouts.isBigEndian(order) ? BIG_ENDIAN_SHORT : WireLayouts.LITTLE_ENDIAN_SHORT, (short) value);
    }

    /** As {@link #putU16(int, int, java.nio.ByteOrder)}, for an unsigned 32-bit value (0 to 2<sup>32</sup>-1). */
    public AttributeWriter putU32(int type, long value, java.nio.ByteOrder order) {
        requireType(type);
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("value " + value + " of attribute type " + type
                    + " is out of range 0..4294967295 for u32");
        }
        return put32(type, type, WireLayouts.isBigEndian(order) ? BIG_ENDIAN_INT : WireLayouts.LITTLE_ENDIAN_INT, (int) value);
    }

    /** As {@link #putU16(int, int, java.nio.ByteOrder)}, for 64 raw bits. */
    public AttributeWriter putU64(int type, long value, java.nio.ByteOrder order) {
        requireType(type);
        return put64(type, type, WireLayouts.isBigEndian(order) ? BIG_ENDIAN_LONG : WireLayouts.LITTLE_ENDIAN_LONG, value);
    }

    /**
     * Appends an {@code NLA_BITFIELD32}: {@code value} for the bits {@code selector} names.
     */
    public AttributeWriter putBitfield32(int type, int value, int selector) {
        requireType(type);
        long payload = begin(type, type, 2 * Integer.BYTES);
        segment.set(NATIVE_INT, payload, value);
        segment.set(NATIVE_INT, payload + Integer.BYTES, selector);
        return finish(payload, 2 * Integer.BYTES);
    }

    private long begin(int type, int rawType, int payloadLength) {
        long needed = nlaAlign((long) NLA_HDRLEN + payloadLength);
        long left = effectiveLimit() - position;
        if (needed > left) {
            throw new IllegalStateException("attribute type " + type + " needs " + needed + " bytes but only "
                    + left + " are left" + (depth > 0 && left < limit - position
                            ? " before the outermost open nested attribute exceeds the 65535 bytes of nla_len"
                            : " in the buffer"));
        }
        segment.set(NATIVE_SHORT, position, (short) (NLA_HDRLEN + payloadLength));
        segment.set(NATIVE_SHORT, position + 2, (short) rawType);
        return position + NLA_HDRLEN;
    }

    /** Zeroes the padding after a payload and moves the position past it. */
    private AttributeWriter finish(long payload, int payloadLength) {
        long end = payload + payloadLength;
        long aligned = payload + nlaAlign(payloadLength);
        for (long p = end; p < aligned; p++) {
            segment.set(ValueLayout.JAVA_BYTE, p, (byte) 0);
        }
        position = aligned;
        return this;
    }

    private long effectiveLimit() {
        return depth == 0 ? limit : Math.min(limit, nestHeaders[0] + 0xFFFF);
    }

    private static void requireType(int type) {
        if (type < 1 || type > MAX_TYPE) {
            throw new IllegalArgumentException("attribute type " + type + " is outside 1.." + MAX_TYPE
                    + " (the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits are set by the writer)");
        }
    }

    private static void requireRange(int type, int value, int min, int max, String kind) {
        requireType(type);
        if (value < min || value > max) {
            throw new IllegalArgumentException("value " + value + " of attribute type " + type
                    + " is out of range " + min + ".." + max + " for " + kind);
        }
    }

    private static int requirePayloadLength(int type, long payloadLength) {
        if (payloadLength > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("payload of " + payloadLength + " bytes for attribute type "
                    + type + " exceeds the " + MAX_PAYLOAD_LENGTH + " bytes a 16-bit nla_len can describe");
        }
        return (int) payloadLength;
    }
}
