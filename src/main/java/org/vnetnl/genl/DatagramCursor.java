package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;

/**
 * Walks the netlink messages of one datagram: each message's bounds, checked ({@link ReplyParser#messageLength}),
 * and its header fields. The one loop every receive path of a connection uses; allocates nothing.
 */
final class DatagramCursor {

    private MemorySegment segment = MemorySegment.NULL;
    private int next;
    private int end;
    private int current;
    private int length;

    /** Points the cursor before the first message of {@code segment[start, end)}. */
    DatagramCursor over(MemorySegment segment, int start, int end) {
        this.segment = segment;
        this.next = start;
        this.end = end;
        this.current = -1;
        return this;
    }

    /**
     * Advances to the next message.
     *
     * @return false after the last one
     * @throws MalformedMessageException if the next message's header is truncated or its length does not fit
     */
    boolean next() {
        if (next >= end) {
            return false;
        }
        length = ReplyParser.messageLength(segment, next, end);
        advance();
        return true;
    }

    /** As {@link #next()}, stopping quietly (false) at a malformed message, for messages no request waits for. */
    boolean nextWellFormed() {
        if (next >= end) {
            return false;
        }
        length = ReplyParser.wellFormedLength(segment, next, end);
        if (length < 0) {
            next = end;
            return false;
        }
        advance();
        return true;
    }

    private void advance() {
        current = next;
        next = (int) Math.min(end, NetlinkAlignment.nlmsgAlign((long) next + length));
    }

    /** Where the current message starts. */
    int offset() {
        return current;
    }

    /** The current message's length, as its header declares it. */
    int length() {
        return length;
    }

    int type() {
        return MessageHeader.type(segment, current);
    }

    int flags() {
        return MessageHeader.flags(segment, current);
    }

    int sequence() {
        return MessageHeader.sequence(segment, current);
    }

    int portId() {
        return MessageHeader.portId(segment, current);
    }
}
