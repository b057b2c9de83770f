package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

/**
 * One outstanding wait on an {@link Exchange}: a request's reply, a dump's next part, a batch's replies, the next
 * notification, the end of another dump. The exchange hands it the datagrams that answer it (under its lock) and
 * wakes its thread; its thread reads the socket itself while no other thread does (leader/follower).
 *
 * <p>Fields are guarded by the exchange's lock unless marked otherwise.
 */
abstract class Pending {

    /** The thread that waits for it, woken when something arrives. */
    Thread waiter;
    /** Whether it is in the table of sequence numbers, so that datagrams reach it. */
    boolean registered;
    /** Whether it sits in the exchange's queue of parked followers. */
    boolean queuedFollower;
    /** Whether the socket overran (ENOBUFS) after it was sent, so its reply may be lost. */
    boolean overrunSeen;
    /**
     * Whether the leader's own read ended it and handed the leading on ({@link Exchange#dispatchRead}): written and
     * read by its waiting thread alone.
     */
    boolean settled;
    /** Whether its request left (the kernel queues a generic netlink reply inside the send). */
    volatile boolean sent;
    /** The exchange's list of registered waits, for close and overruns. */
    Pending previous;
    Pending next;

    /** Whether its thread has something to take (or the wait is over). */
    abstract boolean isReady(Exchange exchange);

    /**
     * Reads what the socket has queued into memory of {@code reader} (the caller that waits for this) and
     * dispatches it; called only by the leader. The default reads one datagram into the caller's receive buffer.
     *
     * @return as {@link NetlinkSocket#receive}
     */
    long readAndDispatch(Exchange exchange, NetlinkSocket socket, Caller reader) {
        long received = socket.receive(reader.receiveBuffer, 0, reader.receiveCapacity);
        if (received >= 0) {
            exchange.dispatchRead(reader.receiveBuffer, 0, received, reader.receiveCapacity, socket.sender(),
                    socket.group(), this);
        }
        return received;
    }

    /**
     * A datagram whose first message carries one of its sequence numbers: {@code buffer[at, at + min(received,
     * capacity))}, in its own caller's memory when {@code inPlace}, otherwise in the leader's (copy what is kept).
     */
    void accept(Exchange exchange, DatagramCursor cursor, MemorySegment buffer, int at, long received, long capacity,
                boolean inPlace) {
        exchange.countStale();
    }

    /** Ends the wait with {@code failure} (close, a lost reply, a failed receive); no-op once it ended. */
    void fail(Exchange exchange, NetlinkException failure) {
    }

    /** Its reply may have been dropped by an overrun and nothing more is queued: fail what still waits. */
    void lostToOverrun(Exchange exchange) {
    }

    /** Its caller gave up (timeout, interrupt): stop delivering to it; late replies count as stale. */
    void abandon(Exchange exchange) {
        exchange.unregister(this);
    }

    /**
     * The sequence numbers it answers to, for the exchange's table; none for waits that take no reply of their own
     * (for a notification, for a drained socket, for futures' replies).
     */
    int sequenceCount() {
        return 0;
    }

    int sequence(int index) {
        throw new IndexOutOfBoundsException(index);
    }

    /** How errors name it. */
    abstract String operation();
}
