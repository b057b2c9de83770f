package org.vnetnl.vnet;

import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_ATTR_FLAG;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_ATTR_IFINDEX;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_ATTR_IFNAME;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_ATTR_LINK_UP;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_ATTR_MSG;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_ATTR_VALUE;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_BOOL_MAX;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_FAMILY_VERSION;
import static org.vnetnl.internal.uapi.VnetNlUapi.VNET_NL_MSG_MAX_LEN;

import java.util.Objects;

import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.libnl.LibNl;

/**
 * What a {@link VnetClient} expects of the loaded module: the family version and the policy of the request
 * attributes it sends. {@link VnetClient#open} reads the module's policy from the kernel and refuses to work
 * with a module that disagrees, naming each attribute that differs.
 *
 * <p>{@link #expected()} is the schema this library was built for, made from the constants generated from the
 * module's uapi header {@code linux/vnet_nl.h}. Another schema is only useful to test the check itself or to
 * talk to a module built from a different header on purpose.
 *
 * @param familyVersion     the VNET_NL_FAMILY_VERSION the module must register
 * @param requestAttributes the attributes requests carry, with the kind and limits the module must enforce
 */
public record VnetSchema(int familyVersion, AttributePolicy requestAttributes) {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    private static final VnetSchema EXPECTED = new VnetSchema(VNET_NL_FAMILY_VERSION(), AttributePolicy.builder()
            .string(VNET_NL_ATTR_MSG(), "VNET_NL_ATTR_MSG", VNET_NL_MSG_MAX_LEN())
            .u32(VNET_NL_ATTR_VALUE(), "VNET_NL_ATTR_VALUE")
            .u8(VNET_NL_ATTR_FLAG(), "VNET_NL_ATTR_FLAG", 0, VNET_NL_BOOL_MAX())
            // Interface indexes start at 1: the module rejects 0 rather than looking up no device.
            .u32(VNET_NL_ATTR_IFINDEX(), "VNET_NL_ATTR_IFINDEX", 1, 0xFFFF_FFFFL)
            .string(VNET_NL_ATTR_IFNAME(), "VNET_NL_ATTR_IFNAME", LibNl.IFNAMSIZ() - 1)
            .u8(VNET_NL_ATTR_LINK_UP(), "VNET_NL_ATTR_LINK_UP", 0, VNET_NL_BOOL_MAX())
            .build());

    public VnetSchema {
        Objects.requireNonNull(requestAttributes, "requestAttributes");
    }

    /** The schema of the module whose uapi header this library was generated from. */
    public static VnetSchema expected() {
        return EXPECTED;
    }

    /** This schema with another family version. */
    public VnetSchema withFamilyVersion(int version) {
        return new VnetSchema(version, requestAttributes);
    }

    /** This schema with other request attributes. */
    public VnetSchema withRequestAttributes(AttributePolicy attributes) {
        return new VnetSchema(familyVersion, attributes);
    }
}
