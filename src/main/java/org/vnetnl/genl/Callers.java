package org.vnetnl.genl;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands each thread that uses a connection its {@link Caller}, and gives the Caller of a thread that has ended to
 * the next new thread: a service that starts a virtual thread per request then holds as many buffers as threads
 * run at once, not one per thread it ever started. A view the ended thread handed out fails once its bytes are
 * reused, as after any next call.
 */
final class Callers {

    private final GenlConnection.Options options;
    private final int portId;
    /**
     * Each thread's Caller, held weakly: a thread's map keeps a value until it happens to expunge the entry of a
     * collected ThreadLocal, so a strong value would keep the native buffers of every connection a long-lived
     * thread ever opened. {@link #all} holds the Callers for as long as the connection is reachable.
     */
    private final ThreadLocal<WeakReference<Caller>> own = new ThreadLocal<>();
    /** Every Caller made, with the thread it belongs to (cleared once that thread is gone). */
    private final List<Caller> all = new ArrayList<>();
    private final List<WeakReference<Thread>> owners = new ArrayList<>();

    Callers(GenlConnection.Options options, int portId) {
        this.options = options;
        this.portId = portId;
    }

    /** The calling thread's Caller. */
    Caller get() {
        WeakReference<Caller> mine = own.get();
        Caller caller = mine == null ? null : mine.get();
        if (caller == null) {
            caller = assign();
            own.set(new WeakReference<>(caller));
        }
        return caller;
    }

    int made() {
        synchronized (all) {
            return all.size();
        }
    }

    /** A new thread's Caller: one whose thread ended, else a new one. */
    private Caller assign() {
        Thread self = Thread.currentThread();
        synchronized (all) {
            for (int i = 0; i < all.size(); i++) {
                Thread owner = owners.get(i).get();
                if (owner == null || !owner.isAlive()) {
                    owners.set(i, new WeakReference<>(self));
                    Caller reused = all.get(i);
                    reused.generation.advance();
                    reused.inDump = false;
                    return reused;
                }
            }
            Caller made = new Caller(options, portId);
            all.add(made);
            owners.add(new WeakReference<>(self));
            return made;
        }
    }
}
