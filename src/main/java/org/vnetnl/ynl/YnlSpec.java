package org.vnetnl.ynl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A netlink family as its YNL spec describes it: a generic netlink family ({@code protocol} genetlink,
 * genetlink-c or genetlink-legacy) or a netlink-raw one (rtnetlink, tc, nftables: a netlink protocol of its own,
 * with fixed message types and multicast group numbers, and sub-messages): definitions, attribute sets, operations and multicast groups, with every reference between
 * them checked when the spec was loaded ({@link SpecLoader#load}). Immutable; pure Java.
 */
public final class YnlSpec {

    private final Path file;
    private final String name;
    private final String protocol;
    private final int version;
    private final String kernelPolicy;
    private final String enumModel;
    private final Map<String, SpecConstant> constants;
    private final Map<String, SpecEnum> enums;
    private final Map<String, SpecStruct> structs;
    private final Map<String, AttributeSet> attributeSets;
    private final Map<String, SpecOperation> operations;
    private final Map<String, McastGroup> mcastGroups;
    private final int protonum;
    private final Map<String, SpecSubMessage> subMessages;

    YnlSpec(Path file, String name, String protocol, int version, String kernelPolicy, String enumModel,
            Map<String, SpecConstant> constants, Map<String, SpecEnum> enums, Map<String, SpecStruct> structs,
            Map<String, AttributeSet> attributeSets, Map<String, SpecOperation> operations,
            Map<String, McastGroup> mcastGroups, int protonum, Map<String, SpecSubMessage> subMessages) {
        this.file = file;
        this.name = name;
        this.protocol = protocol;
        this.version = version;
        this.kernelPolicy = kernelPolicy;
        this.enumModel = enumModel;
        this.constants = constants;
        this.enums = enums;
        this.structs = structs;
        this.attributeSets = attributeSets;
        this.operations = operations;
        this.mcastGroups = mcastGroups;
        this.protonum = protonum;
        this.subMessages = subMessages;
    }

    /** The file it was loaded from. */
    public Path file() {
        return file;
    }

    /** The family name the kernel registers. */
    public String name() {
        return name;
    }

    /** genetlink, genetlink-c, genetlink-legacy or netlink-raw. */
    public String protocol() {
        return protocol;
    }

    /** Whether this is a netlink-raw family: a netlink protocol of its own, without generic netlink's header. */
    public boolean isNetlinkRaw() {
        return protocol.equals("netlink-raw");
    }

    /** The netlink protocol of its socket: {@code protonum} for netlink-raw, NETLINK_GENERIC (16) otherwise. */
    public int protonum() {
        return protonum;
    }

    /** The sub-message formats of a netlink-raw family, by name. */
    public Map<String, SpecSubMessage> subMessages() {
        return subMessages;
    }

    /** The sub-message called {@code subMessageName}; an unknown name fails listing the valid ones. */
    public SpecSubMessage subMessage(String subMessageName) {
        return lookup(subMessages, subMessageName, "sub-message");
    }

    /** The family version sent in the generic netlink header (default 1). */
    public int version() {
        return version;
    }

    /** {@code global}, {@code per-op} or {@code split}, or null when the spec does not say. */
    public String kernelPolicy() {
        return kernelPolicy;
    }

    /** {@code unified} (one command number space) or {@code directional} (requests and replies apart). */
    public String enumModel() {
        return enumModel;
    }

    public Map<String, SpecConstant> constants() {
        return constants;
    }

    public Map<String, SpecEnum> enums() {
        return enums;
    }

    public Map<String, SpecStruct> structs() {
        return structs;
    }

    public Map<String, AttributeSet> attributeSets() {
        return attributeSets;
    }

    /** Every operation in spec order: calls, notifications and events. */
    public Map<String, SpecOperation> operations() {
        return operations;
    }

    public Map<String, McastGroup> mcastGroups() {
        return mcastGroups;
    }

    /** The operation called {@code operationName}; an unknown name fails listing the valid ones. */
    public SpecOperation operation(String operationName) {
        return lookup(operations, operationName, "operation");
    }

    /** The attribute set called {@code setName}; an unknown name fails listing the valid ones. */
    public AttributeSet attributeSet(String setName) {
        return lookup(attributeSets, setName, "attribute set");
    }

    /** The enum or flags definition called {@code enumName}. */
    public SpecEnum enumeration(String enumName) {
        return lookup(enums, enumName, "enum");
    }

    /** The struct definition called {@code structName}. */
    public SpecStruct struct(String structName) {
        return lookup(structs, structName, "struct");
    }

    /** The multicast group called {@code groupName}; an unknown name fails listing the valid ones. */
    public McastGroup mcastGroup(String groupName) {
        return lookup(mcastGroups, groupName, "multicast group");
    }

    /** The operation whose replies or notifications carry command number {@code value}. */
    public Optional<SpecOperation> operationByReplyValue(int value) {
        // A notify shares its number with the reply of the operation it names: prefer the call for replies.
        SpecOperation async = null;
        for (SpecOperation op : operations.values()) {
            if (op.replyValue() == value) {
                if (!op.isAsync()) {
                    return Optional.of(op);
                }
                async = async == null ? op : async;
            }
        }
        return Optional.ofNullable(async);
    }

    /** The notification or event sent with command number {@code value}. */
    public Optional<SpecOperation> notificationByValue(int value) {
        return operations.values().stream().filter(op -> op.isAsync() && op.replyValue() == value).findFirst();
    }

    /** The size in bytes of struct {@code structName}, nested structs included. */
    public int structSize(String structName) {
        int size = 0;
        for (SpecStruct.Member m : struct(structName).members()) {
            size += memberSize(m);
        }
        return size;
    }

    /** The size in bytes of one struct member. */
    public int memberSize(SpecStruct.Member m) {
        if (m.type() == SpecType.BINARY && m.structName() != null) {
            return structSize(m.structName());
        }
        return m.type().isFixedScalar() ? m.type().fixedSize() : m.len();
    }

    private static <T> T lookup(Map<String, T> map, String key, String what) {
        T value = map.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + what + " '" + key + "'; valid: " + new ArrayList<>(map.keySet()));
        }
        return value;
    }

    @Override
    public String toString() {
        return "YnlSpec[" + name + ", " + protocol + ", " + operations.size() + " operations]";
    }
}
