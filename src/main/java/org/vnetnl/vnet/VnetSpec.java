package org.vnetnl.vnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.vnetnl.genl.AttributeKind;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.Checks;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.YnlSpec;

/**
 * The vnet_nl family as its YNL spec, {@code kernel-module/vnet_nl.yaml}, describes it: the single source of the
 * names, numbers, per-operation request attributes and limits that the module's uapi header and policies are
 * generated from. The spec is packaged with the library ({@value #RESOURCE}) and read once.
 *
 * <p>Values and C names follow the rules of the kernel's YNL generator: an attribute or operation without an
 * explicit {@code value} takes the previous one's plus one (the first, 1); its C name is the set's
 * {@code name-prefix} followed by its name, upper case, dashes as underscores.
 */
final class VnetSpec {

    /** The spec's place on the class path, next to this class. */
    static final String RESOURCE = "vnet_nl.yaml";

    private static final VnetSpec FAMILY = load();

    /** An attribute of the family's main attribute set, with the checks the kernel's policy enforces. */
    record Attribute(String name, int value, String cName, String type, Optional<Long> min, Optional<Long> max,
            Optional<Integer> maxLength) {
    }

    /**
     * An operation: a request (do and perhaps dump) or a notification.
     *
     * @param request the attributes the do request takes, in spec order (empty for notifications)
     */
    record Operation(String name, int value, String cName, boolean hasDo, boolean hasDump, List<Attribute> request,
            Optional<String> multicastGroup) {

        /** The name without the family's prefix: {@code ECHO}, {@code GET_STATS}. */
        String shortName() {
            return upper(name);
        }
    }

    private final String familyName;
    private final int version;
    private final Map<String, Attribute> attributes;
    private final List<Operation> operations;

    private VnetSpec(String familyName, int version, Map<String, Attribute> attributes, List<Operation> operations) {
        this.familyName = familyName;
        this.version = version;
        this.attributes = attributes;
        this.operations = operations;
    }

    /** The spec this library was built with. */
    static VnetSpec family() {
        return FAMILY;
    }

    String familyName() {
        return familyName;
    }

    int version() {
        return version;
    }

    List<Operation> operations() {
        return operations;
    }

    /** The attribute of this spec name ({@code msg}, {@code link-up}). */
    Attribute attribute(String name) {
        Attribute attribute = attributes.get(name);
        if (attribute == null) {
            throw new IllegalArgumentException("vnet_nl.yaml has no attribute " + name);
        }
        return attribute;
    }

    /** The C name of attribute type {@code value} ({@code VNET_NL_ATTR_MSG}), for messages. */
    String attributeName(int value) {
        for (Attribute attribute : attributes.values()) {
            if (attribute.value() == value) {
                return attribute.cName();
            }
        }
        return "attribute " + value;
    }

    /** The policy of every attribute some request takes, with the spec's checks, named by C name. */
    AttributePolicy requestPolicy() {
        AttributePolicy.Builder policy = AttributePolicy.builder();
        Map<String, Attribute> requested = new LinkedHashMap<>();
        for (Operation operation : operations) {
            operation.request().forEach(a -> requested.putIfAbsent(a.name(), a));
        }
        for (Attribute a : requested.values()) {
            switch (a.type()) {
            case "string" -> policy.string(a.value(), a.cName(), a.maxLength().orElse(AttributeWriter.MAX_PAYLOAD_LENGTH - 1));
            case "u8" -> policy.integer(AttributeKind.U8, a.value(), a.cName(), a.min().orElse(0L),
                    a.max().orElse(0xFFL));
            case "u32" -> policy.integer(AttributeKind.U32, a.value(), a.cName(), a.min().orElse(0L),
                    a.max().orElse(0xFFFF_FFFFL));
            default -> throw new IllegalStateException("vnet_nl.yaml: request attribute " + a.name()
                    + " has type " + a.type() + ", which this library does not send");
            }
        }
        return policy.build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading the spec

    private static VnetSpec load() {
        try (InputStream in = VnetSpec.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path next to "
                        + VnetSpec.class.getName() + " (the build copies kernel-module/vnet_nl.yaml there)");
            }
            return from(SpecLoader.load(Path.of(RESOURCE), new InputStreamReader(in, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    /** This library's view of a loaded spec: the main attribute set {@code attr} and every operation. */
    static VnetSpec from(YnlSpec spec) {
        AttributeSet set = spec.attributeSets().get("attr");
        if (set == null) {
            throw new IllegalStateException(spec.file() + ": no attribute set named attr");
        }
        String prefix = set.namePrefix() != null ? set.namePrefix() : spec.name() + "-a-attr-";
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        for (SpecAttribute a : set.attributes()) {
            Checks checks = a.checks();
            attributes.put(a.name(), new Attribute(a.name(), a.value(), upper(prefix + a.name()), a.type().yamlName(),
                    Optional.ofNullable(checks.min()).map(BigInteger::longValueExact),
                    Optional.ofNullable(checks.max()).map(BigInteger::longValueExact),
                    Optional.ofNullable(checks.maxLen()).map(Long::intValue)));
        }
        List<Operation> operations = new ArrayList<>();
        for (SpecOperation o : spec.operations().values()) {
            List<Attribute> request = new ArrayList<>();
            if (o.doMode() != null && o.doMode().request() != null) {
                o.doMode().request().forEach(name -> request.add(attributes.get(name)));
            }
            int value = o.requestValue() >= 0 ? o.requestValue() : o.replyValue();
            operations.add(new Operation(o.name(), value, upper(spec.name() + "-cmd-" + o.name()), o.doMode() != null,
                    o.dumpMode() != null, List.copyOf(request), Optional.ofNullable(o.mcgrp())));
        }
        return new VnetSpec(spec.name(), spec.version(), attributes, List.copyOf(operations));
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
