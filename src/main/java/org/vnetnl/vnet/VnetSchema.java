package org.vnetnl.vnet;

import java.util.Objects;

import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.internal.NativeAccess;

/**
 * What a {@link VnetClient} expects of the loaded module: the family version and the policy of the request
 * attributes it sends. {@link VnetClient#open} reads the module's policy from the kernel and refuses to work
 * with a module that disagrees, naming each attribute that differs.
 *
 * <p>{@link #expected()} is the schema this library was built for, read from the family's YNL spec
 * {@code kernel-module/vnet_nl.yaml} (packaged with the library), from which the module's uapi header and
 * policies are generated. Another schema is only useful to test the check itself or to
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

    // Every request attribute with the checks of kernel-module/vnet_nl.yaml, the spec the module's policies are
    // generated from.
    private static final VnetSchema EXPECTED = new VnetSchema(VnetSpec.family().version(),
            VnetSpec.family().requestPolicy());

    public VnetSchema {
        Objects.requireNonNull(requestAttributes, "requestAttributes");
    }

    /** The schema of the module whose spec this library was built with. */
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
