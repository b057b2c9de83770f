package org.vnetnl.ynl;

import java.io.IOException;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * The YAML side of {@link SpecLoader}: everything here uses SnakeYAML Engine, which the library declares optional,
 * so that loading the public {@code SpecLoader} never needs it until a spec is read.
 */
final class SpecYamlReader {

    private static final Set<String> TOP = Set.of("name", "doc", "protocol", "uapi-header", "c-family-name",
            "c-version-name", "max-by-define", "cmd-max-name", "cmd-cnt-name", "kernel-policy", "version",
            "definitions", "attribute-sets", "operations", "mcast-groups", "kernel-family");
    private static final Set<String> DEFINITION = Set.of("name", "header", "scope", "type", "doc", "value",
            "value-start", "entries", "render-max", "enum-name", "name-prefix", "members", "enum-cnt-name");
    private static final Set<String> ENTRY = Set.of("name", "value", "doc");
    private static final Set<String> MEMBER = Set.of("name", "type", "len", "byte-order", "doc", "enum",
            "display-hint", "struct");
    private static final Set<String> ATTR_SET = Set.of("name", "name-prefix", "enum-name", "doc", "subset-of",
            "attr-cnt-name", "attr-max-name", "attributes");
    private static final Set<String> ATTRIBUTE = Set.of("name", "type", "doc", "value", "type-value",
            "byte-order", "multi-attr", "nested-attributes", "enum", "enum-as-flags", "checks", "sub-type",
            "display-hint", "name-prefix", "struct", "sub-message", "selector");
    private static final Set<String> CHECKS = Set.of("flags-mask", "min", "max", "min-len", "max-len",
            "exact-len", "unterminated-ok");
    private static final Set<String> OPERATIONS = Set.of("enum-model", "name-prefix", "enum-name",
            "async-prefix", "async-enum", "fixed-header", "list");
    private static final Set<String> OPERATION = Set.of("name", "doc", "value", "attribute-set", "flags",
            "dont-validate", "config-cond", "fixed-header", "do", "dump", "notify", "event", "mcgrp");
    private static final Set<String> MODE = Set.of("request", "reply", "pre", "post");
    private static final Set<String> MESSAGE = Set.of("attributes", "value");
    private static final Set<String> GROUPS = Set.of("list");
    private static final Set<String> GROUP = Set.of("name", "c-define-name", "flags");
    private static final Set<String> PROTOCOLS = Set.of("genetlink", "genetlink-c", "genetlink-legacy");
    private static final Set<String> DISPLAY_HINTS = Set.of("hex", "mac", "fddi", "ipv4", "ipv6", "uuid");
    private static final Set<String> OP_FLAGS = Set.of("admin-perm", "uns-admin-perm");

    private static final int MAX_NESTING = SpecLoader.MAX_NESTING;
    /** genlmsghdr's cmd and version are single bytes. */
    private static final long MAX_COMMAND = 0xFF;
    /** The attribute type is 14 bits of nla_type (NLA_TYPE_MASK). */
    private static final long MAX_ATTRIBUTE_TYPE = org.vnetnl.genl.AttributeWriter.MAX_TYPE;
    /** A struct, a member and a length check hold at most one attribute's payload. */
    private static final long MAX_PAYLOAD = org.vnetnl.genl.AttributeWriter.MAX_PAYLOAD_LENGTH;
    /** Flags are bit positions of a 64-bit value. */
    private static final long MAX_FLAG_BIT = 63;

    private final Path file;
    private final Map<String, SpecConstant> constants = new LinkedHashMap<>();
    private final Map<String, SpecEnum> enums = new LinkedHashMap<>();
    private final Map<String, SpecStruct> structs = new LinkedHashMap<>();
    private final Map<String, AttributeSet> attributeSets = new LinkedHashMap<>();
    private final Map<String, SpecOperation> operations = new LinkedHashMap<>();
    private final Map<String, McastGroup> groups = new LinkedHashMap<>();
    /** The size of each struct whose size is checked, by name. */
    private final Map<String, Long> structSizes = new LinkedHashMap<>();

    private SpecYamlReader(Path file) {
        this.file = file;
    }

    static YnlSpec load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(file, reader);
        }
    }

    static YnlSpec load(Path file, Reader reader) throws IOException {
        return new SpecYamlReader(file).read(reader);
    }

    private YnlSpec read(Reader reader) throws IOException {
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(file.toString())
                    .setMaxAliasesForCollections(10_000).build(); // devlink.yaml reuses anchors a lot
            Parser parser = new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, reader)));
            root = new Composer(settings, parser).getSingleNode().orElse(null);
        } catch (TooDeepException e) {
            throw new MalformedSpecException(file, e.line, null, "YAML nested deeper than " + MAX_NESTING
                    + " levels");
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new MalformedSpecException(file, line, null, "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new MalformedSpecException(file, 0, null, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new MalformedSpecException(file, 1, null, "empty file");
        }
        Yaml top = map(root, "", TOP);
        String name = top.string("name");
        String protocol = top.optString("protocol").orElse("genetlink");
        if (!PROTOCOLS.contains(protocol)) {
            throw top.error("protocol", "'" + protocol + "' is not a generic netlink protocol; expected one of "
                    + sorted(PROTOCOLS));
        }
        int version = top.has("version") ? (int) top.longValue("version", 0, MAX_COMMAND,
                "the family version is one byte") : 1;
        String kernelPolicy = top.optString("kernel-policy").orElse(null);
        if (kernelPolicy != null && !Set.of("split", "per-op", "global").contains(kernelPolicy)) {
            throw top.error("kernel-policy", "'" + kernelPolicy + "' is not split, per-op or global");
        }
        List<Yaml> definitions = top.optList("definitions", DEFINITION);
        for (Yaml d : definitions) {
            readDefinition(d);
        }
        for (Yaml d : definitions) {
            checkStructReferences(d);
        }
        Map<String, Yaml> structDefinitions = new LinkedHashMap<>();
        for (Yaml d : definitions) {
            if (d.string("type").equals("struct")) {
                structDefinitions.put(d.string("name"), d);
            }
        }
        for (Yaml d : structDefinitions.values()) {
            checkStructSize(d, structDefinitions, new ArrayList<>());
        }
        List<Yaml> sets = top.list("attribute-sets", ATTR_SET);
        for (Yaml s : sets) {
            if (s.has("subset-of")) {
                continue;
            }
            readAttributeSet(s, null);
        }
        for (Yaml s : sets) {
            if (s.has("subset-of")) {
                readAttributeSet(s, attributeSetRef(s, "subset-of"));
            }
        }
        Map<String, AttributeSet> inSpecOrder = new LinkedHashMap<>();
        for (Yaml s : sets) {
            inSpecOrder.put(s.string("name"), attributeSets.get(s.string("name")));
        }
        attributeSets.clear();
        attributeSets.putAll(inSpecOrder);
        if (top.has("mcast-groups")) {
            for (Yaml g : top.map("mcast-groups", GROUPS).list("list", GROUP)) {
                String groupName = g.string("name");
                groups.put(groupName, new McastGroup(groupName, g.optString("c-define-name").orElse(null),
                        enumSet(g, "flags", OP_FLAGS)));
            }
        }
        Yaml ops = top.map("operations", OPERATIONS);
        String enumModel = ops.optString("enum-model").orElse("unified");
        String fixedHeader = ops.optString("fixed-header").orElse(null);
        if (fixedHeader != null) {
            structRef(ops, "fixed-header");
        }
        readOperations(ops.list("list", OPERATION), enumModel, fixedHeader);
        // References between attribute sets are checked once all of them are known.
        for (AttributeSet set : attributeSets.values()) {
            for (SpecAttribute a : set.attributes()) {
                if (a.nestedAttributes() != null && !attributeSets.containsKey(a.nestedAttributes())) {
                    throw new MalformedSpecException(file, a.line(), "nested-attributes", "attribute '" + a.name()
                            + "' of set '" + set.name() + "' names unknown attribute set '" + a.nestedAttributes()
                            + "'; defined: " + attributeSets.keySet());
                }
            }
        }
        return new YnlSpec(file, name, protocol, version, kernelPolicy, enumModel, Map.copyOf(constants),
                unmodifiable(enums), unmodifiable(structs), unmodifiable(attributeSets), unmodifiable(operations),
                unmodifiable(groups));
    }

    private static <T> Map<String, T> unmodifiable(Map<String, T> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Definitions

    private void readDefinition(Yaml d) throws MalformedSpecException {
        String name = d.string("name");
        String type = d.string("type");
        switch (type) {
            case "const" -> {
                BigInteger number = parseInteger(d.string("value"));
                if (number != null) {
                    d.requireRange("value", number, BigInteger.valueOf(Long.MIN_VALUE),
                            BigInteger.valueOf(Long.MAX_VALUE), "a const is a signed 64-bit number");
                }
                constants.put(name, new SpecConstant(name, d.string("value"),
                        number == null ? null : number.longValue()));
            }
            case "enum", "flags" -> {
                boolean flags = type.equals("flags");
                // An enum's numbers are signed 64-bit values; a flag's are its bit positions in 64 bits.
                long low = flags ? 0 : Long.MIN_VALUE;
                long high = flags ? MAX_FLAG_BIT : Long.MAX_VALUE;
                String why = flags ? "a flag is a bit position of a 64-bit value" : "an enum value is a signed"
                        + " 64-bit number";
                BigInteger next = d.has("value-start") ? d.requireRange("value-start", resolveNumber(d, "value-start"),
                        BigInteger.valueOf(low), BigInteger.valueOf(high), why) : BigInteger.ZERO;
                List<SpecEnum.Entry> entries = new ArrayList<>();
                for (Yaml e : d.list("entries", ENTRY)) {
                    String entryName;
                    String doc = null;
                    if (e.isScalar()) {
                        entryName = e.scalar();
                    } else {
                        entryName = e.string("name");
                        doc = e.optString("doc").orElse(null);
                        if (e.has("value")) {
                            next = BigInteger.valueOf(e.longValue("value", low, high, why));
                        }
                    }
                    if (next.compareTo(BigInteger.valueOf(high)) > 0) {
                        throw e.error(null, "entry '" + entryName + "' counts on to " + next + ", past " + high
                                + ": " + why);
                    }
                    entries.add(new SpecEnum.Entry(entryName, next.longValue(), doc));
                    next = next.add(BigInteger.ONE);
                }
                enums.put(name, new SpecEnum(name, flags, entries));
            }
            case "struct" -> {
                List<SpecStruct.Member> members = new ArrayList<>();
                for (Yaml m : d.list("members", MEMBER)) {
                    SpecType memberType = type(m, "type");
                    if (!memberType.isFixedScalar() && memberType != SpecType.PAD && memberType != SpecType.BINARY
                            && memberType != SpecType.STRING) {
                        throw m.error("type", "'" + memberType.yamlName() + "' cannot be a struct member");
                    }
                    String struct = m.optString("struct").orElse(null);
                    int len = m.has("len") ? m.requireRange("len", resolveNumber(m, "len"), BigInteger.ZERO,
                            BigInteger.valueOf(MAX_PAYLOAD), "a struct holds at most one attribute's payload")
                            .intValue() : 0;
                    if (!memberType.isFixedScalar() && struct == null && !m.has("len")) {
                        throw m.error("len", "a " + memberType.yamlName() + " member needs a len");
                    }
                    members.add(new SpecStruct.Member(m.string("name"), memberType, byteOrder(m),
                            m.optString("enum").orElse(null), len, displayHint(m), struct));
                }
                structs.put(name, new SpecStruct(name, members));
            }
            default -> throw d.error("type", "'" + type + "' is not const, enum, flags or struct");
        }
    }

    /** Checks the enum and struct references of struct members, once all definitions are read. */
    private void checkStructReferences(Yaml d) throws MalformedSpecException {
        if (!d.string("type").equals("struct")) {
            return;
        }
        for (Yaml m : d.list("members", MEMBER)) {
            String enumName = m.optString("enum").orElse(null);
            if (enumName != null && !enums.containsKey(enumName)) {
                throw m.error("enum", "unknown enum '" + enumName + "'; defined: " + enums.keySet());
            }
            if (m.has("struct")) {
                structRef(m, "struct");
            }
        }
    }

    /**
     * The size of struct {@code d}, checked: no struct contains itself, directly or through others, and none is
     * larger than an attribute's payload. {@code within} holds the structs being measured around it.
     */
    private long checkStructSize(Yaml d, Map<String, Yaml> definitions, List<String> within)
            throws MalformedSpecException {
        String name = d.string("name");
        Long known = structSizes.get(name);
        if (known != null) {
            return known;
        }
        if (within.contains(name)) {
            throw d.error("name", "struct '" + name + "' contains itself: "
                    + String.join(" > ", within.subList(within.indexOf(name), within.size())) + " > " + name);
        }
        within.add(name);
        long size = 0;
        for (SpecStruct.Member m : structs.get(name).members()) {
            size += m.type() == SpecType.BINARY && m.structName() != null
                    ? checkStructSize(definitions.get(m.structName()), definitions, within)
                    : m.type().isFixedScalar() ? m.type().fixedSize() : m.len();
        }
        within.removeLast();
        if (size > MAX_PAYLOAD) {
            throw d.error("members", "struct '" + name + "' is " + size + " bytes, more than the " + MAX_PAYLOAD
                    + " an attribute's payload can hold");
        }
        structSizes.put(name, size);
        return size;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Attribute sets

    private void readAttributeSet(Yaml s, AttributeSet parent) throws MalformedSpecException {
        String name = s.string("name");
        if (attributeSets.containsKey(name)) {
            throw s.error("name", "attribute set '" + name + "' is defined twice");
        }
        if (parent != null && s.has("name-prefix")) {
            throw s.error("name-prefix", "a subset takes the names of its parent '" + parent.name() + "'");
        }
        List<SpecAttribute> attributes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<Integer, String> byValue = new HashMap<>();
        int value = 1;
        for (Yaml a : s.list("attributes", ATTRIBUTE)) {
            String attrName = a.string("name");
            if (!seen.add(attrName)) {
                if (parent != null) {
                    continue; // a subset listing an attribute twice still means that one attribute (devlink.yaml)
                }
                throw a.error("name", "attribute '" + attrName + "' appears twice in set '" + name + "'");
            }
            if (parent != null) {
                SpecAttribute real = parent.attribute(attrName).orElseThrow(() -> a.error("name",
                        "subset '" + name + "' lists '" + attrName + "', which set '" + parent.name()
                                + "' does not have; it has " + parent.names()));
                attributes.add(real);
                continue;
            }
            if (a.has("value")) {
                value = (int) a.longValue("value", 0, MAX_ATTRIBUTE_TYPE, "an attribute type is 14 bits");
            } else if (value > MAX_ATTRIBUTE_TYPE) {
                throw a.error("name", "attribute '" + attrName + "' counts on to type " + value + ", past "
                        + MAX_ATTRIBUTE_TYPE + ": an attribute type is 14 bits");
            }
            String before = byValue.putIfAbsent(value, attrName);
            if (before != null) {
                // Replies are decoded by type: two names for one type would make one of them unreachable.
                throw a.error("name", "attribute '" + attrName + "' has type " + value + ", which '" + before
                        + "' of set '" + name + "' has already");
            }
            attributes.add(readAttribute(a, attrName, value));
            value++;
        }
        attributeSets.put(name, new AttributeSet(name, s.optString("name-prefix").orElse(null),
                parent == null ? null : parent.name(), attributes));
    }

    private SpecAttribute readAttribute(Yaml a, String name, int value) throws MalformedSpecException {
        SpecType type = type(a, "type");
        String enumName = a.optString("enum").orElse(null);
        if (enumName != null && !enums.containsKey(enumName)) {
            throw a.error("enum", "unknown enum '" + enumName + "'; defined: " + enums.keySet());
        }
        String struct = a.optString("struct").orElse(null);
        if (struct != null) {
            structRef(a, "struct");
        }
        String nested = a.optString("nested-attributes").orElse(null);
        if ((type == SpecType.NEST || type == SpecType.NEST_TYPE_VALUE) && nested == null) {
            throw a.error("nested-attributes", "a " + type.yamlName() + " attribute needs nested-attributes");
        }
        SpecType subType = a.has("sub-type") ? type(a, "sub-type") : null;
        if (type == SpecType.INDEXED_ARRAY && subType == null) {
            throw a.error("sub-type", "an indexed-array needs a sub-type");
        }
        if (subType == SpecType.NEST && nested == null) {
            throw a.error("nested-attributes", "an indexed-array of nests needs nested-attributes");
        }
        Checks checks = a.has("checks") ? readChecks(a.map("checks", CHECKS), type) : Checks.NONE;
        List<String> typeValue = new ArrayList<>();
        for (Yaml t : a.optList("type-value", null)) {
            typeValue.add(t.scalar());
        }
        return new SpecAttribute(name, value, type, a.optBoolean("multi-attr"), nested, enumName,
                a.optBoolean("enum-as-flags"), byteOrder(a), subType, struct, displayHint(a), checks, typeValue,
                a.optString("sub-message").orElse(null), a.optString("selector").orElse(null), a.line());
    }

    private Checks readChecks(Yaml c, SpecType type) throws MalformedSpecException {
        String flagsMask = c.optString("flags-mask").orElse(null);
        if (flagsMask != null && !enums.containsKey(flagsMask)) {
            throw c.error("flags-mask", "unknown flags '" + flagsMask + "'; defined: " + enums.keySet());
        }
        BigInteger min = c.has("min") ? resolveNumber(c, "min") : null;
        BigInteger max = c.has("max") ? resolveNumber(c, "max") : null;
        if (type.isInteger()) {
            BigInteger[] range = range(type);
            String why = "the range of " + type.yamlName();
            if (min != null) {
                c.requireRange("min", min, range[0], range[1], why);
            }
            if (max != null) {
                c.requireRange("max", max, range[0], range[1], why);
            }
        }
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw c.error("max", "max " + max + " is below min " + min);
        }
        Long minLen = length(c, "min-len");
        Long maxLen = length(c, "max-len");
        if (minLen != null && maxLen != null && minLen > maxLen) {
            throw c.error("max-len", "max-len " + maxLen + " is below min-len " + minLen);
        }
        return new Checks(min, max, minLen, maxLen, length(c, "exact-len"), c.optBoolean("unterminated-ok"),
                flagsMask);
    }

    private Long length(Yaml c, String key) throws MalformedSpecException {
        return c.has(key) ? c.requireRange(key, resolveNumber(c, key), BigInteger.ZERO, BigInteger.valueOf(MAX_PAYLOAD),
                "an attribute's payload is at most " + MAX_PAYLOAD + " bytes").longValue() : null;
    }

    /** The values an integer attribute of {@code type} can carry. */
    private static BigInteger[] range(SpecType type) {
        int bits = type.fixedSize() > 0 ? 8 * type.fixedSize() : 64; // uint and sint are up to 64 bits
        BigInteger unsignedTop = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger signedTop = BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        return type.isSigned() ? new BigInteger[] {signedTop.add(BigInteger.ONE).negate(), signedTop}
                : new BigInteger[] {BigInteger.ZERO, unsignedTop};
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operations

    private void readOperations(List<Yaml> list, String enumModel, String familyFixedHeader)
            throws MalformedSpecException {
        if (!enumModel.equals("unified") && !enumModel.equals("directional")) {
            throw list.isEmpty() ? new MalformedSpecException(file, 0, "enum-model", "unknown model " + enumModel)
                    : list.getFirst().error("enum-model", "'" + enumModel + "' is not unified or directional");
        }
        int value = 1;
        int requestValue = 1;
        int replyValue = 1;
        for (Yaml o : list) {
            String name = o.string("name");
            if (operations.containsKey(name)) {
                throw o.error("name", "operation '" + name + "' is defined twice");
            }
            SpecOperation.Mode doMode = o.has("do") ? mode(o.map("do", MODE)) : null;
            SpecOperation.Mode dumpMode = o.has("dump") ? mode(o.map("dump", MODE)) : null;
            String notify = o.optString("notify").orElse(null);
            List<String> event = null;
            if (o.has("event")) {
                event = new ArrayList<>();
                for (Yaml e : o.map("event", MESSAGE).list("attributes", null)) {
                    event.add(e.scalar());
                }
            }
            int request;
            int reply;
            if (enumModel.equals("unified")) {
                if (o.has("value")) {
                    value = commandValue(o);
                }
                request = value;
                reply = value;
                value++;
            } else {
                // nlspec.py's directional numbering: requests and replies counted apart.
                if (notify != null || event != null) {
                    if (o.has("value")) {
                        replyValue = commandValue(o);
                    }
                    request = -1;
                    reply = replyValue;
                    replyValue++;
                } else if (doMode != null || dumpMode != null) {
                    Yaml mode = o.map(o.has("do") ? "do" : "dump", MODE);
                    if (mode.has("request") && mode.map("request", MESSAGE).has("value")) {
                        requestValue = commandValue(mode.map("request", MESSAGE));
                    }
                    boolean hasReply = mode.has("reply");
                    if (hasReply && mode.map("reply", MESSAGE).has("value")) {
                        replyValue = commandValue(mode.map("reply", MESSAGE));
                    }
                    request = requestValue;
                    reply = hasReply ? replyValue : -1;
                    requestValue++;
                    if (hasReply) {
                        replyValue++;
                    }
                } else {
                    throw o.error("name", "a directional operation needs do, dump, notify or event");
                }
            }
            if (Math.max(request, reply) > MAX_COMMAND) {
                throw o.error("name", "operation '" + name + "' counts on to command " + Math.max(request, reply)
                        + ", past " + MAX_COMMAND + ": a generic netlink command is one byte");
            }
            String attributeSet = o.optString("attribute-set").orElse(null);
            if (attributeSet != null) {
                attributeSetRef(o, "attribute-set");
            }
            String fixedHeader = o.optString("fixed-header").orElse(familyFixedHeader);
            if (o.has("fixed-header")) {
                structRef(o, "fixed-header");
            }
            String mcgrp = o.optString("mcgrp").orElse(null);
            if (mcgrp != null && !groups.containsKey(mcgrp)) {
                throw o.error("mcgrp", "unknown multicast group '" + mcgrp + "'; defined: " + groups.keySet());
            }
            operations.put(name, new SpecOperation(name, request, reply, attributeSet, fixedHeader, doMode, dumpMode,
                    notify, event, mcgrp, enumSet(o, "flags", OP_FLAGS),
                    enumSet(o, "dont-validate", Set.of("strict", "dump", "dump-strict")), o.line()));
        }
        // Second pass: notify targets and attribute names exist, now that every operation is known.
        for (Yaml o : list) {
            SpecOperation op = operations.get(o.string("name"));
            String set = op.attributeSet();
            if (op.notifies() != null) {
                SpecOperation target = operations.get(op.notifies());
                if (target == null) {
                    throw o.error("notify", "names unknown operation '" + op.notifies() + "'; defined: "
                            + operations.keySet());
                }
                if (set == null) {
                    set = target.attributeSet();
                    operations.put(op.name(), new SpecOperation(op.name(), op.requestValue(), op.replyValue(), set,
                            op.fixedHeader(), op.doMode(), op.dumpMode(), op.notifies(), op.event(), op.mcgrp(),
                            op.flags(), op.dontValidate(), op.line()));
                }
            }
            if (set == null && (op.isCall() || op.event() != null)) {
                throw o.error("attribute-set", "operation '" + op.name() + "' needs an attribute-set");
            }
            if (set == null) {
                continue;
            }
            AttributeSet attrs = attributeSets.get(set);
            for (String mode : List.of("do", "dump")) {
                if (!o.has(mode)) {
                    continue;
                }
                Yaml m = o.map(mode, MODE);
                for (String part : List.of("request", "reply")) {
                    if (m.has(part)) {
                        for (Yaml n : m.map(part, MESSAGE).optList("attributes", null)) {
                            checkAttributeName(n, attrs, op.name() + " " + mode + " " + part);
                        }
                    }
                }
            }
            if (o.has("event")) {
                for (Yaml n : o.map("event", MESSAGE).list("attributes", null)) {
                    checkAttributeName(n, attrs, op.name() + " event");
                }
            }
        }
    }

    private void checkAttributeName(Yaml n, AttributeSet attrs, String where) throws MalformedSpecException {
        String attr = n.scalar();
        if (attrs.attribute(attr).isEmpty()) {
            throw n.error(null, where + " lists '" + attr + "', which attribute set '" + attrs.name()
                    + "' does not have; it has " + attrs.names());
        }
    }

    private static int commandValue(Yaml y) throws MalformedSpecException {
        return (int) y.longValue("value", 0, MAX_COMMAND, "a generic netlink command is one byte");
    }

    private SpecOperation.Mode mode(Yaml m) throws MalformedSpecException {
        List<String> request = m.has("request") ? names(m.map("request", MESSAGE)) : null;
        List<String> reply = m.has("reply") ? names(m.map("reply", MESSAGE)) : null;
        return new SpecOperation.Mode(request, reply);
    }

    private static List<String> names(Yaml message) throws MalformedSpecException {
        List<String> names = new ArrayList<>();
        for (Yaml n : message.optList("attributes", null)) {
            names.add(n.scalar());
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Values and references

    private SpecType type(Yaml y, String key) throws MalformedSpecException {
        String name = y.string(key);
        return SpecType.fromYaml(name).orElseThrow(() -> y.error(key, "unknown type '" + name + "'; valid: "
                + SpecType.yamlNames()));
    }

    private static ByteOrder byteOrder(Yaml y) throws MalformedSpecException {
        Optional<String> order = y.optString("byte-order");
        if (order.isEmpty()) {
            return null;
        }
        return switch (order.get()) {
            case "big-endian" -> ByteOrder.BIG_ENDIAN;
            case "little-endian" -> ByteOrder.LITTLE_ENDIAN;
            default -> throw y.error("byte-order", "'" + order.get() + "' is not big-endian or little-endian");
        };
    }

    private static String displayHint(Yaml y) throws MalformedSpecException {
        String hint = y.optString("display-hint").orElse(null);
        if (hint != null && !DISPLAY_HINTS.contains(hint)) {
            throw y.error("display-hint", "'" + hint + "' is not one of " + sorted(DISPLAY_HINTS));
        }
        return hint;
    }

    private static Set<String> enumSet(Yaml y, String key, Set<String> valid) throws MalformedSpecException {
        Set<String> result = new HashSet<>();
        for (Yaml item : y.optList(key, null)) {
            String v = item.scalar();
            if (!valid.contains(v)) {
                throw item.error(key, "'" + v + "' is not one of " + sorted(valid));
            }
            result.add(v);
        }
        return result;
    }

    private AttributeSet attributeSetRef(Yaml y, String key) throws MalformedSpecException {
        String name = y.string(key);
        AttributeSet set = attributeSets.get(name);
        if (set == null) {
            throw y.error(key, "unknown attribute set '" + name + "'; defined: " + attributeSets.keySet());
        }
        return set;
    }

    private void structRef(Yaml y, String key) throws MalformedSpecException {
        String name = y.string(key);
        if (!structs.containsKey(name)) {
            throw y.error(key, "unknown struct '" + name + "'; defined: " + structs.keySet());
        }
    }

    /**
     * A number as the schema's {@code len-or-limit} and {@code len-or-define} allow: a literal, a const's name,
     * a type limit such as {@code u32-max} or {@code s16-min}, or {@code NAME - 1}.
     */
    private BigInteger resolveNumber(Yaml y, String key) throws MalformedSpecException {
        String text = y.string(key).trim();
        BigInteger literal = parseInteger(text);
        if (literal != null) {
            return literal;
        }
        BigInteger minus = BigInteger.ZERO;
        if (text.endsWith(" - 1")) {
            text = text.substring(0, text.length() - 4).trim();
            minus = BigInteger.ONE;
        }
        var limit = java.util.regex.Pattern.compile("([su])(8|16|32|64)-(min|max)").matcher(text);
        if (limit.matches()) {
            int bits = Integer.parseInt(limit.group(2));
            boolean signed = limit.group(1).equals("s");
            boolean max = limit.group(3).equals("max");
            BigInteger value = signed
                    ? (max ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
                           : BigInteger.ONE.shiftLeft(bits - 1).negate())
                    : (max ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE) : BigInteger.ZERO);
            return value.subtract(minus);
        }
        SpecConstant constant = constants.get(text);
        if (constant == null || constant.number() == null) {
            throw y.error(key, "'" + y.string(key) + "' is neither a number, a type limit (u32-max...) nor a const;"
                    + " consts defined: " + constants.keySet());
        }
        return BigInteger.valueOf(constant.number()).subtract(minus);
    }

    static BigInteger parseInteger(String text) {
        String t = text.replace("_", "");
        boolean negative = t.startsWith("-");
        String digits = negative || t.startsWith("+") ? t.substring(1) : t;
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.startsWith("0o")) {
            radix = 8;
            digits = digits.substring(2);
        }
        if (digits.isEmpty()) {
            return null;
        }
        try {
            BigInteger v = new BigInteger(digits, radix);
            return negative ? v.negate() : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> sorted(Set<String> set) {
        return set.stream().sorted().toList();
    }

    private Yaml map(Node node, String path, Set<String> keys) throws MalformedSpecException {
        Yaml y = new Yaml(node, path);
        y.requireMap(keys);
        return y;
    }

    /**
     * The parser as the composer sees it, counting how deep collections nest: the composer recurses once per
     * level, so text nested thousands deep would exhaust the stack; it stops at {@value #MAX_NESTING} levels.
     */
    private static final class DepthLimitedParser implements Parser {
        private final Parser parser;
        private int depth;

        DepthLimitedParser(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            Event event = parser.next();
            switch (event.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > MAX_NESTING) {
                        throw new TooDeepException(event.getStartMark().map(m -> m.getLine() + 1).orElse(0));
                    }
                }
                case SequenceEnd, MappingEnd -> depth--;
                default -> {
                    // scalars, aliases, documents: no nesting
                }
            }
            return event;
        }
    }

    /** Thrown through the composer by {@link DepthLimitedParser}; becomes a {@link MalformedSpecException}. */
    private static final class TooDeepException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int line;

        TooDeepException(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    /** A YAML node with its path of keys, so every error names the file, the line and the key. */
    private final class Yaml {
        private final Node node;
        private final String path;

        Yaml(Node node, String path) {
            this.node = node;
            this.path = path;
        }

        int line() {
            return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        }

        boolean isScalar() {
            return node instanceof ScalarNode;
        }

        String scalar() throws MalformedSpecException {
            if (node instanceof ScalarNode s) {
                return s.getValue();
            }
            throw new MalformedSpecException(file, line(), path, "expected a single value, found a "
                    + kind(node));
        }

        void requireMap(Set<String> keys) throws MalformedSpecException {
            if (!(node instanceof MappingNode m)) {
                throw new MalformedSpecException(file, line(), path, "expected a mapping, found a " + kind(node));
            }
            if (keys == null) {
                return;
            }
            Set<String> seen = new HashSet<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                int keyLine = t.getKeyNode().getStartMark().map(mk -> mk.getLine() + 1).orElse(line());
                if (!keys.contains(key)) {
                    throw new MalformedSpecException(file, keyLine, child(key), "unknown key; expected one of "
                            + sorted(keys));
                }
                if (!seen.add(key)) {
                    throw new MalformedSpecException(file, keyLine, child(key), "key appears twice");
                }
            }
        }

        private Node get(String key) {
            if (node instanceof MappingNode m) {
                for (NodeTuple t : m.getValue()) {
                    if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                        return t.getValueNode();
                    }
                }
            }
            return null;
        }

        boolean has(String key) {
            Node value = get(key);
            return value != null && !(value instanceof ScalarNode s && s.getValue().isEmpty()
                    && s.getTag().getValue().endsWith(":null"));
        }

        private String child(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private Yaml required(String key) throws MalformedSpecException {
            Node value = get(key);
            if (value == null) {
                throw new MalformedSpecException(file, line(), child(key), "missing"
                        + (path.isEmpty() ? "" : " in " + path));
            }
            return new Yaml(value, child(key));
        }

        String string(String key) throws MalformedSpecException {
            return required(key).scalar();
        }

        Optional<String> optString(String key) throws MalformedSpecException {
            return has(key) ? Optional.of(string(key)) : Optional.empty();
        }

        /** The integer at {@code key}, which must be within {@code min..max} ({@code why} says why). */
        long longValue(String key, long min, long max, String why) throws MalformedSpecException {
            Yaml value = required(key);
            BigInteger n = parseInteger(value.scalar());
            if (n == null) {
                throw new MalformedSpecException(file, value.line(), value.path, "'" + value.scalar()
                        + "' is not an integer");
            }
            return requireRange(key, n, BigInteger.valueOf(min), BigInteger.valueOf(max), why).longValue();
        }

        /** {@code n}, the value at {@code key}, if it is within {@code min..max}; else fails saying {@code why}. */
        BigInteger requireRange(String key, BigInteger n, BigInteger min, BigInteger max, String why)
                throws MalformedSpecException {
            if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
                throw error(key, n + " is out of range " + min + ".." + max + ": " + why);
            }
            return n;
        }

        boolean optBoolean(String key) throws MalformedSpecException {
            if (!has(key)) {
                return false;
            }
            Yaml value = required(key);
            return switch (value.scalar()) {
                case "true", "True", "TRUE" -> true;
                case "false", "False", "FALSE" -> false;
                default -> throw new MalformedSpecException(file, value.line(), value.path, "'" + value.scalar()
                        + "' is not true or false");
            };
        }

        Yaml map(String key, Set<String> keys) throws MalformedSpecException {
            Yaml value = required(key);
            value.requireMap(keys);
            return value;
        }

        /** A list whose items are mappings with {@code keys}, or (keys null) scalars; entries may be either. */
        List<Yaml> list(String key, Set<String> keys) throws MalformedSpecException {
            Yaml value = required(key);
            if (!(value.node instanceof SequenceNode seq)) {
                throw new MalformedSpecException(file, value.line(), value.path, "expected a list, found a "
                        + kind(value.node));
            }
            List<Yaml> items = new ArrayList<>();
            int i = 0;
            for (Node item : seq.getValue()) {
                Yaml y = new Yaml(item, value.path + "[" + i++ + "]");
                if (keys != null && !(item instanceof ScalarNode && keys == ENTRY)) {
                    y.requireMap(keys);
                } else if (keys == null) {
                    y.scalar();
                }
                items.add(y);
            }
            return items;
        }

        List<Yaml> optList(String key, Set<String> keys) throws MalformedSpecException {
            return has(key) ? list(key, keys) : List.of();
        }

        MalformedSpecException error(String key, String problem) {
            Node value = key == null ? null : get(key);
            int at = value == null ? line() : value.getStartMark().map(m -> m.getLine() + 1).orElse(line());
            return new MalformedSpecException(file, at, key == null ? path : child(key), problem);
        }

        private String kind(Node n) {
            return n instanceof MappingNode ? "mapping" : n instanceof SequenceNode ? "list" : "value";
        }
    }
}
