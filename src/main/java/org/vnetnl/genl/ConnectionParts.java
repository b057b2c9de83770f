package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.ref.Cleaner;

/**
 * What a connection is made of, opened together and freed together: its socket with the exchange that reads it,
 * the buffers of the threads that use it (freed with the socket once the last call has left it, or by the
 * Cleaner for a connection nobody closed), and the extra sockets its dumps run on.
 */
record ConnectionParts(Exchange exchange, Callers callers, DumpSockets dumpSockets) {

    /**
     * Opens the socket of {@code owner} and makes its parts; the extra dump sockets open on first need.
     *
     * @param namespace the network namespace path the dump sockets are opened in, null for this thread's
     */
    static ConnectionParts open(GenlConnection owner, ConnectionOptions options, SocketOpener opener,
                                String namespace) throws NetlinkException {
        Sockets.Opened opened = Sockets.open(owner, opener, options);
        int port = opened.socket().portId();
        Callers callers = new Callers(options, port);
        Cleaner.Cleanable callersRelease = GenlConnection.CLEANER.register(owner, callers::free);
        Exchange exchange = new Exchange(opened.socket(), options.maxPendingNotifications(),
                options.maxCallsInFlight(), () -> {
                    opened.release().clean();
                    callersRelease.clean();
                }, () -> new Caller(options, port, Arena.ofAuto()));
        DumpSockets dumpSockets = new DumpSockets(options.dumpSockets(), namespace == null
                ? () -> openDumpSocket(owner, options, opener)
                : () -> NamespaceOpener.open(namespace, () -> openDumpSocket(owner, options, opener)));
        return new ConnectionParts(exchange, callers, dumpSockets);
    }

    /**
     * Closes the connection's socket (calls still waiting end, and it is freed once the last has left) and its
     * extra dump sockets.
     */
    void close() {
        exchange.close();
        dumpSockets.close();
    }

    /** Opens one more socket with an exchange of its own, for dumps (see {@link DumpSockets}). */
    private static Exchange openDumpSocket(GenlConnection owner, ConnectionOptions options, SocketOpener opener)
            throws NetlinkException {
        Sockets.Opened opened = Sockets.open(owner, opener, options);
        return new Exchange(opened.socket(), options.maxPendingNotifications(), options.maxCallsInFlight(),
                opened.release()::clean, () -> {
                    throw new IllegalStateException("a dump socket has no async calls");
                });
    }
}
