package org.vnetnl.genl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The extra sockets of a connection that dumps run on while another dump runs on the connection's own socket:
 * the kernel runs one dump per socket at a time (a second one gets EBUSY). Each has an {@link Exchange} of its
 * own; they are opened on first need, up to {@code ConnectionOptions.dumpSockets}, in the connection's network namespace,
 * and closed with the connection.
 */
final class DumpSockets implements AutoCloseable {

    /** Opens one more socket, with its exchange. */
    @FunctionalInterface
    interface Opener {
        Exchange open() throws NetlinkException;
    }

    private final int limit;
    private final Opener opener;
    private final ArrayDeque<Exchange> idle = new ArrayDeque<>();
    private final List<Exchange> all = new ArrayList<>();
    private int opening;
    private boolean closed;

    DumpSockets(int limit, Opener opener) {
        this.limit = limit;
        this.opener = opener;
    }

    /**
     * An idle extra socket, opened now if the pool is not full yet; {@code null} when all are busy.
     *
     * @throws NetlinkException if opening one failed (EMFILE, say)
     */
    Exchange acquire() throws NetlinkException {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the GenlConnection is closed");
            }
            if (!idle.isEmpty()) {
                return idle.pop();
            }
            if (all.size() + opening >= limit) {
                return null;
            }
            opening++;
        }
        Exchange opened = null;
        try {
            opened = opener.open();
        } finally {
            boolean late;
            synchronized (this) {
                opening--;
                late = closed;
                if (opened != null && !late) {
                    all.add(opened);
                }
            }
            if (opened != null && late) {
                opened.close();
                opened = null;
            }
        }
        if (opened == null) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        return opened;
    }

    void release(Exchange exchange) {
        synchronized (this) {
            if (!closed) {
                idle.push(exchange);
            }
        }
    }

    /** How many extra sockets are open. */
    synchronized int opened() {
        return all.size();
    }

    /** Closes every extra socket; dumps running on them end with {@link NetlinkCancelledException}. */
    @Override
    public void close() {
        List<Exchange> open;
        synchronized (this) {
            closed = true;
            open = List.copyOf(all);
            all.clear();
            idle.clear();
        }
        for (Exchange exchange : open) {
            exchange.close();
        }
    }
}
