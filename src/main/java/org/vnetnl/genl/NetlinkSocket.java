package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

/**
 * The socket under a generic netlink connection: datagrams in and out, nothing about requests or replies. The
 * connection's request matching, dumps and notification queue sit on this interface, so they are tested with a
 * scripted socket as well as with the kernel.
 *
 * <p>Results are values, not exceptions: every call returns a byte count or 0 on success, {@link #AGAIN} when a
 * receive finds nothing queued, {@link #OVERRUN} when the kernel dropped datagrams for this socket (ENOBUFS), and
 * otherwise {@code -errno}. Interrupted system calls are retried inside. The caller decides what each means for
 * the request at hand.
 *
 * <p>Threads: one thread at a time receives (and awaits, and reads {@link #sender()} and the like), one thread
 * at a time sends or changes groups, and the two may overlap; {@link #close()} runs once, after every thread has
 * left every other call.
 */
interface NetlinkSocket extends AutoCloseable {

    /** Returned by {@link #receive} when no datagram is queued (EAGAIN, the socket never blocks). */
    long AGAIN = Long.MIN_VALUE;

    /** Returned by {@link #receive} when the kernel dropped datagrams because the receive buffer was full. */
    long OVERRUN = Long.MIN_VALUE + 1;

    /** The netlink port id the kernel assigned. */
    int portId();

    /** Sends {@code buffer[0, length)} to the kernel: the bytes sent, or {@code -errno}. */
    long send(MemorySegment buffer, int length);

    /**
     * Reads the next datagram, without waiting, into {@code buffer[offset, offset + capacity)}: its full length
     * (larger than {@code capacity} when it was truncated), {@link #AGAIN}, {@link #OVERRUN} or {@code -errno}.
     * {@link #sender()} and {@link #group()} then describe it.
     */
    long receive(MemorySegment buffer, long offset, long capacity);

    /**
     * Reads up to {@code count} queued datagrams in one system call, without waiting: the {@code i}-th into
     * {@code buffer[slots[i], slots[i] + slotSize)}. Returns how many were read (at least 1), {@link #AGAIN} when
     * none is queued, {@link #OVERRUN} or {@code -errno}; an overrun or error that follows datagrams already read
     * is returned by the next call. {@link #receivedLength}, {@link #receivedSender} and {@link #receivedGroup}
     * then describe each datagram read.
     *
     * @param slots where each datagram goes, offsets into {@code buffer}; only the first {@code count} are used
     */
    long receiveMany(MemorySegment buffer, long[] slots, long slotSize, int count);

    /** The full length of datagram {@code index} of the last {@link #receiveMany}: larger than the slot when truncated. */
    int receivedLength(int index);

    /** The port id that sent datagram {@code index} of the last {@link #receiveMany}: 0 for the kernel. */
    int receivedSender(int index);

    /** The multicast group of datagram {@code index} of the last {@link #receiveMany}, 0 for a unicast one. */
    int receivedGroup(int index);

    /**
     * The port id that sent the last datagram received: 0 for the kernel. The kernel's socket is connected to the
     * kernel, which then refuses unicast from other ports, so for it only multicast can come from elsewhere.
     */
    int sender();

    /** The multicast group of the last datagram received, 0 for a unicast one. */
    int group();

    /** Joins multicast group {@code group}: 0 or {@code -errno}. */
    int joinGroup(int group);

    /** Leaves multicast group {@code group}: 0 or {@code -errno}. */
    int leaveGroup(int group);

    /**
     * Waits until a datagram may be queued, {@code deadline} (a {@link System#nanoTime()} value) passes, the
     * calling thread is interrupted or {@link java.util.concurrent.locks.LockSupport#unpark unparked}. May return
     * early for no reason; the caller tries {@link #receive} again and checks its own conditions. Never holds a
     * virtual thread's carrier: the thread parks.
     */
    void await(long deadline);

    /** Frees the socket. */
    @Override
    void close();
}
