package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;
import org.vnetnl.internal.libnl.cmsghdr;

/**
 * The wire rules for what the kernel sends back on a netlink socket, apart from the socket itself: the bounds of
 * each message in a datagram, the status carried by NLMSG_ERROR and NLMSG_DONE, the extended acknowledgement
 * that follows it, the request attribute an error points at, and the multicast group named by the ancillary data.
 * {@link GenlConnection} reads datagrams into its receive buffer and decides with these methods; keeping them
 * here, on plain segments, lets them be tested and fuzzed with arbitrary bytes.
 *
 * <p>The bytes come from the kernel but are treated as untrusted: no input makes these methods read outside the
 * range they are given. A violation of the format is a {@link MalformedMessageException}, which the connection
 * reports as EBADMSG for the request concerned. The methods used on the success path of a request
 * ({@link #messageLength}, {@link #errorCode}, {@link #doneStatus}, {@link #packetInfoGroup}) allocate nothing;
 * the ones that build an error do.
 */
final class ReplyParser {

    /**
     * The extended acknowledgement (NLMSGERR_ATTR_*) of an NLMSG_ERROR or NLMSG_DONE.
     *
     * @param message the kernel's text (NLMSGERR_ATTR_MSG), or a note that the acknowledgement was unreadable;
     *                null when there is neither
     * @param offset the offset in the request of the attribute the kernel rejected (NLMSGERR_ATTR_OFFS), or -1
     * @param missingType the type of an attribute the kernel reported missing (NLMSGERR_ATTR_MISS_TYPE), or -1
     * @param missingNest the offset in the request of the nest it is missing from (NLMSGERR_ATTR_MISS_NEST), or
     *                    -1 when it is missing from the top level
     * @param policy the policy the rejected attribute failed (NLMSGERR_ATTR_POLICY), or null
     */
    record ExtendedAck(String message, int offset, int missingType, int missingNest, FamilyPolicy.Rule policy) {
        static final ExtendedAck NONE = new ExtendedAck(null, -1, -1, -1, null);

        ExtendedAck(String message, int offset, int missingType) {
            this(message, offset, missingType, -1, null);
        }
    }

    private static final int NLMSGERR_ATTR_MISS_NEST = LibNl.NLMSGERR_ATTR_MISS_NEST();
    private static final int NLMSGERR_ATTR_POLICY = LibNl.NLMSGERR_ATTR_POLICY();

    /**
     * The request an error answers, as it was sent: needed to name the attribute the kernel points at.
     *
     * @param segment the bytes of the request, its netlink header at offset 0
     * @param attributesStart where its attributes begin (after the generic netlink and family headers)
     * @param length its length in bytes
     * @param schema its attribute policy, to name attributes by; may be null
     * @param operation how errors name the request
     * @param sequence its sequence number
     */
    record SentRequest(MemorySegment segment, int attributesStart, int length, AttributePolicy schema,
                       String operation, int sequence) implements OneRequestWait.Sent {
    }

    /**
     * An attribute of a sent request.
     *
     * @param type its type
     * @param enclosingType the type of the top-level attribute it is nested in, or -1 for a top-level attribute
     */
    record AttributeLocation(int type, int enclosingType) {
    }

    private static final long CMSG_HEADER_SIZE = cmsghdr.layout().byteSize();
    /** CMSG_DATA: the payload of a control message follows its header aligned to size_t. */
    private static final long CMSG_DATA_OFFSET = cmsgAlign(CMSG_HEADER_SIZE);

    private ReplyParser() {}

    /**
     * The length of the netlink message at {@code pos} of a datagram ending at {@code end}, checked to be at
     * least a header and to end within the datagram; the next message starts at the length aligned to 4.
     *
     * @throws MalformedMessageException if fewer bytes than a header remain or the declared length does not fit
     */
    static int messageLength(MemorySegment datagram, int pos, int end) {
        int length = wellFormedLength(datagram, pos, end);
        if (length < 0) {
            if (end - pos < NetlinkAlignment.NLMSG_HDRLEN) {
                throw new MalformedMessageException(pos, "datagram ends with " + (end - pos)
                        + " bytes, too few for a netlink header (offset " + pos + ")");
            }
            throw new MalformedMessageException(pos, "netlink message at offset " + pos + " declares "
                    + Integer.toUnsignedString(MessageHeader.length(datagram, pos)) + " bytes, " + (end - pos)
                    + " remain");
        }
        return length;
    }

    /**
     * As {@link #messageLength}, for callers that stop quietly at the first malformed message: -1 instead of an
     * exception.
     */
    static int wellFormedLength(MemorySegment datagram, int pos, int end) {
        if (end - pos < NetlinkAlignment.NLMSG_HDRLEN) {
            return -1;
        }
        int length = MessageHeader.length(datagram, pos);
        // Unsigned in the header: a negative int is a length beyond any datagram.
        return length < NetlinkAlignment.NLMSG_HDRLEN || length > end - pos ? -1 : length;
    }

    /**
     * The status of the NLMSG_ERROR at {@code pos}: 0 for an acknowledgement, otherwise a negative errno.
     *
     * @throws MalformedMessageException if the message is too short to hold the status and the echoed header
     */
    static int errorCode(MemorySegment datagram, int pos, int length) {
        if (length < MessageHeader.ERROR_REQUEST) {
            throw new MalformedMessageException(pos, "NLMSG_ERROR of " + length + " bytes is too short");
        }
        return datagram.get(JAVA_INT_UNALIGNED, pos + MessageHeader.ERROR_CODE);
    }

    /** The status of the NLMSG_DONE at {@code pos}: 0, or a negative errno when the dump failed part-way. */
    static int doneStatus(MemorySegment datagram, int pos, int length) {
        // Kernels always send the int; a bare header (older or foreign senders) means success.
        return length >= NetlinkAlignment.NLMSG_HDRLEN + Integer.BYTES
                ? datagram.get(JAVA_INT_UNALIGNED, pos + NetlinkAlignment.NLMSG_HDRLEN) : 0;
    }

    /**
     * Reads the extended acknowledgement of the NLMSG_ERROR or NLMSG_DONE at {@code pos}, whose {@code length}
     * {@link #messageLength} has checked. The TLVs are present only with NLM_F_ACK_TLVS; in NLMSG_ERROR they
     * follow the echoed request, which is just its header with NLM_F_CAPPED and the whole request otherwise, in
     * NLMSG_DONE the status int. A malformed acknowledgement does not hide the error it accompanies: what was
     * readable is kept and the problem is appended to the message.
     *
     * @throws IllegalArgumentException if the message is neither NLMSG_ERROR nor NLMSG_DONE
     */
    static ExtendedAck extendedAck(MemorySegment datagram, int pos, int length) {
        int type = MessageHeader.type(datagram, pos);
        int flags = MessageHeader.flags(datagram, pos);
        long tlvs;
        if (type == LibNl.NLMSG_ERROR()) {
            long echoed;
            if (length < MessageHeader.ERROR_REQUEST + NetlinkAlignment.NLMSG_HDRLEN) {
                echoed = length;
            } else if ((flags & LibNl.NLM_F_CAPPED()) != 0) {
                echoed = NetlinkAlignment.NLMSG_HDRLEN;
            } else {
                long requestLength = Integer.toUnsignedLong(MessageHeader.length(datagram,
                        pos + MessageHeader.ERROR_REQUEST));
                echoed = NetlinkAlignment.nlmsgAlign(requestLength);
            }
            tlvs = MessageHeader.ERROR_REQUEST + echoed;
        } else if (type == LibNl.NLMSG_DONE()) {
            tlvs = NetlinkAlignment.NLMSG_HDRLEN + Integer.BYTES;
        } else {
            throw new IllegalArgumentException("message type " + type + " is neither NLMSG_ERROR nor NLMSG_DONE");
        }
        if ((flags & LibNl.NLM_F_ACK_TLVS()) == 0 || tlvs >= length) {
            return ExtendedAck.NONE;
        }
        String text = null;
        int offset = -1;
        int missing = -1;
        int missingNest = -1;
        FamilyPolicy.Rule policy = null;
        AttributeReader reader = new AttributeReader().wrap(datagram, pos + tlvs, length - tlvs);
        try {
            while (reader.next()) {
                int attribute = reader.type();
                if (attribute == LibNl.NLMSGERR_ATTR_MSG()) {
                    text = reader.string();
                } else if (attribute == LibNl.NLMSGERR_ATTR_OFFS()) {
                    offset = reader.u32AsInt();
                } else if (attribute == LibNl.NLMSGERR_ATTR_MISS_TYPE()) {
                    missing = reader.u32AsInt();
                } else if (attribute == NLMSGERR_ATTR_MISS_NEST) {
                    missingNest = reader.u32AsInt();
                } else if (attribute == NLMSGERR_ATTR_POLICY) {
                    policy = FamilyPolicy.Parser.readRule(-1, reader.nested());
                }
            }
        } catch (MalformedMessageException e) {
            // Keep what was readable; the errno itself is what matters.
            text = (text == null ? "" : text + "; ") + "unreadable extended ack: " + e.getMessage();
        }
        return new ExtendedAck(text, offset, missing, missingNest, policy);
    }

    /**
     * Builds the exception for the kernel error {@code errno} carried by the NLMSG_ERROR or NLMSG_DONE at
     * {@code pos}: with its extended acknowledgement and, when the kernel points into the request, the type
     * (and, with a schema, the name) of the attribute there.
     */
    static NetlinkException kernelError(MemorySegment datagram, int pos, int length, int errno,
                                        SentRequest request) {
        ExtendedAck ack = extendedAck(datagram, pos, length);
        int attributeType = -1;
        String attributeName = null;
        int offset = ack.offset();
        if (offset >= request.attributesStart() && offset < request.length()) {
            AttributeLocation found = locateAttribute(request.segment(), request.attributesStart(),
                    request.length(), offset);
            if (found != null) {
                attributeType = found.type();
                AttributePolicy schema = request.schema();
                if (schema != null) {
                    attributeName = found.enclosingType() < 0 ? schema.nameOf(attributeType)
                            : schema.nameOf(found.enclosingType()) + "/type " + attributeType;
                }
            }
        }
        return new NetlinkException(errno, request.operation(), request.sequence(), ack.message(), offset,
                attributeType, attributeName, ack.missingType(), ack.missingNest(), null, ack.policy());
    }

    /**
     * Finds the attribute of a sent request that starts at {@code offset} (counted from the request's netlink
     * header, as the kernel counts it), descending into nested attributes that contain the offset.
     *
     * @param attributesStart where the request's attributes begin, {@code <= length}
     * @param length the request's length, within {@code request}
     * @return the attribute, or null when none starts there or the request is not well-formed up to it
     */
    static AttributeLocation locateAttribute(MemorySegment request, int attributesStart, int length, int offset) {
        AttributeReader reader = new AttributeReader().wrap(request, attributesStart, length - attributesStart);
        int topLevel = -1;
        try {
            while (reader.next()) {
                long start = reader.offset();
                long end = reader.payloadOffset() + reader.payloadLength();
                if (start == offset) {
                    return new AttributeLocation(reader.type(), topLevel);
                }
                if (offset > start && offset < end && reader.isNested()) {
                    if (topLevel < 0) {
                        topLevel = reader.type();
                    }
                    // Only this attribute's payload can hold the offset: continue inside it.
                    reader = reader.nested();
                }
            }
        } catch (MalformedMessageException e) {
            return null;
        }
        return null;
    }

    /**
     * The multicast group from the NETLINK_PKTINFO control message among the first {@code controlLength} bytes
     * of {@code control} (the msg_controllen recvmsg returned); 0 for unicast, or when the control data is
     * malformed.
     */
    static int packetInfoGroup(MemorySegment control, long controlLength) {
        long end = Math.min(controlLength, control.byteSize());
        for (long pos = 0; end - pos >= CMSG_HEADER_SIZE; ) {
            long length = control.get(JAVA_LONG_UNALIGNED, pos + cmsghdr.cmsg_len$offset());
            if (length < CMSG_HEADER_SIZE || length > end - pos) {
                return 0;
            }
            if (control.get(JAVA_INT_UNALIGNED, pos + cmsghdr.cmsg_level$offset()) == LibNl.SOL_NETLINK()
                    && control.get(JAVA_INT_UNALIGNED, pos + cmsghdr.cmsg_type$offset()) == LibNl.NETLINK_PKTINFO()) {
                return length >= CMSG_DATA_OFFSET + Integer.BYTES
                        ? control.get(JAVA_INT_UNALIGNED, pos + CMSG_DATA_OFFSET) : 0;
            }
            pos += cmsgAlign(length);
        }
        return 0;
    }

    /** CMSG_ALIGN: control messages are aligned to the size of size_t. */
    private static long cmsgAlign(long length) {
        return (length + Long.BYTES - 1) & ~(long) (Long.BYTES - 1);
    }
}
