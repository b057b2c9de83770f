package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A received generic netlink message, read in place: a flyweight over the receive buffer of the thread it was
 * handed to (or of a batch's reply slots). A message handed out (and the {@link AttributeReader} it hands out) is
 * valid only until that thread's next call on the connection, or the batch's next round: after that its accessors
 * throw {@link IllegalStateException} instead of reading later bytes. The library never wraps a view it handed
 * out again: {@link GenlConnection#transact(java.time.Duration)}, {@link GenlBatch#reply(int)}, a notification
 * and each dump part come in a view of their own, so an old one kept by mistake fails rather than show a newer
 * message. A view the caller passes in ({@link GenlConnection#transact(java.time.Duration, GenlMessage)},
 * {@link GenlBatch#reply(int, GenlMessage)}) is the caller's to reuse: it shows what it was last passed for, and
 * allocates nothing. {@link #copy()} detaches a message that must be kept; a message wrapped by the caller, or
 * copied, is never invalidated.
 *
 * <p><b>Threads.</b> Not thread-safe, and not checked: used by one thread at a time, as a {@link StringBuilder}
 * is (see the package documentation). The validity check is a check of time, not of threads: a view read by
 * another thread while its own thread calls again may show anything; hand a {@link #copy()} to another thread.
 */
public final class GenlMessage {

    private final AttributeReader attributes = new AttributeReader();
    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int length;
    private int multicastGroup;
    private BufferGeneration generation;
    private long stamp;

    /** Creates an unwrapped view; {@link #wrap} points it at a message. */
    public GenlMessage() {}

    /**
     * Points this view at the generic netlink message at {@code offset}.
     *
     * @param multicastGroup the group it was received on, 0 for a unicast message
     * @throws MalformedMessageException if the headers do not fit or the length field disagrees with {@code length}
     */
    public GenlMessage wrap(MemorySegment segment, long offset, int length, int multicastGroup) {
        return wrap(segment, offset, length, multicastGroup, null);
    }

    /** As {@link #wrap(MemorySegment, long, int, int)}, over a receive buffer whose contents {@code generation} counts. */
    GenlMessage wrap(MemorySegment segment, long offset, int length, int multicastGroup, BufferGeneration generation) {
        if (offset < 0 || length < 0 || offset > segment.byteSize() - length) {
            throw new IllegalArgumentException("message range " + offset + "+" + length
                    + " lies outside a segment of " + segment.byteSize() + " bytes");
        }
        if (length < MessageHeader.GENL_PAYLOAD) {
            throw new MalformedMessageException(offset, "generic netlink message of " + length
                    + " bytes is shorter than its " + MessageHeader.GENL_PAYLOAD + "-byte headers");
        }
        int declared = MessageHeader.length(segment, offset);
        if (declared != length) {
            throw new MalformedMessageException(offset, "netlink header declares " + Integer.toUnsignedString(declared)
                    + " bytes but the message has " + length);
        }
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        this.multicastGroup = multicastGroup;
        this.generation = generation;
        this.stamp = generation == null ? 0 : generation.current();
        return this;
    }

    /** The netlink message type: the generic netlink family id. */
    public int familyId() {
        checkValid();
        return MessageHeader.type(segment, offset);
    }

    /** The NLM_F_* flags of the netlink header. */
    public int flags() {
        checkValid();
        return MessageHeader.flags(segment, offset);
    }

    /** The sequence number: the request's for a reply, usually 0 for a notification. */
    public int sequence() {
        checkValid();
        return MessageHeader.sequence(segment, offset);
    }

    /** The port id in the netlink header. */
    public int portId() {
        checkValid();
        return MessageHeader.portId(segment, offset);
    }

    /** The generic netlink command. */
    public int command() {
        checkValid();
        return MessageHeader.command(segment, offset);
    }

    /** The generic netlink family version the sender used. */
    public int version() {
        checkValid();
        return MessageHeader.version(segment, offset);
    }

    /** Whether this message arrived on a multicast group rather than as a reply. */
    public boolean isNotification() {
        return multicastGroup != 0;
    }

    /** The multicast group id it arrived on, 0 for a reply. */
    public int multicastGroup() {
        return multicastGroup;
    }

    /** Whether the kernel marked this part of a dump as inconsistent (NLM_F_DUMP_INTR). */
    public boolean isDumpInterrupted() {
        return (flags() & LibNl.NLM_F_DUMP_INTR()) != 0;
    }

    /**
     * The attributes, for families without a family-specific header. The returned reader is reused: it is
     * rewound on every call.
     */
    public AttributeReader attributes() {
        return attributes(0);
    }

    /**
     * The attributes after a family-specific header of {@code familyHeaderLength} bytes (a family's
     * {@link Family#headerSize()}).
     */
    public AttributeReader attributes(int familyHeaderLength) {
        checkValid();
        long start = MessageHeader.GENL_PAYLOAD + (long) familyHeaderLength;
        if (familyHeaderLength < 0 || start > length) {
            throw new MalformedMessageException(offset, "family header of " + familyHeaderLength
                    + " bytes does not fit a message of " + length + " bytes");
        }
        return attributes.wrap(segment, offset + start, length - start, generation, stamp);
    }

    /** The segment holding the message. */
    public MemorySegment segment() {
        return segment;
    }

    /** Where the message (its netlink header) starts in {@link #segment()}. */
    public long offset() {
        return offset;
    }

    /** Length of the whole message in bytes, headers included. */
    public int length() {
        return length;
    }

    /** A copy on the Java heap, valid for as long as it is referenced. Allocates. */
    public GenlMessage copy() {
        checkValid();
        MemorySegment copy = MemorySegment.ofArray(segment.asSlice(offset, length).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE));
        return new GenlMessage().wrap(copy, 0, length, multicastGroup);
    }

    private void checkValid() {
        if (length == 0) { // wrap() admits no message shorter than the headers
            throw new IllegalStateException("this GenlMessage is not wrapped over a message: call wrap(...) first");
        }
        if (generation != null && !generation.isCurrent(stamp)) {
            throw BufferGeneration.stale("GenlMessage");
        }
    }

    @Override
    public String toString() {
        if (segment.equals(MemorySegment.NULL)) {
            return "GenlMessage[unwrapped]";
        }
        if (generation != null && !generation.isCurrent(stamp)) {
            return "GenlMessage[no longer valid]";
        }
        return "GenlMessage[family=" + familyId() + ", command=" + command() + ", version=" + version()
                + ", seq=" + Integer.toUnsignedString(sequence()) + ", flags=0x" + Integer.toHexString(flags())
                + ", length=" + length + (multicastGroup != 0 ? ", group=" + multicastGroup : "") + "]";
    }
}
