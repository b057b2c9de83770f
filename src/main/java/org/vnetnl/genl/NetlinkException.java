package org.vnetnl.genl;

import java.util.Optional;
import java.util.OptionalInt;

import org.vnetnl.internal.Errno;

/**
 * A netlink operation failed: the kernel answered with an error, a system call failed, or the answer did not
 * come in time. Carries everything needed to understand the failure without a packet capture: the errno with
 * its name and text, the operation that failed, the request's sequence number, and the kernel's extended
 * acknowledgement (its message, the offset of the offending attribute in the request and, when the request
 * was built with a schema, that attribute's type and name).
 *
 * <p>Subclasses mark the failures a caller typically handles differently: {@link FamilyNotFoundException},
 * {@link NetlinkTimeoutException}, {@link DumpInterruptedException} and {@link NotificationOverrunException}.
 */
public class NetlinkException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final int sequence;
    private final String extAckMessage;
    private final int extAckOffset;
    private final int attributeType;
    private final String attributeName;
    private final int missingAttributeType;
    private final int missingAttributeNest;
    private final String missingAttributeName;
    private final FamilyPolicy.Rule policy;

    /**
     * Full form, used when the kernel sent an error message.
     *
     * @param errno positive errno value, or 0 for a condition of the library's own that no system call or kernel
     *              reported
     * @param operation what was attempted, e.g. {@code "vnet_nl ECHO"}
     * @param sequence the request's netlink sequence number, 0 when no request was involved
     * @param extAckMessage the kernel's extended-ack text, or null
     * @param extAckOffset byte offset of the offending attribute in the request, or -1
     * @param attributeType type of the attribute at that offset, or -1 when unknown
     * @param attributeName name of that attribute from the request's schema, or null
     * @param missingAttributeType type of an attribute the kernel reported missing, or -1
     */
    public NetlinkException(int errno, String operation, int sequence, String extAckMessage, int extAckOffset,
                            int attributeType, String attributeName, int missingAttributeType) {
        this(errno, operation, sequence, extAckMessage, extAckOffset, attributeType, attributeName,
                missingAttributeType, -1, null, null);
    }

    /**
     * The full form with where the missing attribute was missing from, and its name.
     *
     * @param missingAttributeNest offset in the request of the nest the missing attribute belongs in
     *                             (NLMSGERR_ATTR_MISS_NEST), or -1 for the top level
     * @param missingAttributeName its name, or its path of names, from a spec; or null
     * @param policy the kernel's policy that the rejected attribute failed (NLMSGERR_ATTR_POLICY), or null
     */
    public NetlinkException(int errno, String operation, int sequence, String extAckMessage, int extAckOffset,
                            int attributeType, String attributeName, int missingAttributeType,
                            int missingAttributeNest, String missingAttributeName, FamilyPolicy.Rule policy) {
        super(describe(errno, operation, sequence, extAckMessage, extAckOffset, attributeType, attributeName,
                missingAttributeType, missingAttributeName, policy));
        this.policy = policy;
        this.missingAttributeNest = missingAttributeNest;
        this.missingAttributeName = missingAttributeName;
        this.errno = errno;
        this.operation = operation;
        this.sequence = sequence;
        this.extAckMessage = extAckMessage;
        this.extAckOffset = extAckOffset;
        this.attributeType = attributeType;
        this.attributeName = attributeName;
        this.missingAttributeType = missingAttributeType;
    }

    /** A failure without extended acknowledgement: a system call error or a local condition. */
    public NetlinkException(int errno, String operation, int sequence, String detail) {
        this(errno, operation, sequence, detail, -1, -1, null, -1);
    }

    /**
     * Positive errno value, e.g. 22 for EINVAL, as the kernel or a system call reported it; 0 when the failure is
     * a condition of the library's own (a dump the caller's policy refused as interrupted, a cancelled wait, a
     * module that does not match its client), for which no errno was given and none is invented.
     */
    public int errno() {
        return errno;
    }

    /** Symbolic errno name, e.g. {@code "EINVAL"}; empty when {@link #errno()} is 0. */
    public String errnoName() {
        return errno == 0 ? "" : Errno.name(errno);
    }

    /** The C library's text for the errno, e.g. {@code "Invalid argument"}; empty when {@link #errno()} is 0. */
    public String errnoDescription() {
        return errno == 0 ? "" : Errno.description(errno);
    }

    /** The operation that failed, e.g. {@code "nlctrl CTRL_CMD_GETFAMILY(vnet_nl)"}. */
    public String operation() {
        return operation;
    }

    /** Sequence number of the failed request; 0 when the failure did not belong to a request. */
    public int sequence() {
        return sequence;
    }

    /** The kernel's extended-ack message (NLMSGERR_ATTR_MSG), or a local detail, when there is one. */
    public Optional<String> extAckMessage() {
        return Optional.ofNullable(extAckMessage);
    }

    /** Offset in bytes, from the start of the request's netlink header, of the attribute the kernel rejected. */
    public OptionalInt extAckOffset() {
        return extAckOffset < 0 ? OptionalInt.empty() : OptionalInt.of(extAckOffset);
    }

    /** Type of the rejected attribute, found in the request at {@link #extAckOffset()}. */
    public OptionalInt attributeType() {
        return attributeType < 0 ? OptionalInt.empty() : OptionalInt.of(attributeType);
    }

    /** Name of the rejected attribute, when the request was built with a schema naming it. */
    public Optional<String> attributeName() {
        return Optional.ofNullable(attributeName);
    }

    /** Type of an attribute the kernel reported as missing (NLMSGERR_ATTR_MISS_TYPE). */
    public OptionalInt missingAttributeType() {
        return missingAttributeType < 0 ? OptionalInt.empty() : OptionalInt.of(missingAttributeType);
    }

    /**
     * Offset in the request of the nest the missing attribute belongs in (NLMSGERR_ATTR_MISS_NEST); empty when it
     * is missing from the top level.
     */
    public OptionalInt missingAttributeNest() {
        return missingAttributeNest < 0 ? OptionalInt.empty() : OptionalInt.of(missingAttributeNest);
    }

    /** The policy the rejected attribute failed, as the kernel reported it with the error. */
    public Optional<FamilyPolicy.Rule> policy() {
        return Optional.ofNullable(policy);
    }

    /** The missing attribute's name (or path of names, e.g. {@code header.dev-index}), when a spec named it. */
    public Optional<String> missingAttributeName() {
        return Optional.ofNullable(missingAttributeName);
    }

    private static String describe(int errno, String operation, int sequence, String extAckMessage,
                                   int extAckOffset, int attributeType, String attributeName,
                                   int missingAttributeType, String missingAttributeName,
                                   FamilyPolicy.Rule policy) {
        StringBuilder text = new StringBuilder(operation).append(" failed");
        if (errno != 0) {
            text.append(": ").append(Errno.name(errno)).append(" (").append(Errno.description(errno)).append(')');
        }
        if (extAckMessage != null) {
            text.append(": ").append(extAckMessage);
        }
        if (attributeName != null || attributeType >= 0) {
            text.append(" [attribute ");
            if (attributeName != null) {
                text.append(attributeName).append(" (type ").append(attributeType).append(')');
            } else {
                text.append("type ").append(attributeType);
            }
            text.append(" at offset ").append(extAckOffset).append(']');
        } else if (extAckOffset >= 0) {
            text.append(" [at offset ").append(extAckOffset).append(']');
        }
        if (policy != null) {
            text.append(" [policy: ").append(policy.describe()).append(']');
        }
        if (missingAttributeName != null) {
            text.append(" [missing attribute ").append(missingAttributeName).append(" (type ")
                    .append(missingAttributeType).append(")]");
        } else if (missingAttributeType >= 0) {
            text.append(" [missing attribute type ").append(missingAttributeType).append(']');
        }
        if (sequence != 0) {
            text.append(" (seq ").append(Integer.toUnsignedString(sequence)).append(')');
        }
        return text.toString();
    }
}
