package org.vnetnl.vnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.vnetnl.genl.AttributePolicy;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

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
            case "string" -> {
                if (a.maxLength().isPresent()) {
                    policy.string(a.value(), a.cName(), a.maxLength().get());
                } else {
                    policy.string(a.value(), a.cName());
                }
            }
            case "u8" -> policy.u8(a.value(), a.cName(), a.min().orElse(0L).intValue(),
                    a.max().orElse(0xFFL).intValue());
            case "u32" -> {
                if (a.min().isPresent() || a.max().isPresent()) {
                    policy.u32(a.value(), a.cName(), a.min().orElse(0L), a.max().orElse(0xFFFF_FFFFL));
                } else {
                    policy.u32(a.value(), a.cName());
                }
            }
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
            return parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(in));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    /** Builds the view from the parsed YAML document; package-private for tests of malformed specs. */
    static VnetSpec parse(Object document) {
        Map<String, Object> root = map(document, "the document");
        Map<String, Long> constants = new LinkedHashMap<>();
        for (Object definition : list(root.getOrDefault("definitions", List.of()), "definitions")) {
            Map<String, Object> d = map(definition, "a definition");
            if ("const".equals(d.get("type")) && d.get("value") instanceof Number n) {
                constants.put(string(d.get("name"), "a definition's name"), n.longValue());
            }
        }

        Map<String, Attribute> attributes = new LinkedHashMap<>();
        for (Object set : list(root.get("attribute-sets"), "attribute-sets")) {
            Map<String, Object> s = map(set, "an attribute set");
            if (!"attr".equals(s.get("name"))) {
                continue;
            }
            String prefix = string(s.get("name-prefix"), "name-prefix of attribute set attr");
            int value = 0;
            for (Object entry : list(s.get("attributes"), "attributes of attr")) {
                Map<String, Object> a = map(entry, "an attribute");
                String name = string(a.get("name"), "an attribute's name");
                value = a.get("value") instanceof Number n ? n.intValue() : value + 1;
                Map<String, Object> checks = a.get("checks") == null ? Map.of() : map(a.get("checks"), "checks");
                attributes.put(name, new Attribute(name, value, upper(prefix + name),
                        string(a.get("type"), "type of " + name), limit(checks.get("min"), constants),
                        limit(checks.get("max"), constants),
                        limit(checks.get("max-len"), constants).map(Long::intValue)));
            }
        }
        if (attributes.isEmpty()) {
            throw new IllegalStateException("vnet_nl.yaml: no attribute set named attr");
        }

        Map<String, Object> ops = map(root.get("operations"), "operations");
        String opPrefix = string(ops.get("name-prefix"), "name-prefix of operations");
        List<Operation> operations = new ArrayList<>();
        int value = 0;
        for (Object entry : list(ops.get("list"), "the operations list")) {
            Map<String, Object> o = map(entry, "an operation");
            String name = string(o.get("name"), "an operation's name");
            value = o.get("value") instanceof Number n ? n.intValue() : value + 1;
            List<Attribute> request = new ArrayList<>();
            if (o.get("do") instanceof Map<?, ?> doit && doit.get("request") instanceof Map<?, ?> req) {
                for (Object attribute : list(req.get("attributes"), "request attributes of " + name)) {
                    request.add(attributes.get(string(attribute, "an attribute name")));
                }
            }
            operations.add(new Operation(name, value, upper(opPrefix + name), o.containsKey("do"),
                    o.containsKey("dump"), List.copyOf(request),
                    Optional.ofNullable((String) o.get("mcgrp"))));
        }
        return new VnetSpec(string(root.get("name"), "name"),
                ((Number) root.getOrDefault("version", 1)).intValue(), attributes, List.copyOf(operations));
    }

    private static Optional<Long> limit(Object limit, Map<String, Long> constants) {
        if (limit == null) {
            return Optional.empty();
        }
        if (limit instanceof Number n) {
            return Optional.of(n.longValue());
        }
        Long constant = constants.get(String.valueOf(limit));
        if (constant == null) {
            throw new IllegalStateException("vnet_nl.yaml: limit " + limit + " is neither a number nor a const");
        }
        return Optional.of(constant);
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalStateException("vnet_nl.yaml: " + what + " is not a mapping");
    }

    private static List<?> list(Object value, String what) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalStateException("vnet_nl.yaml: " + what + " is not a list");
    }

    private static String string(Object value, String what) {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalStateException("vnet_nl.yaml: " + what + " is missing or not a string");
    }
}
