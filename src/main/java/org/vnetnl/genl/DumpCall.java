package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A dump run by one thread: its parts arrive on the exchange and are handed to the handler on that thread, in
 * order. A part the thread read itself stays in its receive buffer; a part another thread read waits in a heap
 * copy until this thread takes it. A dump given up (its handler threw, it timed out or was cancelled) stays
 * registered, its parts counted as stale, until its end arrives: the kernel refuses another dump on the socket
 * until then.
 */
final class DumpCall extends Pending {

    private final Exchange exchange;
    private final Caller caller;
    private final Request request;
    // Guarded by the exchange's lock.
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    private boolean inPlacePart;
    private int inPlaceLength;
    private boolean abandoned;
    private NetlinkException failure;
    /** Whether the kernel marked the current attempt interrupted (NLM_F_DUMP_INTR); the dump's thread only. */
    private boolean interrupted;
    /**
     * The sequence number and name of the attempt sent: the request's buffer is the thread's, which prepares its
     * next request while an abandoned dump is still read to its end.
     */
    private int sequence;
    private String operation;

    DumpCall(Exchange exchange, Caller caller, Request request) {
        this.exchange = exchange;
        this.caller = caller;
        this.request = request;
    }

    @Override
    boolean isReady(Exchange exchange) {
        return inPlacePart || !backlog.isEmpty() || failure != null;
    }

    @Override
    void accept(Exchange exchange, DatagramCursor cursor, MemorySegment buffer, int at, long received, long capacity,
                boolean inPlace) {
        int end = at + (int) Math.min(received, capacity);
        boolean last = containsEnd(cursor, buffer, at, end);
        if (abandoned) {
            exchange.countStale(buffer, at, end);
        } else if (received > capacity) {
            failure = new NetlinkException(Errno.EMSGSIZE, request.operation(), request.sequence(), "a dump part of "
                    + received + " bytes was truncated to " + capacity
                    + " bytes: raise ConnectionOptions.receiveBufferSize");
            abandoned = true;
            exchange.wake(this);
        } else if (inPlace && buffer == caller.receiveBuffer && at == 0 && backlog.isEmpty()) {
            inPlacePart = true;
            inPlaceLength = end;
        } else {
            backlog.add(buffer.asSlice(at, end - at).toArray(JAVA_BYTE));
            exchange.wake(this);
        }
        if (last) {
            exchange.unregister(this);
            if (abandoned) {
                exchange.dumpSlot().ended(this);
            }
        }
    }

    /** Whether the datagram holds the dump's NLMSG_DONE or an NLMSG_ERROR (its end either way). */
    private boolean containsEnd(DatagramCursor cursor, MemorySegment buffer, int at, int end) {
        cursor.over(buffer, at, end);
        while (cursor.nextWellFormed()) {
            int type = cursor.type();
            if (cursor.sequence() == sequence && (type == LibNl.NLMSG_DONE() || type == LibNl.NLMSG_ERROR())) {
                return true;
            }
        }
        return false;
    }

    @Override
    void fail(Exchange exchange, NetlinkException failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
        exchange.unregister(this);
        exchange.wake(this);
    }

    @Override
    void abandon(Exchange exchange) {
        if (registered) {
            abandoned = true;
            backlog.clear();
            inPlacePart = false;
        } else {
            exchange.dumpSlot().ended(this);
        }
    }

    /**
     * Runs the dump: sends the request (again, under a new sequence number, when an interrupted dump is retried)
     * and delivers every part. The caller holds the socket's dump slot.
     */
    DumpResult run(long timeoutNanos, Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        try {
            for (int attempt = 1; ; attempt++) {
                if (attempt > 1) {
                    handler.onRestart();
                    request.resequence(exchange.nextSequence());
                }
                int length = request.seal();
                sequence = request.sequence();
                operation = request.operation();
                exchange.register(this);
                long sent = exchange.send(request.buffer(), length);
                if (sent < 0) {
                    exchange.locked(() -> exchange.unregister(this));
                    throw new NetlinkException(Exchange.errnoOf(sent), request.operation(), request.sequence(),
                            "send failed");
                }
                this.sent = true;
                int[] delivered = {0};
                boolean wasInterrupted = receiveParts(timeoutNanos, timeout, handler, delivered);
                if (!wasInterrupted) {
                    return new DumpResult(delivered[0], attempt, false);
                }
                if (attempt >= onInterrupt.maxAttempts()) {
                    if (onInterrupt.acceptsPartial()) {
                        return new DumpResult(delivered[0], attempt, true);
                    }
                    throw new DumpInterruptedException(request.operation(), request.sequence(), attempt);
                }
            }
        } finally {
            exchange.locked(() -> abandon(exchange));
        }
    }

    /** Delivers the parts of one attempt until its end; returns whether the kernel marked it interrupted. */
    private boolean receiveParts(long timeoutNanos, Duration timeout, DumpHandler handler, int[] delivered)
            throws NetlinkException {
        interrupted = false;
        while (true) {
            caller.generation.advance();
            if (!exchange.await(this, caller, timeoutNanos)) {
                throw new NetlinkTimeoutException(request.operation(), request.sequence(), timeout);
            }
            Object[] taken = new Object[1];
            // A part in place came before anything in the backlog: it is put there only while the backlog is empty.
            exchange.locked(() -> taken[0] = inPlacePart ? null : !backlog.isEmpty() ? backlog.poll() : failure);
            if (taken[0] instanceof NetlinkException e) {
                throw e;
            }
            MemorySegment part;
            int length;
            if (taken[0] instanceof byte[] bytes) {
                part = MemorySegment.ofArray(bytes);
                length = bytes.length;
            } else {
                part = caller.receiveBuffer;
                length = inPlaceLength;
            }
            try {
                if (deliver(part, length, handler, delivered)) {
                    return interrupted;
                }
            } finally {
                if (part == caller.receiveBuffer) {
                    exchange.locked(() -> inPlacePart = false);
                }
            }
        }
    }

    /** Hands the data messages of one part to the handler; returns whether the dump ended with it. */
    private boolean deliver(MemorySegment part, int length, DumpHandler handler, int[] delivered)
            throws NetlinkException {
        DatagramCursor cursor = caller.cursor;
        cursor.over(part, 0, length);
        caller.inDump = true;
        try {
            while (nextMessage(cursor)) {
                if (cursor.sequence() != request.sequence()) {
                    continue;
                }
                interrupted |= (cursor.flags() & LibNl.NLM_F_DUMP_INTR()) != 0;
                int type = cursor.type();
                if (type == LibNl.NLMSG_DONE()) {
                    int error = ReplyParser.doneStatus(part, cursor.offset(), cursor.length());
                    if (error != 0) {
                        throw ReplyParser.kernelError(part, cursor.offset(), cursor.length(), -error, request.sent());
                    }
                    caller.warning = ReplyParser.extendedAck(part, cursor.offset(), cursor.length()).message();
                    return true;
                }
                if (type == LibNl.NLMSG_ERROR()) {
                    int error = errorCode(part, cursor);
                    if (error != 0) {
                        throw ReplyParser.kernelError(part, cursor.offset(), cursor.length(), -error, request.sent());
                    }
                    return true;
                }
                if (type >= LibNl.NLMSG_MIN_TYPE()) {
                    delivered[0]++;
                    try {
                        // A view of its own per message: a part kept past its call fails instead of showing another.
                        handler.onMessage(new GenlMessage().wrap(part, cursor.offset(), cursor.length(), 0,
                                caller.generation));
                    } catch (NetlinkException | RuntimeException | Error e) {
                        // The rest of this part goes unread: counted with the rest of the abandoned dump.
                        long rest = 0;
                        while (cursor.nextWellFormed()) {
                            rest++;
                        }
                        exchange.addStale(rest);
                        throw e;
                    }
                }
            }
        } finally {
            caller.inDump = false;
        }
        return false;
    }

    private boolean nextMessage(DatagramCursor cursor) throws NetlinkException {
        try {
            return cursor.next();
        } catch (MalformedMessageException e) {
            throw OneRequestWait.badMessage(request, e);
        }
    }

    private int errorCode(MemorySegment part, DatagramCursor cursor) throws NetlinkException {
        try {
            return ReplyParser.errorCode(part, cursor.offset(), cursor.length());
        } catch (MalformedMessageException e) {
            throw OneRequestWait.badMessage(request, e);
        }
    }

    @Override
    int sequenceCount() {
        return 1;
    }

    @Override
    int sequence(int index) {
        return sequence;
    }

    @Override
    String operation() {
        return operation;
    }
}
