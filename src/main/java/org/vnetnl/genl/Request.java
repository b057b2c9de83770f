package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * One request being built in a send buffer: its headers, the writer of its attributes (which cannot be pointed
 * at other memory) and what errors about it need (sequence number, operation name, schema). A connection has
 * two, the caller's and the controller's, so a family lookup never overwrites a prepared request; a
 * {@link GenlBatch} has one per entry, side by side in its send buffer and sharing one writer.
 */
final class Request implements OneRequestWait.Sent {

    private final MemorySegment buffer;
    private final AttributeWriter writer;
    private boolean prepared;
    /** Where the request's netlink header is in {@link #buffer}. */
    private int start;
    private int sequence;
    private int flags;
    private int attributesStart;
    private int length;
    private Family family;
    private int familyId;
    private int command;
    private String operation;
    private AttributePolicy schema;

    Request(MemorySegment buffer) {
        this(buffer, AttributeWriter.pinned());
    }

    /** A request that shares {@code writer} with others in the same buffer, each written in turn. */
    Request(MemorySegment buffer, AttributeWriter writer) {
        this.buffer = buffer;
        this.writer = writer;
    }

    /** Writes the headers at the start of the buffer and returns the writer for the attributes. */
    AttributeWriter prepare(int familyId, int command, int version, int flags, Family family, String operation,
                            AttributePolicy schema, int sequence, int portId) {
        return prepareAt(0, familyId, command, version, flags, family, operation, schema, sequence, portId);
    }

    /** Writes the headers at {@code at} and returns the writer for the attributes, up to the end of the buffer. */
    AttributeWriter prepareAt(int at, int familyId, int command, int version, int flags, Family family,
                              String operation, AttributePolicy schema, int sequence, int portId) {
        if (command < 0 || command > 0xFF) {
            throw new IllegalArgumentException("generic netlink commands are 0..255, got " + command);
        }
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("netlink flags are 16 bits, got 0x" + Integer.toHexString(flags));
        }
        int familyHeader = family == null ? 0 : family.headerSize();
        int start = at + MessageHeader.GENL_PAYLOAD + NetlinkAlignment.nlaAlign(familyHeader);
        if (start > buffer.byteSize()) {
            throw new IllegalArgumentException("the family header of " + familyHeader
                    + " bytes does not fit the send buffer");
        }
        this.flags = LibNl.NLM_F_REQUEST() | flags;
        this.sequence = sequence;
        MessageHeader.writeGenl(buffer, at, familyId, this.flags, sequence, portId, command, version);
        if (start > at + MessageHeader.GENL_PAYLOAD) {
            buffer.asSlice(at + MessageHeader.GENL_PAYLOAD, start - at - MessageHeader.GENL_PAYLOAD).fill((byte) 0);
        }
        this.start = at;
        this.attributesStart = start;
        this.family = family;
        this.familyId = familyId;
        this.command = command;
        this.operation = operation;
        this.schema = schema;
        this.prepared = true;
        return writer.reset(buffer, start, buffer.byteSize() - start);
    }

    /**
     * Writes a netlink-raw request's netlink header at the start of the buffer and {@code headerSize} zeroed bytes
     * for its fixed header, and returns the writer for the attributes after them.
     */
    AttributeWriter prepareRaw(int messageType, int flags, int headerSize, String operation, int sequence,
                               int portId) {
        return prepareRawAt(0, messageType, flags, headerSize, operation, sequence, portId);
    }

    /** As {@link #prepareRaw}, with the netlink header at {@code at} (an entry of a batch). */
    AttributeWriter prepareRawAt(int at, int messageType, int flags, int headerSize, String operation, int sequence,
                                 int portId) {
        if (messageType < 0 || messageType > 0xFFFF) {
            throw new IllegalArgumentException("netlink message types are 0..65535, got " + messageType);
        }
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("netlink flags are 16 bits, got 0x" + Integer.toHexString(flags));
        }
        int start = at + NetlinkAlignment.NLMSG_HDRLEN + NetlinkAlignment.nlaAlign(headerSize);
        if (headerSize < 0 || start > buffer.byteSize()) {
            throw new IllegalArgumentException("a fixed header of " + headerSize + " bytes does not fit the send"
                    + " buffer");
        }
        this.flags = LibNl.NLM_F_REQUEST() | flags;
        this.sequence = sequence;
        MessageHeader.writeNetlink(buffer, at, messageType, this.flags, sequence, portId);
        buffer.asSlice(at + NetlinkAlignment.NLMSG_HDRLEN, start - at - NetlinkAlignment.NLMSG_HDRLEN).fill((byte) 0);
        this.start = at;
        this.attributesStart = start;
        this.family = null;
        this.familyId = messageType;
        this.command = -1;
        this.operation = operation;
        this.schema = null;
        this.prepared = true;
        return writer.reset(buffer, start, buffer.byteSize() - start);
    }

    /**
     * Completes the message for sending and marks it sent: a request goes out once.
     *
     * @return its length
     * @throws IllegalStateException if nothing is prepared or a nested attribute is still open
     */
    int seal() {
        requirePrepared();
        if (writer.depth() != 0) {
            throw new IllegalStateException(writer.depth() + " nested attribute" + (writer.depth() == 1 ? " is" : "s are")
                    + " still open in " + operation() + ": call endNested(...) before sending");
        }
        long end = writer.position();
        if (end < attributesStart || end > buffer.byteSize()) {
            // The writer cannot be re-pointed; this guards the length sent against any other mistake.
            throw new IllegalStateException("request length " + end + " lies outside the " + buffer.byteSize()
                    + "-byte send buffer");
        }
        length = (int) end - start;
        MessageHeader.setLength(buffer, start, length);
        prepared = false;
        return length;
    }

    /** The same request again under a new sequence number (a dump retried after an interruption), to send again. */
    void resequence(int next) {
        sequence = next;
        MessageHeader.setSequence(buffer, start, next);
        prepared = true;
    }

    void requirePrepared() {
        if (!prepared) {
            throw new IllegalStateException("no request prepared: call prepare(...) first (a request is sent once)");
        }
    }

    boolean isDump() {
        return (flags & LibNl.NLM_F_DUMP()) == LibNl.NLM_F_DUMP();
    }

    boolean wantsAck() {
        return (flags & LibNl.NLM_F_ACK()) != 0;
    }

    @Override
    public int sequence() {
        return sequence;
    }

    MemorySegment buffer() {
        return buffer;
    }

    /** Where the request starts in {@link #buffer()}. */
    int start() {
        return start;
    }

    /** How errors name this request. */
    @Override
    public String operation() {
        if (operation != null) {
            return operation;
        }
        if (command < 0) {
            return "netlink message type " + familyId;
        }
        return (family != null ? family.name() : "family " + familyId) + " command " + command;
    }

    /** The request as sent, copied to the heap: for a call that outlives the buffer (an async call). */
    ReplyParser.SentRequest sentCopy() {
        MemorySegment copy = MemorySegment.ofArray(buffer.asSlice(start, length).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE));
        return new ReplyParser.SentRequest(copy, attributesStart - start, length, schema, operation(), sequence);
    }

    /** The request as sent, for the error that answers it (allocates: error path only). */
    ReplyParser.SentRequest sent() {
        return new ReplyParser.SentRequest(buffer.asSlice(start, length), attributesStart - start, length, schema,
                operation(), sequence);
    }
}
