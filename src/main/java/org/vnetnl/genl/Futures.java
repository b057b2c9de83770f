package org.vnetnl.genl;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The calls of an {@link Exchange} whose outcome completes a future ({@link AsyncCall}): their count, the queue of
 * outcomes to complete once no lock is held (a future's dependent actions run then), and the pump, a virtual
 * thread that reads the socket while only futures wait. State is guarded by the exchange's lock.
 */
final class Futures {

    private final Exchange exchange;
    /** The exchange's lock. */
    private final ReentrantLock lock;
    private final Supplier<Caller> pumpCallerFactory;
    /** Calls whose outcome is known, to complete once the lock is released. */
    private final ArrayDeque<AsyncCall> completions = new ArrayDeque<>();
    /** Whether {@link #completions} may hold something: read without the lock, so the blocking path skips it. */
    private volatile boolean completionsQueued;
    /** Calls sent and not ended; while there are any, the pump reads when nobody else does. */
    private int outstanding;
    private Thread pump;
    private Caller pumpCaller;

    Futures(Exchange exchange, ReentrantLock lock, Supplier<Caller> pumpCaller) {
        this.exchange = exchange;
        this.lock = lock;
        this.pumpCallerFactory = pumpCaller;
    }

    /** Registers {@code call}, sent next, and makes sure a thread reads for it (the pump, if nobody else does). */
    void start(AsyncCall call) {
        exchange.register(call);
        lock.lock();
        try {
            outstanding++;
            if (pump == null) {
                // The pump counts as a thread inside a call: the socket is not freed under its reads.
                exchange.enter();
                pump = Thread.ofVirtual().name("vnet-nl pump").unstarted(this::pump);
                pump.start();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends {@code call} (once): its outcome is known, it timed out, or its future was cancelled. Its future is
     * completed with no lock held.
     */
    void end(AsyncCall call) {
        lock.lock();
        try {
            if (call.ended) {
                return;
            }
            call.ended = true;
            exchange.unregister(call);
            outstanding--;
            exchange.releaseCall();
            completions.add(call);
            completionsQueued = true;
            if (outstanding == 0 && pump != null) {
                LockSupport.unpark(pump);
            }
        } finally {
            lock.unlock();
        }
        if (!lock.isHeldByCurrentThread()) {
            runCompletions();
        }
    }

    /** The timeout of {@code call} passed: it fails with a timeout unless it ended already. */
    void timeOut(AsyncCall call) {
        lock.lock();
        try {
            if (!call.ended) {
                call.timedOut();
            }
        } finally {
            lock.unlock();
        }
        runCompletions();
    }

    /** Completes the futures whose outcome is known; does nothing under the lock, whose holder runs it later. */
    void runCompletions() {
        if (!completionsQueued || lock.isHeldByCurrentThread()) {
            return;
        }
        while (true) {
            AsyncCall next;
            lock.lock();
            try {
                next = completions.poll();
                completionsQueued = !completions.isEmpty();
            } finally {
                lock.unlock();
            }
            if (next == null) {
                return;
            }
            next.complete();
        }
    }

    /** Under the lock: the exchange closed; the pump, if any, sees it and ends. */
    void closed() {
        if (pump != null) {
            LockSupport.unpark(pump);
        }
    }

    /** Reads the socket for async calls while nobody else does; ends when none is left. */
    private void pump() {
        PumpWait wait = new PumpWait();
        try {
            while (true) {
                Caller reader;
                lock.lock();
                try {
                    if (outstanding == 0 || exchange.closedLocked()) {
                        pump = null;
                        return;
                    }
                    if (pumpCaller == null) {
                        pumpCaller = pumpCallerFactory.get();
                    }
                    reader = pumpCaller;
                } finally {
                    lock.unlock();
                }
                try {
                    exchange.await(wait, reader, Long.MAX_VALUE / 4);
                } catch (NetlinkException e) {
                    // A failed receive: every async call learns of it.
                    exchange.failAll(AsyncCall.class, e);
                    runCompletions();
                }
            }
        } finally {
            exchange.exit();
        }
    }

    /** The pump's wait: over when no async call is left (or the connection closed). */
    private final class PumpWait extends Pending {
        @Override
        boolean isReady(Exchange exchange) {
            return outstanding == 0 || exchange.closedLocked();
        }

        @Override
        String operation() {
            return "read replies for futures";
        }
    }
}
