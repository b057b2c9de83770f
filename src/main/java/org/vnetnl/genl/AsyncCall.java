package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.vnetnl.internal.libnl.LibNl;

/**
 * A request whose outcome completes a future instead of waking a thread: the reply is copied to the heap by
 * whichever thread reads it (a thread waiting for its own reply, or the connection's pump thread while only
 * futures wait). Cancelling the future, or its timeout, ends this call alone: it leaves the table, and a reply
 * that arrives later counts as stale.
 */
final class AsyncCall extends OneRequestWait<ReplyParser.SentRequest> {

    private final Exchange exchange;
    private final boolean wantsAck;
    private final Duration timeout;
    final Future future = new Future();
    private boolean done;
    /** Whether the exchange ended it (guarded by its lock). */
    boolean ended;
    private byte[] reply;
    private NetlinkException failure;
    /**
     * Completes when the timeout passes, or once the call ended: completing it takes its task out of the JDK's
     * timer queue at once (left there, the task would keep the call, its future and its reply's copy reachable
     * for the whole timeout: about 700 B per nlctrl call held 5 s after the call ended, measured with the bench's
     * AsyncFootprint). Completed rather than cancelled, which would make an exception per call.
     */
    private volatile CompletableFuture<Void> timer;
    private volatile boolean completed;

    /** The future handed out: its cancel ends the call. */
    final class Future extends CompletableFuture<GenlMessage> {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                exchange.futures().end(AsyncCall.this);
            }
            return cancelled;
        }
    }

    AsyncCall(Exchange exchange, Request sent, Duration timeout) {
        this.exchange = exchange;
        this.request = sent.sentCopy();
        this.wantsAck = sent.wantsAck();
        this.timeout = timeout;
    }

    @Override
    boolean isReady(Exchange exchange) {
        return done;
    }

    @Override
    void accept(Exchange exchange, DatagramCursor cursor, MemorySegment buffer, int at, long received, long capacity,
                boolean inPlace) {
        if (done) {
            exchange.countStale();
            return;
        }
        if (received > capacity) {
            finish(truncated(received, capacity));
            return;
        }
        cursor.over(buffer, at, at + (int) received);
        try {
            while (cursor.next()) {
                if (cursor.sequence() != request.sequence()) {
                    continue;
                }
                int type = cursor.type();
                if (type == LibNl.NLMSG_ERROR()) {
                    int error = ReplyParser.errorCode(buffer, cursor.offset(), cursor.length());
                    finish(error == 0 ? null : ReplyParser.kernelError(buffer, cursor.offset(), cursor.length(),
                            -error, request));
                    return;
                }
                if (type >= LibNl.NLMSG_MIN_TYPE() && reply == null) {
                    reply = buffer.asSlice(cursor.offset(), cursor.length()).toArray(JAVA_BYTE);
                }
            }
        } catch (MalformedMessageException e) {
            finish(badMessage(request, e));
            return;
        }
        if (reply != null && !wantsAck) {
            finish(null);
        }
    }

    /** Under the exchange's lock: the outcome is known; the future is completed once the lock is released. */
    private void finish(NetlinkException failure) {
        if (done) {
            return;
        }
        if (this.failure == null) {
            this.failure = failure;
        }
        done = true;
        exchange.futures().end(this);
    }

    @Override
    void fail(Exchange exchange, NetlinkException failure) {
        finish(failure);
    }

    @Override
    void lostToOverrun(Exchange exchange) {
        finish(lostReply());
    }

    /** Fails the call from outside the exchange's lock (its send failed) and completes its future. */
    void failNow(NetlinkException failure) {
        exchange.locked(() -> finish(failure));
        exchange.runCompletions();
    }

    /** Under the exchange's lock: the timeout passed first. */
    void timedOut() {
        finish(new NetlinkTimeoutException(request.operation(), request.sequence(), timeout));
    }

    /** Fails the call with a timeout after {@code timeoutNanos} unless it ended before; once its request left. */
    void armTimeout(long timeoutNanos) {
        CompletableFuture<Void> t = new CompletableFuture<Void>()
                .completeOnTimeout(null, timeoutNanos, TimeUnit.NANOSECONDS);
        t.thenRun(this::timeoutPassed);
        timer = t;
        if (completed) {
            // It ended while the timer was being made.
            timer = null;
            t.complete(null);
        }
    }

    private void timeoutPassed() {
        if (!completed) {
            exchange.futures().timeOut(this);
        }
    }

    /** Completes the future; called with no lock held, as it may run the caller's dependent actions. */
    void complete() {
        completed = true;
        CompletableFuture<Void> t = timer;
        if (t != null) {
            timer = null;
            t.complete(null);
        }
        if (failure != null) {
            future.completeExceptionally(failure);
        } else if (reply == null) {
            future.complete(null);
        } else {
            future.complete(new GenlMessage().wrap(MemorySegment.ofArray(reply), 0, reply.length, 0));
        }
    }
}
