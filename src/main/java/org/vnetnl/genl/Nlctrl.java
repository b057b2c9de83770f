package org.vnetnl.genl;

import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.libnl.LibNl;

/**
 * The numbers of the generic netlink controller family {@code nlctrl} ({@code <linux/genetlink.h>}), taken from the
 * generated bindings: commands, attributes and the attributes nested in ops, multicast groups and op policies.
 * Written to be imported statically, with the kernel's own names.
 */
public final class Nlctrl {

    static {
        // Before any generated binding is loaded (see NativeAccess): fail naming the flag, not with a JDK warning.
        NativeAccess.ensureAvailable();
    }

    /** The controller's fixed family id. */
    public static final int GENL_ID_CTRL = LibNl.GENL_ID_CTRL();

    public static final int CTRL_CMD_NEWFAMILY = LibNl.CTRL_CMD_NEWFAMILY();
    public static final int CTRL_CMD_DELFAMILY = LibNl.CTRL_CMD_DELFAMILY();
    public static final int CTRL_CMD_GETFAMILY = LibNl.CTRL_CMD_GETFAMILY();
    public static final int CTRL_CMD_NEWOPS = LibNl.CTRL_CMD_NEWOPS();
    public static final int CTRL_CMD_DELOPS = LibNl.CTRL_CMD_DELOPS();
    public static final int CTRL_CMD_GETOPS = LibNl.CTRL_CMD_GETOPS();
    public static final int CTRL_CMD_NEWMCAST_GRP = LibNl.CTRL_CMD_NEWMCAST_GRP();
    public static final int CTRL_CMD_DELMCAST_GRP = LibNl.CTRL_CMD_DELMCAST_GRP();
    public static final int CTRL_CMD_GETMCAST_GRP = LibNl.CTRL_CMD_GETMCAST_GRP();
    public static final int CTRL_CMD_GETPOLICY = LibNl.CTRL_CMD_GETPOLICY();

    public static final int CTRL_ATTR_FAMILY_ID = LibNl.CTRL_ATTR_FAMILY_ID();
    public static final int CTRL_ATTR_FAMILY_NAME = LibNl.CTRL_ATTR_FAMILY_NAME();
    public static final int CTRL_ATTR_VERSION = LibNl.CTRL_ATTR_VERSION();
    public static final int CTRL_ATTR_HDRSIZE = LibNl.CTRL_ATTR_HDRSIZE();
    public static final int CTRL_ATTR_MAXATTR = LibNl.CTRL_ATTR_MAXATTR();
    public static final int CTRL_ATTR_OPS = LibNl.CTRL_ATTR_OPS();
    public static final int CTRL_ATTR_MCAST_GROUPS = LibNl.CTRL_ATTR_MCAST_GROUPS();
    public static final int CTRL_ATTR_POLICY = LibNl.CTRL_ATTR_POLICY();
    public static final int CTRL_ATTR_OP_POLICY = LibNl.CTRL_ATTR_OP_POLICY();
    public static final int CTRL_ATTR_OP = LibNl.CTRL_ATTR_OP();

    /** Inside each entry of {@link #CTRL_ATTR_OPS}. */
    public static final int CTRL_ATTR_OP_ID = LibNl.CTRL_ATTR_OP_ID();
    public static final int CTRL_ATTR_OP_FLAGS = LibNl.CTRL_ATTR_OP_FLAGS();

    /** Inside each entry of {@link #CTRL_ATTR_MCAST_GROUPS}. */
    public static final int CTRL_ATTR_MCAST_GRP_NAME = LibNl.CTRL_ATTR_MCAST_GRP_NAME();
    public static final int CTRL_ATTR_MCAST_GRP_ID = LibNl.CTRL_ATTR_MCAST_GRP_ID();

    /** Inside {@link #CTRL_ATTR_OP_POLICY}. */
    public static final int CTRL_ATTR_POLICY_DO = LibNl.CTRL_ATTR_POLICY_DO();
    public static final int CTRL_ATTR_POLICY_DUMP = LibNl.CTRL_ATTR_POLICY_DUMP();

    private Nlctrl() {}
}
