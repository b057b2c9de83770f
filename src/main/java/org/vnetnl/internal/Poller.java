package org.vnetnl.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Readiness of netlink sockets for the threads that wait on them, without any of those threads blocking in a
 * native call: a waiting thread registers its descriptor and parks; one daemon platform thread blocks in
 * {@code epoll_wait} over every registered descriptor and unparks the thread whose socket became readable. A
 * parked virtual thread leaves its carrier free (a blocking {@code recvmsg} would pin it), and a parked thread of
 * either kind ends its wait on {@link Thread#interrupt()} or {@link LockSupport#unpark}: that is how a blocked
 * receive is cancelled. This is the design of the JDK's own poller for virtual threads.
 *
 * <p>Registrations are one-shot ({@code EPOLLONESHOT}): each wait re-arms its descriptor with one
 * {@code epoll_ctl}, and an event wakes at most one wait. A wake-up that arrives after its wait ended (the
 * descriptor was readable, the wait timed out) is harmless: waits re-check and may return early by contract.
 */
public final class Poller {

    // <sys/epoll.h>: the same values on every Linux architecture.
    private static final int EPOLLIN = 0x001;
    private static final int EPOLLONESHOT = 1 << 30;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EEXIST = 17;
    private static final int ENOENT = 2;

    /** {@code struct epoll_event} is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16 bytes). */
    private static final boolean PACKED = "amd64".equals(System.getProperty("os.arch"))
            || "x86_64".equals(System.getProperty("os.arch"));
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;
    private static final int MAX_EVENTS = 64;

    private static final class Holder {
        static final Poller INSTANCE = new Poller();
    }

    /** Whether the poller runs; sockets that never waited are closed without starting it. */
    private static volatile boolean started;

    private final int epollFd;
    private final ConcurrentHashMap<Integer, Thread> waiters = new ConcurrentHashMap<>();
    /** For epoll_ctl from any thread: the registering thread's own event and errno segments. */
    private final ThreadLocal<MemorySegment[]> scratch = ThreadLocal.withInitial(() -> {
        Arena arena = Arena.ofAuto();
        return new MemorySegment[] {arena.allocate(EVENT_SIZE, 8), Syscalls.allocateErrnoState(arena)};
    });

    private Poller() {
        Arena arena = Arena.global();
        MemorySegment errno = Syscalls.allocateErrnoState(arena);
        epollFd = Syscalls.epollCreate1(errno, 02000000 /* EPOLL_CLOEXEC = O_CLOEXEC */);
        if (epollFd < 0) {
            throw new IllegalStateException("epoll_create1 failed: " + Errno.name(Syscalls.errno(errno)));
        }
        MemorySegment events = arena.allocate(EVENT_SIZE * MAX_EVENTS, 8);
        Thread thread = Thread.ofPlatform().daemon().name("vnet-nl poller").unstarted(() -> run(events, errno));
        thread.start();
        started = true;
    }

    /** The process-wide poller, started on first use. */
    public static Poller get() {
        return Holder.INSTANCE;
    }

    /**
     * Arms {@code fd} so that the calling thread is unparked when it becomes readable (at once if it already is).
     *
     * @return 0, or {@code -errno} of a failed {@code epoll_ctl}
     */
    public int arm(int fd) {
        waiters.put(fd, Thread.currentThread());
        MemorySegment[] own = scratch.get();
        MemorySegment event = own[0];
        event.set(JAVA_INT_UNALIGNED, 0, EPOLLIN | EPOLLONESHOT);
        event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, fd);
        if (Syscalls.epollCtl(own[1], epollFd, EPOLL_CTL_MOD, fd, event) == 0) {
            return 0;
        }
        int errno = Syscalls.errno(own[1]);
        if (errno == ENOENT && Syscalls.epollCtl(own[1], epollFd, EPOLL_CTL_ADD, fd, event) == 0) {
            return 0;
        }
        errno = Syscalls.errno(own[1]);
        return errno == EEXIST ? 0 : -errno;
    }

    /** Forgets {@code fd}; called before the descriptor is closed, so a reused number never inherits a wait. */
    public static void forget(int fd) {
        if (!started) {
            return;
        }
        Poller poller = Holder.INSTANCE;
        if (poller.waiters.remove(fd) != null) {
            MemorySegment[] own = poller.scratch.get();
            Syscalls.epollCtl(own[1], poller.epollFd, EPOLL_CTL_DEL, fd, own[0]);
        }
    }

    private void run(MemorySegment events, MemorySegment errno) {
        while (true) {
            int count = Syscalls.epollWait(errno, epollFd, events, MAX_EVENTS, -1);
            for (int i = 0; i < count; i++) {
                int fd = (int) events.get(JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
                Thread waiter = waiters.get(fd);
                if (waiter != null) {
                    LockSupport.unpark(waiter);
                }
            }
        }
    }
}
