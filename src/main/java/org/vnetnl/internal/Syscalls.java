package org.vnetnl.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Hand-written downcalls for the socket calls whose failures must be told apart by errno (EAGAIN is a timeout,
 * EINTR a retry, ENOBUFS a lost notification). jextract cannot generate errno capture, and reading errno through
 * a later call would race with the JVM's own native calls, so each handle captures errno into a segment the
 * caller owns: one per connection, never a shared static one, so connections on different threads never see
 * each other's errno.
 *
 * <p>None of these use {@code Linker.Option.critical}, which would save the thread-state transition (some ten
 * nanoseconds of a round trip of microseconds) at the price of holding off every safepoint, and with it every
 * garbage collection of the JVM, for as long as the call runs. None of them is short for sure: {@code send}
 * runs the family's request handler in the sending thread, and handlers sleep on locks ({@code genl_mutex} for
 * families without parallel operations, {@code rtnl_lock} for most device families) for as long as another
 * holder keeps them; {@code recv} and {@code recvmsg} never wait ({@code MSG_DONTWAIT}), but while a dump runs
 * on the socket they continue it in the reading thread ({@code netlink_recvmsg} calls {@code netlink_dump},
 * which runs the dump handler under the same locks); {@code epoll_wait} blocks. Connections wait for readiness
 * through {@link Poller}.
 */
public final class Syscalls {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // size_t and ssize_t are 64-bit on every Linux target the FFM API supports (x86_64, aarch64, riscv64, ppc64le).
    private static final MethodHandle CONNECT = errnoCapturing("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = errnoCapturing("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // The buffer is passed as a raw address: the receive buffer's position changes per read, and a slice of it
    // would be an object per read.
    private static final MethodHandle RECV = errnoCapturing("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMSG = errnoCapturing("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    // recvmmsg's vlen is unsigned int; the timeout pointer is always NULL (the socket is read with MSG_DONTWAIT).
    private static final MethodHandle RECVMMSG = errnoCapturing("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETSOCKOPT = errnoCapturing("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    // open(2) is variadic; the mode argument is only read with O_CREAT, which is never passed here.
    private static final MethodHandle OPEN = errnoCapturing("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = errnoCapturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = errnoCapturing("setns",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private static final MethodHandle EPOLL_CREATE1 = errnoCapturing("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = errnoCapturing("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = errnoCapturing("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

    // libnl's genl_connect reports a failing socket() or bind() as a libnl code that loses the errno (EMFILE
    // becomes NLE_FAILURE, "Unspecific failure"); captured right after the call, errno still says what happened.
    private static final MethodHandle GENL_CONNECT = errnoCapturing(
            SymbolLookup.libraryLookup("libnl-genl-3.so.200", Arena.global()), "genl_connect",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    // libnl's nl_connect: socket() and bind() of a netlink socket of any protocol (genl_connect is it for
    // NETLINK_GENERIC); like genl_connect, its failures lose the errno, captured here.
    private static final MethodHandle NL_CONNECT = errnoCapturing(
            SymbolLookup.libraryLookup("libnl-3.so.200", Arena.global()), "nl_connect",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    private Syscalls() {}

    private static MethodHandle errnoCapturing(String name, FunctionDescriptor descriptor,
                                               Linker.Option... options) {
        return errnoCapturing(LINKER.defaultLookup(), name, descriptor, options);
    }

    private static MethodHandle errnoCapturing(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                                               Linker.Option... options) {
        MemorySegment symbol = lookup.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        Linker.Option[] all = java.util.Arrays.copyOf(options, options.length + 1);
        all[options.length] = Linker.Option.captureCallState("errno");
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    /** Allocates the segment a connection passes to every call here to receive errno. */
    public static MemorySegment allocateErrnoState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno captured by the last failing call made with {@code state}. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    public static int connect(MemorySegment errnoState, int fd, MemorySegment address, int addressLength) {
        try {
            return (int) CONNECT.invokeExact(errnoState, fd, address, addressLength);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code send(2)} on a connected socket: to its peer, without an address per call. */
    public static long send(MemorySegment errnoState, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) SEND.invokeExact(errnoState, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code recv(2)} into {@code length} bytes at native address {@code address}, which the caller has checked
     * lies inside memory it owns and keeps alive for the call.
     */
    public static long recv(MemorySegment errnoState, int fd, long address, long length, int flags) {
        try {
            return (long) RECV.invokeExact(errnoState, fd, address, length, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recvmsg(MemorySegment errnoState, int fd, MemorySegment msghdr, int flags) {
        try {
            return (long) RECVMSG.invokeExact(errnoState, fd, msghdr, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads up to {@code count} datagrams into the {@code struct mmsghdr} vector {@code vector}, no timeout. */
    public static int recvmmsg(MemorySegment errnoState, int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(errnoState, fd, vector, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment errnoState, int fd, int level, int option, MemorySegment value,
                                 int valueLength) {
        try {
            return (int) SETSOCKOPT.invokeExact(errnoState, fd, level, option, value, valueLength);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(MemorySegment errnoState, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(errnoState, path, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment errnoState, int fd) {
        try {
            return (int) CLOSE.invokeExact(errnoState, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Moves the calling OS thread into the namespace {@code fd} refers to. */
    public static int setns(MemorySegment errnoState, int fd, int namespaceType) {
        try {
            return (int) SETNS.invokeExact(errnoState, fd, namespaceType);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** libnl's {@code genl_connect}: a negative libnl code on failure, with errno captured into {@code errnoState}. */
    public static int genlConnect(MemorySegment errnoState, MemorySegment socket) {
        try {
            return (int) GENL_CONNECT.invokeExact(errnoState, socket);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int nlConnect(MemorySegment errnoState, MemorySegment socket, int protocol) {
        try {
            return (int) NL_CONNECT.invokeExact(errnoState, socket, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epollCreate1(MemorySegment errnoState, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(errnoState, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int epollCtl(MemorySegment errnoState, int epollFd, int operation, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(errnoState, epollFd, operation, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocks the calling (platform) thread until an event, a signal or {@code timeoutMillis} (-1: forever). */
    public static int epollWait(MemorySegment errnoState, int epollFd, MemorySegment events, int maxEvents,
                                int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(errnoState, epollFd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        // invokeExact on a downcall declares Throwable but native code cannot throw a checked exception.
        throw new IllegalStateException("unexpected exception from a native call", t);
    }
}
