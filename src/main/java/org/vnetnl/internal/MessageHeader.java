package org.vnetnl.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.libnl.genlmsghdr;
import org.vnetnl.internal.libnl.nlmsgerr;
import org.vnetnl.internal.libnl.nlmsghdr;

/**
 * Reads and writes the fixed netlink and generic netlink headers in place, at any offset of a buffer. Field
 * offsets come from the layouts jextract generated from {@code <linux/netlink.h>} and
 * {@code <linux/genetlink.h>}; the generated per-field accessors only work on a segment that starts at the
 * struct, which would need a slice (an object) per message on the hot path.
 *
 * <p>Unaligned accesses: messages are 4-byte aligned in kernel buffers but a fuzzer or a copied message may
 * put them anywhere, and unaligned loads cost nothing extra on the platforms the FFM API supports.
 */
public final class MessageHeader {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    public static final int LENGTH = (int) nlmsghdr.nlmsg_len$offset();
    public static final int TYPE = (int) nlmsghdr.nlmsg_type$offset();
    public static final int FLAGS = (int) nlmsghdr.nlmsg_flags$offset();
    public static final int SEQUENCE = (int) nlmsghdr.nlmsg_seq$offset();
    public static final int PORT_ID = (int) nlmsghdr.nlmsg_pid$offset();

    public static final int GENL_COMMAND = NetlinkAlignment.NLMSG_HDRLEN + (int) genlmsghdr.cmd$offset();
    public static final int GENL_VERSION = NetlinkAlignment.NLMSG_HDRLEN + (int) genlmsghdr.version$offset();
    public static final int GENL_RESERVED = NetlinkAlignment.NLMSG_HDRLEN + (int) genlmsghdr.reserved$offset();
    /** Where a generic netlink message's family header, or its attributes when it has none, begin. */
    public static final int GENL_PAYLOAD = NetlinkAlignment.NLMSG_HDRLEN + NetlinkAlignment.GENL_HDRLEN;

    /** NLMSG_ERROR payload: the negative errno, then the header (and, unless capped, body) of the request. */
    public static final int ERROR_CODE = NetlinkAlignment.NLMSG_HDRLEN + (int) nlmsgerr.error$offset();
    public static final int ERROR_REQUEST = NetlinkAlignment.NLMSG_HDRLEN + (int) nlmsgerr.msg$offset();

    private MessageHeader() {}

    public static int length(MemorySegment segment, long message) {
        return segment.get(JAVA_INT_UNALIGNED, message + LENGTH);
    }

    public static int type(MemorySegment segment, long message) {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT_UNALIGNED, message + TYPE));
    }

    public static int flags(MemorySegment segment, long message) {
        return Short.toUnsignedInt(segment.get(JAVA_SHORT_UNALIGNED, message + FLAGS));
    }

    public static int sequence(MemorySegment segment, long message) {
        return segment.get(JAVA_INT_UNALIGNED, message + SEQUENCE);
    }

    public static int portId(MemorySegment segment, long message) {
        return segment.get(JAVA_INT_UNALIGNED, message + PORT_ID);
    }

    public static int command(MemorySegment segment, long message) {
        return Byte.toUnsignedInt(segment.get(JAVA_BYTE, message + GENL_COMMAND));
    }

    public static int version(MemorySegment segment, long message) {
        return Byte.toUnsignedInt(segment.get(JAVA_BYTE, message + GENL_VERSION));
    }

    public static void setLength(MemorySegment segment, long message, int length) {
        segment.set(JAVA_INT_UNALIGNED, message + LENGTH, length);
    }

    public static void setSequence(MemorySegment segment, long message, int sequence) {
        segment.set(JAVA_INT_UNALIGNED, message + SEQUENCE, sequence);
    }

    /** Writes a netlink header alone (netlink-raw); the length is filled in when the message is done. */
    public static void writeNetlink(MemorySegment segment, long message, int type, int flags, int sequence,
                                    int portId) {
        segment.set(JAVA_INT_UNALIGNED, message + LENGTH, NetlinkAlignment.NLMSG_HDRLEN);
        segment.set(JAVA_SHORT_UNALIGNED, message + TYPE, (short) type);
        segment.set(JAVA_SHORT_UNALIGNED, message + FLAGS, (short) flags);
        segment.set(JAVA_INT_UNALIGNED, message + SEQUENCE, sequence);
        segment.set(JAVA_INT_UNALIGNED, message + PORT_ID, portId);
    }

    /** Writes a netlink header and a generic netlink header; the length is filled in when the message is done. */
    public static void writeGenl(MemorySegment segment, long message, int type, int flags, int sequence,
                                 int portId, int command, int version) {
        segment.set(JAVA_INT_UNALIGNED, message + LENGTH, GENL_PAYLOAD);
        segment.set(JAVA_SHORT_UNALIGNED, message + TYPE, (short) type);
        segment.set(JAVA_SHORT_UNALIGNED, message + FLAGS, (short) flags);
        segment.set(JAVA_INT_UNALIGNED, message + SEQUENCE, sequence);
        segment.set(JAVA_INT_UNALIGNED, message + PORT_ID, portId);
        segment.set(JAVA_BYTE, message + GENL_COMMAND, (byte) command);
        segment.set(JAVA_BYTE, message + GENL_VERSION, (byte) version);
        segment.set(JAVA_SHORT_UNALIGNED, message + GENL_RESERVED, (short) 0);
    }
}
