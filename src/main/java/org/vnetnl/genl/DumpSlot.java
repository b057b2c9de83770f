package org.vnetnl.genl;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The one dump a socket runs at a time (the kernel keeps one dump per socket): which dump holds it, also once
 * abandoned until its end is read, and the waits of the dumps that want it next. State is guarded by the
 * exchange's lock.
 */
final class DumpSlot {

    private final Exchange exchange;
    /** The exchange's lock. */
    private final ReentrantLock lock;
    private DumpCall running;

    DumpSlot(Exchange exchange, ReentrantLock lock) {
        this.exchange = exchange;
        this.lock = lock;
    }

    /** Under the lock: the dump running on the socket, or null. */
    DumpCall running() {
        return running;
    }

    /** Makes {@code dump} the socket's running dump if none runs (nor is read to its end); never waits. */
    boolean tryClaim(DumpCall dump) {
        lock.lock();
        try {
            if (exchange.closedLocked() || running != null) {
                return false;
            }
            running = dump;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no dump runs on the socket (an abandoned one is read to its end), then makes {@code dump} it. */
    boolean claim(DumpCall dump, Caller me, long timeoutNanos) throws NetlinkException {
        DrainWait wait = new DrainWait(dump.operation());
        while (true) {
            lock.lock();
            try {
                if (exchange.closedLocked()) {
                    throw new NetlinkCancelledException(dump.operation(), 0, true);
                }
                if (running == null) {
                    running = dump;
                    return true;
                }
                exchange.follow(wait);
            } finally {
                lock.unlock();
            }
            if (!exchange.await(wait, me, timeoutNanos)) {
                return false;
            }
        }
    }

    /** Under the lock: the dump on the socket ended (its NLMSG_DONE or error was read). */
    void ended(DumpCall dump) {
        if (running == dump) {
            running = null;
            exchange.wakeFollowers(DrainWait.class);
        }
    }

    /** Ready once no dump runs on the socket. */
    private final class DrainWait extends Pending {
        private final String operation;

        DrainWait(String operation) {
            this.operation = operation;
        }

        @Override
        boolean isReady(Exchange exchange) {
            return running == null || exchange.closedLocked();
        }

        @Override
        String operation() {
            return "wait for the dump before " + operation + " to end";
        }
    }
}
