package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;

/**
 * Opens the sockets of a connection, each in a shared arena of its own (so that the last thread to leave a call,
 * or the Cleaner, may free it), and registers its release with the Cleaner under the connection: a connection
 * nobody closed frees its sockets once it is unreachable.
 */
final class Sockets {

    /** A socket and the one way to free it (idempotent). */
    record Opened(NetlinkSocket socket, Cleaner.Cleanable release) {}

    /** Frees a socket and its arena; refers to no connection, so the Cleaner can run it. */
    private record Release(NetlinkSocket socket, Arena arena) implements Runnable {
        @Override
        public void run() {
            try {
                socket.close();
            } finally {
                arena.close();
            }
        }
    }

    private Sockets() {}

    static Opened open(GenlConnection owner, SocketOpener opener, ConnectionOptions options)
            throws NetlinkException {
        Arena arena = Arena.ofShared();
        NetlinkSocket socket;
        try {
            socket = opener.open(arena, options);
            if (options.receiveTrace() != null) {
                socket = new TracedSocket(socket, options.receiveTrace());
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        return new Opened(socket, GenlConnection.CLEANER.register(owner, new Release(socket, arena)));
    }
}
