package org.vnetnl.genl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import org.vnetnl.internal.libnl.LibNl;

/**
 * A registered generic netlink family as the kernel's controller ({@code nlctrl}) describes it: its id (the
 * netlink message type to send to), version, family header size, highest attribute type, operations and
 * multicast groups. Immutable; ids are only valid while the family stays registered (a reloaded module may
 * get a new id).
 */
public final class Family {

    /**
     * One command the family implements, with the GENL_* capability flags the kernel reports for it.
     *
     * @param command the command number
     * @param flags GENL_ADMIN_PERM, GENL_CMD_CAP_DO, GENL_CMD_CAP_DUMP, GENL_CMD_CAP_HASPOL, GENL_UNS_ADMIN_PERM
     */
    public record Operation(int command, int flags) {

        /** The command has a handler for single requests (doit). */
        public boolean hasDoit() {
            return (flags & LibNl.GENL_CMD_CAP_DO()) != 0;
        }

        /** The command can be dumped (dumpit). */
        public boolean hasDumpit() {
            return (flags & LibNl.GENL_CMD_CAP_DUMP()) != 0;
        }

        /** The command validates its attributes against a policy. */
        public boolean hasPolicy() {
            return (flags & LibNl.GENL_CMD_CAP_HASPOL()) != 0;
        }

        /** The command needs CAP_NET_ADMIN in the initial user namespace or in the one owning the netns. */
        public boolean requiresAdmin() {
            return (flags & (LibNl.GENL_ADMIN_PERM() | LibNl.GENL_UNS_ADMIN_PERM())) != 0;
        }
    }

    private final String name;
    private final int id;
    private final int version;
    private final int headerSize;
    private final int maxAttribute;
    private final List<Operation> operations;
    private final Map<String, Integer> multicastGroups;

    Family(String name, int id, int version, int headerSize, int maxAttribute, List<Operation> operations,
           Map<String, Integer> multicastGroups) {
        this.name = name;
        this.id = id;
        this.version = version;
        this.headerSize = headerSize;
        this.maxAttribute = maxAttribute;
        this.operations = List.copyOf(operations);
        this.multicastGroups = Collections.unmodifiableMap(new LinkedHashMap<>(multicastGroups));
    }

    /**
     * Parses a CTRL_CMD_NEWFAMILY message (the reply to CTRL_CMD_GETFAMILY, or one part of its dump).
     *
     * @throws MalformedMessageException if an attribute is malformed or the id or name is missing
     */
    static Family parse(GenlMessage message) {
        AttributeReader attrs = message.attributes();
        String name = null;
        int id = -1;
        int version = 0;
        int headerSize = 0;
        int maxAttribute = 0;
        List<Operation> operations = new ArrayList<>();
        Map<String, Integer> groups = new LinkedHashMap<>();
        AttributeReader list = new AttributeReader();
        AttributeReader item = new AttributeReader();
        while (attrs.next()) {
            int type = attrs.type();
            if (type == LibNl.CTRL_ATTR_FAMILY_ID()) {
                id = attrs.u16();
            } else if (type == LibNl.CTRL_ATTR_FAMILY_NAME()) {
                name = attrs.string();
            } else if (type == LibNl.CTRL_ATTR_VERSION()) {
                version = (int) attrs.u32();
            } else if (type == LibNl.CTRL_ATTR_HDRSIZE()) {
                headerSize = (int) attrs.u32();
            } else if (type == LibNl.CTRL_ATTR_MAXATTR()) {
                maxAttribute = (int) attrs.u32();
            } else if (type == LibNl.CTRL_ATTR_OPS()) {
                attrs.nested(list);
                while (list.next()) {
                    list.nested(item);
                    int command = -1;
                    int flags = 0;
                    while (item.next()) {
                        if (item.type() == LibNl.CTRL_ATTR_OP_ID()) {
                            command = (int) item.u32();
                        } else if (item.type() == LibNl.CTRL_ATTR_OP_FLAGS()) {
                            flags = (int) item.u32();
                        }
                    }
                    if (command >= 0) {
                        operations.add(new Operation(command, flags));
                    }
                }
            } else if (type == LibNl.CTRL_ATTR_MCAST_GROUPS()) {
                attrs.nested(list);
                while (list.next()) {
                    list.nested(item);
                    String groupName = null;
                    int groupId = -1;
                    while (item.next()) {
                        if (item.type() == LibNl.CTRL_ATTR_MCAST_GRP_NAME()) {
                            groupName = item.string();
                        } else if (item.type() == LibNl.CTRL_ATTR_MCAST_GRP_ID()) {
                            groupId = (int) item.u32();
                        }
                    }
                    if (groupName != null && groupId > 0) {
                        groups.put(groupName, groupId);
                    }
                }
            }
        }
        if (name == null || id < 0) {
            throw new MalformedMessageException(message.offset(),
                    "controller reply lacks " + (name == null ? "CTRL_ATTR_FAMILY_NAME" : "CTRL_ATTR_FAMILY_ID"));
        }
        return new Family(name, id, version, headerSize, maxAttribute, operations, groups);
    }

    /** The family's name, e.g. {@code "nlctrl"}. */
    public String name() {
        return name;
    }

    /** The id to put in the netlink header's type field. */
    public int id() {
        return id;
    }

    /** The family's version (CTRL_ATTR_VERSION). */
    public int version() {
        return version;
    }

    /** Size of the family-specific header that follows the generic netlink header, usually 0. */
    public int headerSize() {
        return headerSize;
    }

    /** The highest attribute type the family accepts. */
    public int maxAttribute() {
        return maxAttribute;
    }

    /** The commands the family implements, in the kernel's order. */
    public List<Operation> operations() {
        return operations;
    }

    /** The operation with number {@code command}, if the family implements it. */
    public Optional<Operation> operation(int command) {
        for (Operation operation : operations) {
            if (operation.command() == command) {
                return Optional.of(operation);
            }
        }
        return Optional.empty();
    }

    /** Multicast groups by name, with their ids, in the kernel's order. */
    public Map<String, Integer> multicastGroups() {
        return multicastGroups;
    }

    /** The id of the multicast group called {@code groupName}, if the family has one. */
    public OptionalInt multicastGroup(String groupName) {
        Integer groupId = multicastGroups.get(groupName);
        return groupId == null ? OptionalInt.empty() : OptionalInt.of(groupId);
    }

    @Override
    public String toString() {
        return "Family[" + name + ", id=" + id + ", version=" + version + ", hdrsize=" + headerSize + ", maxattr="
                + maxAttribute + ", ops=" + operations.size() + ", groups=" + multicastGroups + "]";
    }
}
