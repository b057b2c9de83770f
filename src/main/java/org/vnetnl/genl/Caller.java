package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What one thread uses on one connection: the buffer it builds its requests in, the buffer its replies land in,
 * the views it hands out over them, and its reusable wait. Made the first time a thread uses the connection, so
 * threads never share a request or a reply buffer, and a thread's hot path allocates nothing.
 *
 * <p>Its memory belongs to the arena it is given: a thread's Caller gets a shared arena that the connection
 * closes once the last thread has left its call (or the Cleaner, for a connection nobody closed), so that closing
 * frees the memory at once; a view read after that throws {@link IllegalStateException}. The async pump's Caller
 * gets an automatic one.
 */
final class Caller {

    /** Room kept after the receive buffer for the acknowledgement read behind a reply. */
    static final int ACK_ROOM = 4096;
    /** The controller's requests: a family name or a family id and a command. */
    private static final int CONTROLLER_REQUEST_SIZE = 256;

    final Request request;
    final Request controllerRequest;
    final MemorySegment receiveBuffer;
    final int receiveCapacity;
    /** Invalidates the views over {@link #receiveBuffer} whenever it is about to be reused. */
    final BufferGeneration generation = new BufferGeneration();
    final DatagramCursor cursor = new DatagramCursor();
    final Call call;
    final NotificationWait notificationWait;
    private final Arena arena;
    /** Where a leader reads others' datagrams while its own reply waits in {@link #receiveBuffer} for its ACK. */
    private MemorySegment spare;
    /** Whether a dump handler of this thread runs, which must not start another request on this connection. */
    boolean inDump;
    /**
     * The kernel's message on the success of this thread's last call or dump (NLMSGERR_ATTR_MSG on its
     * acknowledgement or NLMSG_DONE), or null. Written by whichever thread read that message, before the call's
     * completion hands it over.
     */
    volatile String warning;

    Caller(ConnectionOptions options, int portId, Arena arena) {
        this.arena = arena;
        this.request = new Request(arena.allocate(options.sendBufferSize(), 8));
        this.controllerRequest = new Request(arena.allocate(CONTROLLER_REQUEST_SIZE, 8));
        this.receiveCapacity = options.receiveBufferSize();
        this.receiveBuffer = arena.allocate(receiveCapacity + (long) ACK_ROOM, 8);
        this.call = new Call(this, portId);
        this.notificationWait = new NotificationWait(this);
    }

    MemorySegment spare() {
        if (spare == null) {
            spare = arena.allocate(receiveCapacity, 8);
        }
        return spare;
    }

    /** Frees its memory; only once no thread is inside a call with it. */
    void free() {
        try {
            arena.close();
        } catch (IllegalStateException | UnsupportedOperationException e) {
            // Already closed, or an automatic arena: the garbage collector frees it.
        }
    }
}
