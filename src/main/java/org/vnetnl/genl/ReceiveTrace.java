package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

/**
 * Sees every datagram a connection's sockets receive, before the connection reads it: what a debugging tool
 * prints (the kernel's {@code cli.py --dbg-small-recv} prints each read and the headers of its messages). Set
 * with {@link ConnectionOptions#withReceiveTrace}.
 *
 * <p>It runs on the thread that received the datagram, which may be any thread using the connection, so it must
 * be thread-safe, and it must not call the connection.
 */
@FunctionalInterface
public interface ReceiveTrace {

    /**
     * @param datagram the bytes received, valid only during the call
     * @param length   the datagram's full length: larger than {@code datagram.byteSize()} when it was truncated
     *                 to fit the receive buffer
     */
    void received(MemorySegment datagram, long length);
}
