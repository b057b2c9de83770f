package org.vnetnl.genl;

import org.vnetnl.internal.MessageHeader;

/**
 * Sizes and limits of a {@link GenlConnection}: its per-thread buffers, its socket's receive buffer, the
 * notifications it keeps, the calls it has in flight and its extra sockets for dumps.
 *
 * @param sendBufferSize bytes for one request, headers included; the socket's SO_SNDBUF is raised to it when
 *                       the system default is smaller. Each thread that uses the connection has one
 * @param receiveBufferSize bytes for one datagram from the kernel; the kernel sends dump parts of up to 32 KiB.
 *                          The acknowledgement that may follow a reply gets room of its own on top. Each
 *                          thread that uses the connection has one
 * @param socketReceiveBufferSize the socket's SO_RCVBUF in bytes, or 0 for the system default
 *                                ({@code net.core.rmem_default}); raise it for listeners that must absorb
 *                                bursts of notifications
 * @param maxPendingNotifications notifications kept while requests wait for their replies; beyond that they
 *                                are dropped and the drop is reported as an overrun
 * @param maxCallsInFlight requests (and batches) sent and not yet answered, across all threads; more wait to
 *                         be sent. The kernel drops a reply that finds the socket's receive buffer full
 *                         (ENOBUFS), so this bounds the unread replies: keep it times the largest reply under
 *                         SO_RCVBUF
 * @param dumpSockets extra sockets, in the same network namespace, that dumps run on while another dump runs
 *                    (the kernel runs one dump per socket at a time); 0 makes dumps wait for each other
 * @param receiveTrace shown every datagram the connection's sockets receive, or null (the default): for
 *                     debugging tools, such as {@code bin/ynl --dbg-small-recv}
 */
public record ConnectionOptions(int sendBufferSize, int receiveBufferSize, int socketReceiveBufferSize,
                                int maxPendingNotifications, int maxCallsInFlight, int dumpSockets,
                                ReceiveTrace receiveTrace) {

    /**
     * The smallest receive buffer: the kernel allocates every message with room for at least a page less its
     * own bookkeeping, so with less most replies arrive truncated (the kernel's {@code cli.py} has the same floor).
     */
    public static final int MIN_RECEIVE_BUFFER_SIZE = 4000;

    /**
     * 16 KiB send buffer, 64 KiB receive buffer, system default SO_RCVBUF, 4096 pending notifications, 32
     * calls in flight, 2 extra sockets for dumps.
     */
    public static ConnectionOptions defaults() {
        return new ConnectionOptions(16 * 1024, 64 * 1024, 0, 4096, 32, 2, null);
    }

    /** The sizes and limits, with no receive trace. */
    public ConnectionOptions(int sendBufferSize, int receiveBufferSize, int socketReceiveBufferSize,
                             int maxPendingNotifications, int maxCallsInFlight, int dumpSockets) {
        this(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications, maxCallsInFlight,
                dumpSockets, null);
    }

    /** The sizes, with the default limits of {@link #defaults()}. */
    public ConnectionOptions(int sendBufferSize, int receiveBufferSize, int socketReceiveBufferSize,
                             int maxPendingNotifications) {
        this(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications, 32, 2, null);
    }

    public ConnectionOptions {
        if (sendBufferSize < MessageHeader.GENL_PAYLOAD + 64) {
            throw new IllegalArgumentException("sendBufferSize " + sendBufferSize + " is too small (min "
                    + (MessageHeader.GENL_PAYLOAD + 64) + ")");
        }
        if (receiveBufferSize < MIN_RECEIVE_BUFFER_SIZE) {
            throw new IllegalArgumentException("receiveBufferSize " + receiveBufferSize
                    + " is too small (min " + MIN_RECEIVE_BUFFER_SIZE + ")");
        }
        if (socketReceiveBufferSize < 0) {
            throw new IllegalArgumentException("socketReceiveBufferSize must be >= 0, got "
                    + socketReceiveBufferSize);
        }
        if (maxPendingNotifications < 0) {
            throw new IllegalArgumentException("maxPendingNotifications must be >= 0, got "
                    + maxPendingNotifications);
        }
        if (maxCallsInFlight < 1) {
            throw new IllegalArgumentException("maxCallsInFlight must be >= 1, got " + maxCallsInFlight);
        }
        if (dumpSockets < 0 || dumpSockets > 64) {
            throw new IllegalArgumentException("dumpSockets must be 0..64, got " + dumpSockets);
        }
    }

    public ConnectionOptions withSendBufferSize(int bytes) {
        return new ConnectionOptions(bytes, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications,
                maxCallsInFlight, dumpSockets, receiveTrace);
    }

    public ConnectionOptions withReceiveBufferSize(int bytes) {
        return new ConnectionOptions(sendBufferSize, bytes, socketReceiveBufferSize, maxPendingNotifications,
                maxCallsInFlight, dumpSockets, receiveTrace);
    }

    public ConnectionOptions withSocketReceiveBufferSize(int bytes) {
        return new ConnectionOptions(sendBufferSize, receiveBufferSize, bytes, maxPendingNotifications,
                maxCallsInFlight, dumpSockets, receiveTrace);
    }

    public ConnectionOptions withMaxPendingNotifications(int count) {
        return new ConnectionOptions(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, count,
                maxCallsInFlight, dumpSockets, receiveTrace);
    }

    public ConnectionOptions withMaxCallsInFlight(int count) {
        return new ConnectionOptions(sendBufferSize, receiveBufferSize, socketReceiveBufferSize,
                maxPendingNotifications, count, dumpSockets, receiveTrace);
    }

    public ConnectionOptions withDumpSockets(int count) {
        return new ConnectionOptions(sendBufferSize, receiveBufferSize, socketReceiveBufferSize,
                maxPendingNotifications, maxCallsInFlight, count, receiveTrace);
    }

    /** These options with {@code trace} shown every datagram received (null for none). */
    public ConnectionOptions withReceiveTrace(ReceiveTrace trace) {
        return new ConnectionOptions(sendBufferSize, receiveBufferSize, socketReceiveBufferSize,
                maxPendingNotifications, maxCallsInFlight, dumpSockets, trace);
    }
}
