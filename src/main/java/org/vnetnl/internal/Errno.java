package org.vnetnl.internal;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.libnl.LibNl;

/**
 * Symbolic names and texts of errno values, taken from the C library so they match what {@code strace} and
 * {@code perror} print on the same machine rather than a table copied into Java.
 */
public final class Errno {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    public static final int EPERM = LibNl.EPERM();
    public static final int ENOENT = LibNl.ENOENT();
    public static final int EINTR = LibNl.EINTR();
    public static final int EAGAIN = LibNl.EAGAIN();
    public static final int EINVAL = LibNl.EINVAL();
    public static final int ENOBUFS = LibNl.ENOBUFS();
    public static final int EMSGSIZE = LibNl.EMSGSIZE();
    public static final int EOPNOTSUPP = LibNl.EOPNOTSUPP();
    public static final int ETIMEDOUT = LibNl.ETIMEDOUT();
    public static final int EBADMSG = LibNl.EBADMSG();
    public static final int EPROTO = LibNl.EPROTO();

    private Errno() {}

    /** {@code "EINVAL"} for 22; {@code "errno 4242"} for a value the C library does not know. */
    public static String name(int errno) {
        // strerrorname_np (glibc >= 2.32) returns a static string, or NULL for an unknown value.
        MemorySegment name = LibNl.strerrorname_np(errno);
        return name.equals(MemorySegment.NULL) ? "errno " + errno : cString(name);
    }

    /** {@code "Invalid argument"} for 22; thread-safe, unlike strerror. */
    public static String description(int errno) {
        MemorySegment text = LibNl.strerrordesc_np(errno);
        return text.equals(MemorySegment.NULL) ? "Unknown error " + errno : cString(text);
    }

    private static String cString(MemorySegment pointer) {
        // The C library returns a zero-length pointer; its strings are short static NUL-terminated ones.
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
