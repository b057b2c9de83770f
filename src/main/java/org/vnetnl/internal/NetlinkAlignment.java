package org.vnetnl.internal;

/**
 * Netlink alignment rules and fixed header sizes, for the code that encodes and decodes netlink messages
 * in plain Java.
 *
 * <p>Why these are written by hand instead of taken from the generated bindings:
 * <ul>
 *   <li>{@code NLA_ALIGN(len)} and {@code NLMSG_ALIGN(len)} are function-like C macros, which jextract does
 *       not translate at all; {@link #nlaAlign(int)} and {@link #nlmsgAlign(int)} are their equivalents.</li>
 *   <li>{@code NLA_HDRLEN}, {@code NLMSG_HDRLEN} and {@code GENL_HDRLEN} are defined through those macros
 *       (for example {@code NLA_ALIGN(sizeof(struct nlattr))}). jextract evaluates them, but emits them
 *       into {@code LibNl}, whose static initializer opens the libnl shared libraries. Referencing
 *       {@code LibNl} for a constant would make the attribute codec, which never calls native code, fail
 *       to load on a machine without libnl and require native access. The values are repeated here and a
 *       test checks them against the generated ones.</li>
 * </ul>
 * All of them are part of the stable netlink ABI, unchanged since netlink was introduced, and independent
 * of the architecture: every netlink header consists of naturally aligned 8-, 16- and 32-bit fields.
 */
public final class NetlinkAlignment {

    /** Alignment of netlink attributes ({@code NLA_ALIGNTO}), in bytes. */
    public static final int NLA_ALIGNTO = 4;

    /** Alignment of netlink messages ({@code NLMSG_ALIGNTO}), in bytes. */
    public static final int NLMSG_ALIGNTO = 4;

    /** Size of {@code struct nlattr} once aligned ({@code NLA_HDRLEN}): 16-bit length plus 16-bit type. */
    public static final int NLA_HDRLEN = 4;

    /**
     * Size of {@code struct nlmsghdr} once aligned ({@code NLMSG_HDRLEN}): length, type, flags, sequence
     * number and port id.
     */
    public static final int NLMSG_HDRLEN = 16;

    /** Size of {@code struct genlmsghdr} once aligned ({@code GENL_HDRLEN}): command, version, reserved. */
    public static final int GENL_HDRLEN = 4;

    private NetlinkAlignment() {
    }

    /**
     * Rounds {@code length} up to the attribute alignment, like {@code NLA_ALIGN}.
     *
     * @param length a non-negative byte count
     * @return the smallest multiple of {@value #NLA_ALIGNTO} that is at least {@code length}
     */
    public static int nlaAlign(int length) {
        return (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
    }

    /**
     * Rounds {@code length} up to the attribute alignment, like {@code NLA_ALIGN}, for 64-bit offsets.
     *
     * @param length a non-negative byte count or offset
     * @return the smallest multiple of {@value #NLA_ALIGNTO} that is at least {@code length}
     */
    public static long nlaAlign(long length) {
        return (length + NLA_ALIGNTO - 1) & ~(long) (NLA_ALIGNTO - 1);
    }

    /**
     * Rounds {@code length} up to the message alignment, like {@code NLMSG_ALIGN}.
     *
     * @param length a non-negative byte count
     * @return the smallest multiple of {@value #NLMSG_ALIGNTO} that is at least {@code length}
     */
    public static int nlmsgAlign(int length) {
        return (length + NLMSG_ALIGNTO - 1) & ~(NLMSG_ALIGNTO - 1);
    }

    /**
     * Rounds {@code length} up to the message alignment, like {@code NLMSG_ALIGN}, for 64-bit offsets.
     *
     * @param length a non-negative byte count or offset
     * @return the smallest multiple of {@value #NLMSG_ALIGNTO} that is at least {@code length}
     */
    public static long nlmsgAlign(long length) {
        return (length + NLMSG_ALIGNTO - 1) & ~(long) (NLMSG_ALIGNTO - 1);
    }
}
