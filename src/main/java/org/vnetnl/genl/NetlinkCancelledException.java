package org.vnetnl.genl;

/**
 * A blocking call of a {@link GenlConnection} ended before its answer came because it was cancelled: the waiting
 * thread was {@linkplain Thread#interrupt() interrupted} (its interrupt status stays set, as Java's convention
 * wants), or another thread {@linkplain GenlConnection#close() closed} the connection. No errno belongs to this,
 * so {@link #errno()} is 0.
 *
 * <p>After an interrupt the connection stays usable: a reply that arrives later is recognised by its sequence
 * number and discarded, and a dump left unfinished is read to its end before the next request. After a close it
 * is closed.
 */
public final class NetlinkCancelledException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final boolean closed;

    NetlinkCancelledException(String operation, int sequence, boolean closed) {
        super(0, operation, sequence, closed ? "the connection was closed by another thread while waiting"
                : "the waiting thread was interrupted");
        this.closed = closed;
    }

    /** Whether the wait ended because the connection was closed (rather than the thread interrupted). */
    public boolean byClose() {
        return closed;
    }
}
