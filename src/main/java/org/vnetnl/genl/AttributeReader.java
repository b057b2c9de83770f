package org.vnetnl.genl;

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
import java.nio.charset.StandardCharsets;

/**
 * A reusable cursor over a sequence of netlink attributes ({@code struct nlattr}) in a memory segment.
 *
 * <p>The reader is a flyweight: {@link #wrap(MemorySegment, long, long) wrap} it over the attribute area
 * of a message, then call {@link #next()} until it returns {@code false}, or {@link #seek(int)} for one
 * type, and read the current attribute with the typed accessors. Nothing is allocated per attribute; only
 * the accessors documented as allocating ({@link #string()}, {@link #bytes()}, {@link #bytesCopy()},
 * {@link #nested()}) create objects. A nested attribute is read by wrapping a second reader over its
 * payload with {@link #nested(AttributeReader)}.
 *
 * <pre>{@code
 * AttributeReader attrs = new AttributeReader().wrap(message, attributesOffset, attributesLength);
 * while (attrs.next()) {
 *     switch (attrs.type()) {
 *         case VNET_NL_ATTR_VALUE -> value = attrs.u32();
 *         case VNET_NL_ATTR_IFNAME -> name = attrs.string();
 *         case VNET_NL_ATTR_STATS -> readStats(attrs.nested(statsReader));
 *         default -> { } // attributes added by newer kernels are skipped
 *     }
 * }
 * }</pre>
 *
 * <p><b>Validation.</b> The reader never reads outside the wrapped range. Every violation of the netlink
 * format is reported as a {@link MalformedMessageException} naming the absolute offset of the attribute
 * and the problem: a header length below the 4-byte header, an attribute running past the wrapped range
 * (for a nested reader: past its parent's payload), a payload whose size does not exactly match the
 * requested type, a string without its NUL terminator. The last attribute may lack its alignment padding
 * when the range ends right after its payload, as the kernel produces when it trims a message. One to three
 * bytes left after the last attribute, too few for another header, are rejected: the kernel rejects them
 * too under strict validation ({@code NL_VALIDATE_TRAILING}, part of the {@code NL_VALIDATE_STRICT} that
 * generic netlink applies since Linux 5.2 to every operation not opting out), and they are a sign of a
 * truncated or mis-sized message.
 *
 * <p><b>Byte order.</b> Multi-byte integers are read in native byte order, or big-endian (network order)
 * when the attribute carries {@code NLA_F_NET_BYTEORDER}. Attributes are only 4-byte aligned, so 64-bit
 * values are read unaligned.
 *
 * <p><b>Validity.</b> A reader handed out by a connection (through {@link GenlMessage#attributes()}, and the
 * nested readers wrapped from it) reads the receive buffer of the thread it was handed to (or a batch's reply
 * slots) and is valid as long as its message: until that thread's next call on the connection (or the batch's
 * next round); after that every accessor and {@link #next()} throws {@link IllegalStateException} rather than
 * read later bytes. A reader wrapped by the caller is never invalidated.
 *
 * <p><b>Threads.</b> Not thread-safe, and not checked: used by one thread at a time, as a {@link StringBuilder}
 * is (see the package documentation). The validity check is a check of time, not of threads.
 */
public final class AttributeReader {

    // The three flag constants of <linux/netlink.h>, shared with the writer and the policy. They are not
    // taken from the generated LibNl because its static initializer opens the libnl shared libraries, which
    // this pure-Java codec must not depend on (see NetlinkAlignment); a test checks them against LibNl.
    /** {@code NLA_F_NESTED}: the payload is a sequence of attributes. */
    static final int NLA_F_NESTED = 1 << 15;
    /** {@code NLA_F_NET_BYTEORDER}: the payload is in network (big-endian) byte order. */
    static final int NLA_F_NET_BYTEORDER = 1 << 14;
    /** {@code NLA_TYPE_MASK}: the bits of {@code nla_type} that hold the type proper. */
    static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xFFFF;

    /** Marks "no current attribute": before the first {@link #next()} and after the last one. */
    private static final long NONE = -1;
    /** Where {@code nla_len} sits in the header read as one native int: the low half on little-endian hosts. */
    private static final boolean LENGTH_IN_LOW_HALF = !WireLayouts.isBigEndian(null);
    private static final int U8_LENGTH = NLA_HDRLEN + Byte.BYTES;
    private static final int U16_LENGTH = NLA_HDRLEN + Short.BYTES;
    private static final int U32_LENGTH = NLA_HDRLEN + Integer.BYTES;
    private static final int U64_LENGTH = NLA_HDRLEN + Long.BYTES;

    private MemorySegment segment = MemorySegment.NULL;
    private long start;
    private long end;
    /** Offset of the header the next call to {@link #next()} will decode. */
    private long cursor;
    /** Offset of the current attribute's header, or {@link #NONE}. */
    private long current = NONE;
    /**
     * The current attribute's {@code nla_len}, 0 when there is none: an accessor's one comparison with the
     * length its type needs then also tells that there is a current attribute.
     */
    private int currentLength;
    private int currentRawType;
    /** The buffer this reader's bytes belong to when handed out by a connection, else null (never stale). */
    private BufferGeneration generation;
    private long stamp;

    /** Creates a reader over an empty range; {@link #wrap(MemorySegment, long, long) wrap} it before use. */
    public AttributeReader() {
    }

    /**
     * Points this reader at the attributes in {@code segment[offset, offset + length)} and rewinds it.
     *
     * @param segment the memory holding the attributes
     * @param offset  offset of the first attribute header in {@code segment}
     * @param length  number of bytes the attributes occupy
     * @return this reader
     * @throws IllegalArgumentException if the range is negative or does not lie inside {@code segment}
     */
    public AttributeReader wrap(MemorySegment segment, long offset, long length) {
        return wrap(segment, offset, length, null, 0);
    }

    /**
     * As {@link #wrap(MemorySegment, long, long)}, for a range of a connection's receive buffer: the reader then
     * fails with {@link IllegalStateException} once {@code generation} has moved past {@code stamp}.
     */
    AttributeReader wrap(MemorySegment segment, long offset, long length, BufferGeneration generation, long stamp) {
        if (offset < 0 || length < 0 || length > segment.byteSize() - offset) {
            throw new IllegalArgumentException("range [" + offset + ", " + offset + " + " + length
                    + ") is outside the segment of " + segment.byteSize() + " bytes");
        }
        this.segment = segment;
        this.start = offset;
        this.end = offset + length;
        this.generation = generation;
        this.stamp = stamp;
        rewind();
        return this;
    }

    /**
     * Points this reader at the same range as {@code source}, rewound, with the same validity: a reader wrapped
     * over a connection's receive buffer stays tied to it. For flyweights that keep their own cursor over
     * attributes another reader handed them.
     *
     * @param source the reader whose range to take
     * @return this reader
     */
    public AttributeReader wrap(AttributeReader source) {
        source.checkValid();
        return wrap(source.segment, source.start, source.end - source.start, source.generation, source.stamp);
    }

    /**
     * Makes the attribute whose header is at absolute offset {@code offset} the current one, and continues from
     * there: {@link #next()} then moves to the attribute after it. The offset is one {@link #offset()} returned
     * for this range; generated flyweights record them in one pass and read any attribute later without a scan.
     *
     * @param offset an attribute header's offset in {@link #segment()}
     * @return this reader
     * @throws IllegalArgumentException  if the offset is outside the wrapped range
     * @throws MalformedMessageException if the header there is malformed
     * @throws IllegalStateException     if the bytes are no longer valid
     */
    public AttributeReader at(long offset) {
        checkValid();
        if (offset < start || offset >= end) {
            throw new IllegalArgumentException("offset " + offset + " is outside the range " + start + ".." + end);
        }
        cursor = offset;
        next();
        return this;
    }

    /**
     * Fails, as every accessor does, when this reader was handed out by a connection that has received again
     * since: for flyweights that answer from what they recorded without reading the bytes.
     *
     * @throws IllegalStateException if the bytes are no longer valid
     */
    public void requireValid() {
        checkValid();
    }

    /**
     * Moves back before the first attribute, so that {@link #next()} reads the first one again.
     *
     * @return this reader
     */
    public AttributeReader rewind() {
        cursor = start;
        current = NONE;
        currentLength = 0;
        return this;
    }

    /**
     * Advances to the next attribute.
     *
     * @return {@code true} if there is one (it becomes the current attribute), {@code false} at the end of
     *         the range (there is then no current attribute)
     * @throws MalformedMessageException if the next header is truncated, declares a length below 4 bytes or
     *                                   declares a length running past the end of the range; the reader
     *                                   stays where it was, so calling again throws again
     */
    public boolean next() {
        checkValid();
        long at = cursor;
        long remaining = end - at;
        if (remaining < NLA_HDRLEN) {
            if (remaining <= 0) {
                current = NONE;
                currentLength = 0;
                return false;
            }
            throw trailingBytes(at, remaining);
        }
        // nla_len and nla_type in one read: the header is the hot part of every decode.
        int header = segment.get(NATIVE_INT, at);
        int length = LENGTH_IN_LOW_HALF ? header & 0xFFFF : header >>> 16;
        int rawType = LENGTH_IN_LOW_HALF ? header >>> 16 : header & 0xFFFF;
        if (length < NLA_HDRLEN || length > remaining) {
            throw badHeader(at, length, rawType, remaining);
        }
        current = at;
        currentLength = length;
        currentRawType = rawType;
        // The padding of the last attribute may be cut off by the end of the range.
        cursor = Math.min(at + nlaAlign((long) length), end);
        return true;
    }

    // The failures of next() are built out of line: next() runs per attribute and must stay small enough for the
    // JIT to inline it into the caller's loop.
    private static MalformedMessageException trailingBytes(long at, long remaining) {
        return new MalformedMessageException("attribute", at, remaining + " trailing byte"
                + (remaining == 1 ? "" : "s") + " after the last attribute, too few for a header of " + NLA_HDRLEN);
    }

    private static MalformedMessageException badHeader(long at, int length, int rawType, long remaining) {
        return new MalformedMessageException("attribute type " + (rawType & NLA_TYPE_MASK), at,
                length < NLA_HDRLEN ? "length " + length + " is shorter than the " + NLA_HDRLEN + "-byte header"
                        : "length " + length + " runs past the end of the enclosing range, " + remaining
                                + " bytes left");
    }

    /**
     * Makes the attribute at {@code offset} current with the {@code nla_len} and {@code nla_type} that an earlier
     * {@link #next()} over this range read there, without reading the header again: for {@link AttributeIndex},
     * which records them in its one pass. The range check keeps every read inside the wrapped range even if the
     * bytes changed since; continues after it like {@link #at(long)}.
     */
    void moveTo(long offset, int length, int rawType) {
        checkValid();
        if (offset < start || length < NLA_HDRLEN || length > end - offset) {
            throw new IllegalArgumentException("attribute of " + length + " bytes at " + offset
                    + " is outside the range " + start + ".." + end);
        }
        current = offset;
        currentLength = length;
        currentRawType = rawType;
        cursor = Math.min(offset + nlaAlign((long) length), end);
    }

    /**
     * The {@code nla_len} of the current attribute, header included: what {@link AttributeIndex} records.
     *
     * @throws IllegalStateException if there is no current attribute
     */
    int length() {
        requireCurrent();
        return currentLength;
    }

    /**
     * Rewinds and advances to the first attribute of the given type.
     *
     * @param type the attribute type, without flags
     * @return {@code true} if found (it becomes the current attribute), {@code false} otherwise
     * @throws MalformedMessageException if a malformed header is met before the attribute is found
     */
    public boolean seek(int type) {
        rewind();
        while (next()) {
            if (type() == type) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tells whether there is a current attribute, that is, whether the last call to {@link #next()} or
     * {@link #seek(int)} returned {@code true}.
     *
     * @return {@code true} if the accessors may be called
     */
    public boolean hasCurrent() {
        return current != NONE;
    }

    /**
     * Returns the type of the current attribute with the {@code NLA_F_NESTED} and
     * {@code NLA_F_NET_BYTEORDER} flags masked off.
     *
     * @return the type, 0 to 0x3FFF
     * @throws IllegalStateException if there is no current attribute
     */
    public int type() {
        return rawType() & NLA_TYPE_MASK;
    }

    /**
     * Returns the {@code nla_type} field of the current attribute as sent, flags included.
     *
     * @return the raw type, 0 to 0xFFFF
     * @throws IllegalStateException if there is no current attribute
     */
    public int rawType() {
        requireCurrent();
        return currentRawType;
    }

    /**
     * Tells whether the current attribute carries {@code NLA_F_NESTED}. Senders that use
     * {@code nla_nest_start_noflag} omit the flag, so its absence does not prove the payload is not nested.
     *
     * @return {@code true} if the flag is set
     * @throws IllegalStateException if there is no current attribute
     */
    public boolean isNested() {
        return (rawType() & NLA_F_NESTED) != 0;
    }

    /**
     * Tells whether the current attribute carries {@code NLA_F_NET_BYTEORDER}, in which case its multi-byte
     * integer accessors read big-endian.
     *
     * @return {@code true} if the flag is set
     * @throws IllegalStateException if there is no current attribute
     */
    public boolean isNetByteOrder() {
        return (rawType() & NLA_F_NET_BYTEORDER) != 0;
    }

    /**
     * Returns the payload size of the current attribute: its {@code nla_len} minus the header, without
     * padding.
     *
     * @return the payload size in bytes, 0 to 65531
     * @throws IllegalStateException if there is no current attribute
     */
    public int payloadLength() {
        requireCurrent();
        return currentLength - NLA_HDRLEN;
    }

    /**
     * Returns the absolute offset, in the wrapped segment, of the current attribute's payload.
     *
     * @return the payload offset
     * @throws IllegalStateException if there is no current attribute
     */
    public long payloadOffset() {
        requireCurrent();
        return current + NLA_HDRLEN;
    }

    /**
     * Returns the absolute offset, in the wrapped segment, of the current attribute's header. This is the
     * offset an extended acknowledgement uses to point at an attribute (relative to the message start).
     *
     * @return the header offset
     * @throws IllegalStateException if there is no current attribute
     */
    public long offset() {
        requireCurrent();
        return current;
    }

    /**
     * Returns the segment this reader is wrapped over.
     *
     * @return the segment, {@link MemorySegment#NULL} before the first {@code wrap}
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Reads the current attribute as an unsigned 8-bit integer ({@code NLA_U8}).
     *
     * @return the value, 0 to 255
     * @throws MalformedMessageException if the payload is not exactly 1 byte
     * @throws IllegalStateException     if there is no current attribute
     */
    public int u8() {
        requireLength(U8_LENGTH, "u8");
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, current + NLA_HDRLEN));
    }

    /**
     * Reads the current attribute as an unsigned 16-bit integer ({@code NLA_U16}).
     *
     * @return the value, 0 to 65535
     * @throws MalformedMessageException if the payload is not exactly 2 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public int u16() {
        return Short.toUnsignedInt(read16("u16"));
    }

    /**
     * Reads the current attribute as an unsigned 32-bit integer ({@code NLA_U32}).
     *
     * @return the value, 0 to 2<sup>32</sup>-1
     * @throws MalformedMessageException if the payload is not exactly 4 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public long u32() {
        return Integer.toUnsignedLong(read32("u32"));
    }

    /**
     * Reads the current attribute as an unsigned 32-bit integer ({@code NLA_U32}) and returns its bits
     * unchanged; values of 2<sup>31</sup> and above come out negative. Use
     * {@link Integer#toUnsignedLong(int)} or {@link Integer#compareUnsigned(int, int)} to interpret them.
     *
     * @return the raw 32 bits
     * @throws MalformedMessageException if the payload is not exactly 4 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public int u32AsInt() {
        return read32("u32");
    }

    /**
     * Reads the current attribute as an unsigned 64-bit integer ({@code NLA_U64}). Values of 2<sup>63</sup>
     * and above come out negative; use {@link Long#toUnsignedString(long)} or
     * {@link Long#compareUnsigned(long, long)} to interpret them.
     *
     * @return the raw 64 bits
     * @throws MalformedMessageException if the payload is not exactly 8 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public long u64() {
        return read64("u64");
    }

    /**
     * Reads the current attribute as a signed 8-bit integer ({@code NLA_S8}).
     *
     * @return the value
     * @throws MalformedMessageException if the payload is not exactly 1 byte
     * @throws IllegalStateException     if there is no current attribute
     */
    public byte s8() {
        requireLength(U8_LENGTH, "s8");
        return segment.get(ValueLayout.JAVA_BYTE, current + NLA_HDRLEN);
    }

    /**
     * Reads the current attribute as a signed 16-bit integer ({@code NLA_S16}).
     *
     * @return the value
     * @throws MalformedMessageException if the payload is not exactly 2 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public short s16() {
        return read16("s16");
    }

    /**
     * Reads the current attribute as a signed 32-bit integer ({@code NLA_S32}).
     *
     * @return the value
     * @throws MalformedMessageException if the payload is not exactly 4 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public int s32() {
        return read32("s32");
    }

    /**
     * Reads the current attribute as a signed 64-bit integer ({@code NLA_S64}).
     *
     * @return the value
     * @throws MalformedMessageException if the payload is not exactly 8 bytes
     * @throws IllegalStateException     if there is no current attribute
     */
    public long s64() {
        return read64("s64");
    }

    /**
     * Reads the current attribute as a flag ({@code NLA_FLAG}): its presence is the value, and it has no
     * payload.
     *
     * @return always {@code true}
     * @throws MalformedMessageException if the payload is not empty
     * @throws IllegalStateException     if there is no current attribute
     */
    public boolean flag() {
        requirePayload(0, "flag");
        return true;
    }

    /**
     * Decodes the current attribute as a NUL-terminated UTF-8 string ({@code NLA_NUL_STRING}). The string
     * ends at the first NUL; bytes after it are ignored. Byte sequences that are not valid UTF-8 are
     * replaced by U+FFFD (interface names and similar kernel strings are byte strings, not guaranteed
     * UTF-8). Allocates the string; see {@link #stringEquals(String)} and {@link #copyString(byte[])} for
     * allocation-free alternatives.
     *
     * @return the decoded string
     * @throws MalformedMessageException if the payload contains no NUL
     * @throws IllegalStateException     if there is no current attribute
     */
    public String string() {
        int length = stringLength();
        byte[] bytes = new byte[length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, current + NLA_HDRLEN, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Returns the number of bytes of the current attribute's NUL-terminated string, not counting the NUL,
     * without allocating.
     *
     * @return the string length in bytes
     * @throws MalformedMessageException if the payload contains no NUL
     * @throws IllegalStateException     if there is no current attribute
     */
    public int stringLength() {
        int payloadLength = payloadLength();
        long payload = current + NLA_HDRLEN;
        for (int i = 0; i < payloadLength; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, payload + i) == 0) {
                return i;
            }
        }
        throw malformed(payloadLength == 0 ? "empty payload, expected a NUL-terminated string"
                : "string of " + payloadLength + " byte" + (payloadLength == 1 ? "" : "s")
                        + " has no NUL terminator");
    }

    /**
     * Compares the current attribute's NUL-terminated string with {@code expected}, encoding
     * {@code expected} to UTF-8 on the fly: no allocation, whatever the characters.
     *
     * @param expected the string to compare with
     * @return {@code true} if the bytes before the NUL are exactly the UTF-8 encoding of {@code expected};
     *         {@code false} if {@code expected} contains an unpaired surrogate, which has no UTF-8 encoding
     * @throws MalformedMessageException if the payload contains no NUL
     * @throws IllegalStateException     if there is no current attribute
     */
    public boolean stringEquals(String expected) {
        int length = stringLength();
        long payload = current + NLA_HDRLEN;
        int position = 0;
        int count = expected.length();
        for (int i = 0; i < count; i++) {
            char c = expected.charAt(i);
            int codePoint = c;
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == count
                        || !Character.isLowSurrogate(expected.charAt(i + 1))) {
                    return false;
                }
                codePoint = Character.toCodePoint(c, expected.charAt(++i));
            }
            int encodedLength = Utf8.encodedLength(codePoint);
            if (position + encodedLength > length) {
                return false;
            }
            for (int k = 0; k < encodedLength; k++) {
                if (segment.get(ValueLayout.JAVA_BYTE, payload + position + k)
                        != Utf8.encodedByte(codePoint, encodedLength, k)) {
                    return false;
                }
            }
            position += encodedLength;
        }
        return position == length;
    }

    /**
     * Copies the bytes of the current attribute's NUL-terminated string, without the NUL, to the start of
     * {@code destination}, without allocating.
     *
     * @param destination where to copy the bytes
     * @return the number of bytes copied, which is {@link #stringLength()}
     * @throws IllegalArgumentException  if {@code destination} is shorter than the string
     * @throws MalformedMessageException if the payload contains no NUL
     * @throws IllegalStateException     if there is no current attribute
     */
    public int copyString(byte[] destination) {
        int length = stringLength();
        if (destination.length < length) {
            throw new IllegalArgumentException("string of " + length + " bytes does not fit in a destination of "
                    + destination.length + " bytes");
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, current + NLA_HDRLEN, destination, 0, length);
        return length;
    }

    /**
     * Returns a view of the current attribute's payload ({@code NLA_BINARY}), without padding. The view
     * shares memory with the wrapped segment; allocates the view object only.
     *
     * @return a slice of {@link #payloadLength()} bytes
     * @throws IllegalStateException if there is no current attribute
     */
    public MemorySegment bytes() {
        return segment.asSlice(payloadOffset(), payloadLength());
    }

    /**
     * Copies the current attribute's payload, without padding, into a new array.
     *
     * @return a new array of {@link #payloadLength()} bytes
     * @throws IllegalStateException if there is no current attribute
     */
    public byte[] bytesCopy() {
        byte[] copy = new byte[payloadLength()];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, current + NLA_HDRLEN, copy, 0, copy.length);
        return copy;
    }

    /**
     * Wraps {@code target} over the payload of the current attribute, to read it as nested attributes
     * ({@code NLA_NESTED}), without allocating. The {@code NLA_F_NESTED} flag is not required, since senders
     * using {@code nla_nest_start_noflag} omit it. {@code target} must not be this reader.
     *
     * @param target the reader to wrap
     * @return {@code target}, rewound before the first nested attribute
     * @throws IllegalArgumentException if {@code target} is this reader
     * @throws IllegalStateException    if there is no current attribute
     */
    public AttributeReader nested(AttributeReader target) {
        if (target == this) {
            throw new IllegalArgumentException("a reader cannot be wrapped over its own current attribute");
        }
        return target.wrap(segment, payloadOffset(), payloadLength(), generation, stamp);
    }

    /**
     * As {@link #nested(AttributeReader)}, over the payload after its first {@code headerLength} bytes (padded to
     * 4): the attributes of a netlink-raw sub-message that starts with a struct (tc's {@code netem} options). A
     * payload shorter than the header gives no attributes.
     */
    AttributeReader nested(AttributeReader target, int headerLength) {
        if (target == this) {
            throw new IllegalArgumentException("a reader cannot be wrapped over its own current attribute");
        }
        long skip = Math.min(payloadLength(), (headerLength + 3L) & ~3L);
        return target.wrap(segment, payloadOffset() + skip, payloadLength() - skip, generation, stamp);
    }

    /**
     * Returns a new reader over the payload of the current attribute, to read it as nested attributes
     * ({@code NLA_NESTED}). Allocates the reader; see {@link #nested(AttributeReader)} to reuse one.
     *
     * @return a new reader, before the first nested attribute
     * @throws IllegalStateException if there is no current attribute
     */
    public AttributeReader nested() {
        return nested(new AttributeReader());
    }

    /**
     * Describes the wrapped range and the current attribute, for debugging.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "AttributeReader[range " + start + ".." + end
                + (current == NONE ? ", no current attribute]"
                        : ", attribute type " + (currentRawType & NLA_TYPE_MASK) + " at offset " + current
                                + ", payload " + (currentLength - NLA_HDRLEN) + " bytes]");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Accessors for what YNL specs describe: variable-width integers, declared byte orders, bitfield32.

    /**
     * Reads the current attribute as {@code NLA_UINT} (Linux 6.8+), an unsigned integer of 4 or 8 bytes: the
     * kernel sends the short form when the value fits. Values of 2<sup>63</sup> and above come out negative.
     *
     * @throws MalformedMessageException if the payload is neither 4 nor 8 bytes
     */
    public long uint() {
        return payloadLength() == Integer.BYTES ? Integer.toUnsignedLong(read32("uint")) : read64("uint (4 or 8 bytes)");
    }

    /**
     * Reads the current attribute as {@code NLA_SINT} (Linux 6.8+), a signed integer of 4 or 8 bytes.
     *
     * @throws MalformedMessageException if the payload is neither 4 nor 8 bytes
     */
    public long sint() {
        return payloadLength() == Integer.BYTES ? read32("sint") : read64("sint (4 or 8 bytes)");
    }

    /**
     * Reads an unsigned 16-bit integer stored in {@code order}, as a spec's {@code byte-order} declares it: the
     * kernel sends such fields (ports, IPv4 addresses in tcp_metrics) without {@code NLA_F_NET_BYTEORDER}.
     * The flag, when present, still means big-endian.
     */
    public int u16(java.nio.ByteOrder order) {
        requirePayload(Short.BYTES, "u16");
        long at = current + NLA_HDRLEN;
        return Short.toUnsignedInt(bigEndian(order) ? segment.get(BIG_ENDIAN_SHORT, at)
                : segment.get(WireLayouts.LITTLE_ENDIAN_SHORT, at));
    }

    /** As {@link #u16(java.nio.ByteOrder)}, for an unsigned 32-bit integer. */
    public long u32(java.nio.ByteOrder order) {
        requirePayload(Integer.BYTES, "u32");
        long at = current + NLA_HDRLEN;
        return Integer.toUnsignedLong(bigEndian(order) ? segment.get(BIG_ENDIAN_INT, at)
                : segment.get(WireLayouts.LITTLE_ENDIAN_INT, at));
    }

    /** As {@link #u16(java.nio.ByteOrder)}, for a 64-bit integer (raw bits). */
    public long u64(java.nio.ByteOrder order) {
        requirePayload(Long.BYTES, "u64");
        long at = current + NLA_HDRLEN;
        return bigEndian(order) ? segment.get(BIG_ENDIAN_LONG, at) : segment.get(WireLayouts.LITTLE_ENDIAN_LONG, at);
    }

    /** As {@link #uint()}, with the value stored in {@code order}. */
    public long uint(java.nio.ByteOrder order) {
        if (payloadLength() == Integer.BYTES) {
            return u32(order);
        }
        requirePayload(Long.BYTES, "uint (4 or 8 bytes)");
        return u64(order);
    }

    /**
     * The value half of an {@code NLA_BITFIELD32} ({@code struct nla_bitfield32 { u32 value; u32 selector; }}):
     * the bits to set among those the selector names.
     *
     * @throws MalformedMessageException if the payload is not exactly 8 bytes
     */
    public int bitfield32Value() {
        requirePayload(2 * Integer.BYTES, "bitfield32");
        return segment.get(NATIVE_INT, current + NLA_HDRLEN);
    }

    /** The selector half of an {@code NLA_BITFIELD32}: which bits the value sets or clears. */
    public int bitfield32Selector() {
        requirePayload(2 * Integer.BYTES, "bitfield32");
        return segment.get(NATIVE_INT, current + NLA_HDRLEN + Integer.BYTES);
    }

    private boolean bigEndian(java.nio.ByteOrder order) {
        return (currentRawType & NLA_F_NET_BYTEORDER) != 0 || WireLayouts.isBigEndian(order);
    }

    // Each read names its layout as a constant, one call per byte order: a layout chosen by a conditional
    // expression is not a constant to the JIT, and the access then goes through the var handle's generic path,
    // several times slower than the inlined load.

    private short read16(String kind) {
        requireLength(U16_LENGTH, kind);
        long at = current + NLA_HDRLEN;
        return (currentRawType & NLA_F_NET_BYTEORDER) == 0 ? segment.get(NATIVE_SHORT, at)
                : segment.get(BIG_ENDIAN_SHORT, at);
    }

    private int read32(String kind) {
        requireLength(U32_LENGTH, kind);
        long at = current + NLA_HDRLEN;
        return (currentRawType & NLA_F_NET_BYTEORDER) == 0 ? segment.get(NATIVE_INT, at)
                : segment.get(BIG_ENDIAN_INT, at);
    }

    private long read64(String kind) {
        requireLength(U64_LENGTH, kind);
        long at = current + NLA_HDRLEN;
        return (currentRawType & NLA_F_NET_BYTEORDER) == 0 ? segment.get(NATIVE_LONG, at)
                : segment.get(BIG_ENDIAN_LONG, at);
    }

    /**
     * The check of the fixed-size accessors, in one comparison on the hot path: {@code nla_len} is
     * {@code length}, which also means there is a current attribute (see {@link #currentLength}), and the bytes
     * are still valid.
     */
    private void requireLength(int length, String kind) {
        if (currentLength != length) {
            requirePayload(length - NLA_HDRLEN, kind); // throws, with the reason
        }
        checkValid();
    }

    private void requirePayload(int expected, String kind) {
        int actual = payloadLength();
        if (actual != expected) {
            throw malformed("payload of " + actual + " byte" + (actual == 1 ? "" : "s") + ", expected "
                    + expected + " for " + kind);
        }
    }

    private MalformedMessageException malformed(String problem) {
        return new MalformedMessageException("attribute type " + (currentRawType & NLA_TYPE_MASK), current,
                problem);
    }

    private void checkValid() {
        if (generation != null && !generation.isCurrent(stamp)) {
            throw BufferGeneration.stale("AttributeReader");
        }
    }

    private void requireCurrent() {
        checkValid();
        if (current == NONE) {
            throw new IllegalStateException("no current attribute: next() or seek() has not returned true");
        }
    }
}
