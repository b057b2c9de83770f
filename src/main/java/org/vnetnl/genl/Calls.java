package org.vnetnl.genl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A thread's requests on a connection's exchanges: prepared in its send buffer, then run as a blocking call, a
 * call whose outcome completes a future, or a dump (on an extra socket when one is free). What
 * {@link GenlConnection}'s request methods do.
 */
final class Calls {

    private final Exchange exchange;
    private final DumpSockets dumpSockets;
    private final int portId;
    /** The netlink protocol of the sockets: whether requests are of a generic netlink family or raw. */
    private final int protocol;

    Calls(Exchange exchange, DumpSockets dumpSockets, int protocol) {
        this.exchange = exchange;
        this.dumpSockets = dumpSockets;
        this.portId = exchange.portId();
        this.protocol = protocol;
    }

    /** See {@link GenlConnection#prepare(Family, int, int, String, AttributePolicy)}. */
    AttributeWriter prepare(Caller me, Family family, int command, int flags, String operation,
                            AttributePolicy schema) {
        Objects.requireNonNull(family, "family");
        return prepare(me, me.request, family.id(), command, family.version(), flags, family, operation, schema);
    }

    /** A request of family number {@code familyId} into {@code target}: the user's, or the controller's own. */
    AttributeWriter prepare(Caller me, Request target, int familyId, int command, int version, int flags,
                            Family family, String operation, AttributePolicy schema) {
        checkBatchable(me);
        return target.prepare(familyId, command, version, flags, family, operation, schema, exchange.nextSequence(),
                portId);
    }

    /** See {@link GenlConnection#prepareRaw}. */
    AttributeWriter prepareRaw(Caller me, int messageType, int flags, int headerSize, String operation) {
        if (protocol == NativeNetlinkSocket.NETLINK_GENERIC) {
            throw new IllegalStateException("a generic netlink connection sends requests of a family: use prepare");
        }
        checkBatchable(me);
        return me.request.prepareRaw(messageType, flags, headerSize, operation, exchange.nextSequence(), portId);
    }

    /** Fails unless the thread may start a request (alone or in a batch): an open connection, not in a dump handler. */
    void checkBatchable(Caller me) {
        if (exchange.isClosed()) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        refuseInDump(me, "start another request");
    }

    /** See {@link GenlConnection#dumpAll}. */
    List<GenlMessage> dumpAll(Caller me, Duration timeout, DumpInterruptPolicy onInterrupt) throws NetlinkException {
        List<GenlMessage> parts = new ArrayList<>();
        dump(me, me.request, timeout, onInterrupt, new DumpHandler() {
            @Override
            public void onMessage(GenlMessage part) {
                parts.add(part.copy());
            }

            @Override
            public void onRestart() {
                parts.clear();
            }
        });
        return parts;
    }

    /** A timeout in nanoseconds, capped so that deadlines never overflow. */
    static long checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        try {
            return Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** See {@link GenlConnection#transact(Duration)}. */
    GenlMessage transact(Caller me, Request sent, Duration timeout, GenlMessage view) throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        exchange.enter();
        try {
            refuseInDump(me, "send a request");
            sent.requirePrepared();
            if (sent.isDump()) {
                throw new IllegalStateException("the prepared request is a dump: use dump(...)");
            }
            int length = sent.seal();
            me.warning = null;
            // The views of this thread's last reply die before anything is received into their buffer.
            me.generation.advance();
            Call call = me.call.start(sent);
            exchange.acquireCall(call);
            try {
                exchange.register(call);
                long result = exchange.send(sent.buffer(), length);
                if (result < 0) {
                    exchange.locked(() -> exchange.unregister(call));
                    throw new NetlinkException(Exchange.errnoOf(result), sent.operation(), sent.sequence(),
                            "send failed");
                }
                call.sent = true;
                if (!exchange.await(call, me, timeoutNanos)) {
                    throw new NetlinkTimeoutException(sent.operation(), sent.sequence(), timeout);
                }
            } finally {
                exchange.releaseCall();
            }
            return call.outcome(view);
        } finally {
            exchange.exit();
        }
    }

    /** See {@link GenlConnection#transactAsync(Duration)}. */
    CompletableFuture<GenlMessage> transactAsync(Caller me, Duration timeout) {
        long timeoutNanos = checkTimeout(timeout);
        Request sent = me.request;
        exchange.enter();
        try {
            refuseInDump(me, "send a request");
            sent.requirePrepared();
            if (sent.isDump()) {
                throw new IllegalStateException("the prepared request is a dump: use dump(...)");
            }
            int length = sent.seal();
            AsyncCall call = new AsyncCall(exchange, sent, timeout);
            try {
                exchange.acquireCall(call);
            } catch (NetlinkCancelledException e) {
                return CompletableFuture.failedFuture(e);
            }
            exchange.futures().start(call);
            long result = exchange.send(sent.buffer(), length);
            if (result < 0) {
                call.failNow(new NetlinkException(Exchange.errnoOf(result), sent.operation(), sent.sequence(),
                        "send failed"));
                return call.future;
            }
            call.sent = true;
            call.armTimeout(timeoutNanos);
            return call.future;
        } finally {
            exchange.exit();
        }
    }

    /** See {@link GenlConnection#dump(Duration, DumpInterruptPolicy, DumpHandler)}. */
    DumpResult dump(Caller me, Request sent, Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        Objects.requireNonNull(onInterrupt, "onInterrupt");
        Objects.requireNonNull(handler, "handler");
        exchange.enter();
        try {
            refuseInDump(me, "run another dump");
            me.warning = null;
            // Waiting for the socket's dump slot may read into this thread's buffer: its views die first.
            me.generation.advance();
            sent.requirePrepared();
            if (!sent.isDump()) {
                throw new IllegalStateException("the prepared request is not a dump: use prepareDump(...)");
            }
            // An extra socket first: its dump's thread is its only reader, so the kernel makes the next part only
            // once the handler has taken the last one (memory stays flat however large the table) and the parts
            // are read in place. Then the connection's own socket, waiting for the dump before when it has to.
            Exchange extra;
            try {
                extra = dumpSockets.acquire();
            } catch (NetlinkException cannotOpen) {
                extra = null; // out of descriptors, say: the connection's own socket still serves
            }
            if (extra == null) {
                DumpCall dump = new DumpCall(exchange, me, sent);
                if (exchange.dumpSlot().tryClaim(dump)) {
                    return dump.run(timeoutNanos, timeout, onInterrupt, handler);
                }
                return runDump(exchange, dump, me, timeoutNanos, timeout, onInterrupt, handler);
            }
            try {
                extra.enter();
                try {
                    return runDump(extra, new DumpCall(extra, me, sent), me, timeoutNanos, timeout, onInterrupt,
                            handler);
                } finally {
                    extra.exit();
                }
            } finally {
                dumpSockets.release(extra);
            }
        } finally {
            exchange.exit();
        }
    }

    /** Runs {@code dump} on {@code on} once the dump before it there has ended. */
    private static DumpResult runDump(Exchange on, DumpCall dump, Caller me, long timeoutNanos, Duration timeout,
                                      DumpInterruptPolicy onInterrupt, DumpHandler handler) throws NetlinkException {
        if (!on.dumpSlot().claim(dump, me, timeoutNanos)) {
            throw new NetlinkTimeoutException("wait for the dump before " + dump.operation() + " to end", 0, timeout);
        }
        return dump.run(timeoutNanos, timeout, onInterrupt, handler);
    }

    static void refuseInDump(Caller me, String what) {
        if (me.inDump) {
            throw new IllegalStateException("a dump handler cannot " + what + " on the same connection");
        }
    }
}
