package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A single request's wait for its reply, and the acknowledgement behind it when it asked for one. One per
 * {@link Caller}, reused call after call. The reply ends up in the caller's receive buffer: read there by the
 * caller itself as leader, or copied there by the leader that read it.
 */
final class Call extends OneRequestWait<Request> {

    private final Caller caller;
    private final int portId;
    private boolean done;
    private NetlinkException failure;
    private boolean haveReply;
    private MemorySegment replySegment;
    private int replyOffset;
    private int replyLength;

    Call(Caller caller, int portId) {
        this.caller = caller;
        this.portId = portId;
    }

    /** Starts the wait for {@code sent}, whose sequence number is set. */
    Call start(Request sent) {
        request = sent;
        done = false;
        failure = null;
        haveReply = false;
        replyLength = 0;
        this.sent = false;
        return this;
    }

    @Override
    boolean isReady(Exchange exchange) {
        return done;
    }

    @Override
    long readAndDispatch(Exchange exchange, NetlinkSocket socket, Caller reader) {
        if (!haveReply) {
            return super.readAndDispatch(exchange, socket, reader);
        }
        // The reply waits in the receive buffer for its acknowledgement: read the rest elsewhere.
        MemorySegment spare = reader.spare();
        long received = socket.receive(spare, 0, spare.byteSize());
        if (received >= 0) {
            exchange.dispatchRead(spare, 0, received, spare.byteSize(), socket.sender(), socket.group(), this);
        }
        return received;
    }

    @Override
    void accept(Exchange exchange, DatagramCursor cursor, MemorySegment buffer, int at, long received, long capacity,
                boolean inPlace) {
        if (done) {
            exchange.countStale();
            return;
        }
        if (received > capacity) {
            finish(exchange, truncated(received, capacity));
            return;
        }
        cursor.over(buffer, at, at + (int) received);
        try {
            while (cursor.next()) {
                if (cursor.sequence() != request.sequence() || cursor.portId() != portId) {
                    continue;
                }
                int type = cursor.type();
                if (type == LibNl.NLMSG_ERROR()) {
                    int error = ReplyParser.errorCode(buffer, cursor.offset(), cursor.length());
                    if (error == 0) {
                        caller.warning = ReplyParser.extendedAck(buffer, cursor.offset(), cursor.length()).message();
                    }
                    finish(exchange, error == 0 ? null : ReplyParser.kernelError(buffer, cursor.offset(),
                            cursor.length(), -error, request.sent()));
                    return;
                }
                if (type >= LibNl.NLMSG_MIN_TYPE() && !haveReply) {
                    keepReply(buffer, cursor.offset(), cursor.length(), inPlace);
                }
                // NLMSG_NOOP, NLMSG_DONE and further data parts of a doit carry nothing for the caller.
            }
        } catch (MalformedMessageException e) {
            finish(exchange, badMessage(request, e));
            return;
        }
        if (haveReply && !request.wantsAck()) {
            finish(exchange, null);
        }
    }

    private void keepReply(MemorySegment buffer, int offset, int length, boolean inPlace) {
        haveReply = true;
        if (inPlace && buffer == caller.receiveBuffer) {
            replySegment = buffer;
            replyOffset = offset;
        } else if (length <= caller.receiveBuffer.byteSize()) {
            MemorySegment.copy(buffer, offset, caller.receiveBuffer, 0, length);
            replySegment = caller.receiveBuffer;
            replyOffset = 0;
        } else {
            failure = new NetlinkException(Errno.EMSGSIZE, request.operation(), request.sequence(), "a reply of "
                    + length + " bytes does not fit the receive buffer: raise ConnectionOptions.receiveBufferSize");
        }
        replyLength = length;
    }

    private void finish(Exchange exchange, NetlinkException failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
        done = true;
        exchange.completed(this);
    }

    @Override
    void fail(Exchange exchange, NetlinkException failure) {
        if (!done) {
            finish(exchange, failure);
        }
    }

    @Override
    void lostToOverrun(Exchange exchange) {
        fail(exchange, lostReply());
    }

    /**
     * The outcome, once ready: the reply wrapped in {@code view} (a new one when null), {@code null} for a bare
     * acknowledgement.
     *
     * @throws NetlinkException the request's failure
     */
    GenlMessage outcome(GenlMessage view) throws NetlinkException {
        if (failure != null) {
            throw failure;
        }
        if (!haveReply) {
            return null;
        }
        return (view != null ? view : new GenlMessage()).wrap(replySegment, replyOffset, replyLength, 0,
                caller.generation);
    }

    /** A copy of the outcome on the heap, for a caller that is not this thread (a future). */
    GenlMessage outcomeCopy() throws NetlinkException {
        if (failure != null) {
            throw failure;
        }
        if (!haveReply) {
            return null;
        }
        byte[] bytes = replySegment.asSlice(replyOffset, replyLength).toArray(JAVA_BYTE);
        return new GenlMessage().wrap(MemorySegment.ofArray(bytes), 0, replyLength, 0);
    }
}
