package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.Syscalls;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Opens a connection whose socket lives in another network namespace. A netlink socket stays in the namespace it
 * was created in, so only its creation needs the namespace: that runs on a platform thread made for it, which
 * enters the namespace ({@code setns}), opens the socket and ends. The calling thread, platform or virtual, never
 * changes namespace, and nothing has to find its way back.
 */
final class NamespaceOpener {

    /** Opens the socket: runs on the thread inside the namespace. */
    @FunctionalInterface
    interface Open<T> {
        T open() throws NetlinkException;
    }

    private NamespaceOpener() {}

    /**
     * The path of network namespace {@code namespace}: a name created with {@code ip netns add} (in /run/netns),
     * or a path such as {@code /proc/PID/ns/net} as it is.
     *
     * @throws IllegalArgumentException if {@code namespace} is empty or contains a NUL character
     */
    static String path(String namespace) {
        java.util.Objects.requireNonNull(namespace, "namespace");
        if (namespace.isEmpty() || namespace.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a network namespace name or path is not empty and has no NUL"
                    + " character, got \"" + namespace.replace("\0", "\\0") + "\"");
        }
        return namespace.indexOf('/') >= 0 ? namespace : "/run/netns/" + namespace;
    }

    /** Opens what {@code open} makes on a thread inside the namespace at {@code path}. */
    static <T extends AutoCloseable> T open(String path, Open<T> open) throws NetlinkException {
        Object[] outcome = new Object[1];
        Thread opener = Thread.ofPlatform().name("vnet-nl open in " + path).unstarted(() -> {
            try {
                outcome[0] = enterAndOpen(path, open);
            } catch (NetlinkException | RuntimeException | Error e) {
                outcome[0] = e;
            }
        });
        opener.start();
        try {
            opener.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The opener still runs: close what it opens, once it is done.
            Thread.ofVirtual().start(() -> {
                try {
                    opener.join();
                } catch (InterruptedException ignored) {
                    // the Cleaner frees a connection nobody closed
                }
                if (outcome[0] instanceof AutoCloseable orphan) {
                    try {
                        orphan.close();
                    } catch (Exception ignored) {
                        // closing what nobody will use; nothing to report to
                    }
                }
            });
            throw new NetlinkCancelledException("open a connection in network namespace " + path, 0, false);
        }
        if (outcome[0] instanceof NetlinkException e) {
            throw e;
        }
        if (outcome[0] instanceof RuntimeException e) {
            throw e;
        }
        if (outcome[0] instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T opened = (T) outcome[0];
        return opened;
    }

    private static <T> T enterAndOpen(String path, Open<T> open) throws NetlinkException {
        String operation = "enter network namespace " + path;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment errno = Syscalls.allocateErrnoState(scratch);
            int target = Syscalls.open(errno, scratch.allocateFrom(path), LibNl.O_RDONLY() | LibNl.O_CLOEXEC());
            if (target < 0) {
                int error = Syscalls.errno(errno);
                throw new NetlinkException(error, operation, 0, error == Errno.ENOENT
                        ? "no such network namespace (create one with: ip netns add NAME)"
                        : "cannot open the namespace");
            }
            try {
                if (Syscalls.setns(errno, target, LibNl.CLONE_NEWNET()) < 0) {
                    int error = Syscalls.errno(errno);
                    throw new NetlinkException(error, operation, 0, error == Errno.EINVAL
                            ? "not a network namespace" : error == Errno.EPERM
                                    ? "setns failed (entering a network namespace needs CAP_SYS_ADMIN)"
                                    : "setns failed");
                }
            } finally {
                Syscalls.close(errno, target);
            }
            return open.open();
        }
    }
}
