package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands each thread that uses a connection its {@link Caller}, and gives the Caller of a thread that has ended to
 * the next new thread ({@link PerThread}): a service that starts a virtual thread per request then holds as many
 * buffers as threads run at once, not one per thread it ever started, and a long-lived thread that opened many
 * connections holds none of their buffers once they are unreachable. A view the ended thread handed out fails once
 * its bytes are reused, as after any next call.
 */
final class Callers {

    private final PerThread<Caller> own;
    private final AtomicBoolean freed = new AtomicBoolean();

    Callers(ConnectionOptions options, int portId) {
        own = new PerThread<>(() -> new Caller(options, portId, Arena.ofShared()), reused -> {
            reused.generation.advance();
            reused.inDump = false;
        });
    }

    /** The calling thread's Caller. */
    Caller get() {
        return own.get();
    }

    int made() {
        return own.made();
    }

    /**
     * Frees every Caller's memory, once: run by the connection when the last thread has left its call after
     * close, or by the Cleaner; it refers to no connection, so that the Cleaner can run it.
     */
    void free() {
        if (freed.compareAndSet(false, true)) {
            for (Caller caller : own.all()) {
                caller.free();
            }
        }
    }
}
