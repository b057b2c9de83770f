package org.vnetnl.genl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.IntPredicate;

import org.vnetnl.internal.libnl.LibNl;

/**
 * The attribute policies one command of a family validates requests against, as the running kernel reports
 * them ({@code CTRL_CMD_GETPOLICY} with {@code CTRL_ATTR_OP}): the policy of its {@code doit} and of its
 * {@code dumpit}, and for each policy the rule of every attribute type (its kind, value range, length limits and
 * nested policy). Attributes the kernel always rejects ({@code NLA_REJECT}) or does not describe
 * ({@code NLA_UNSPEC}) are not listed, as the kernel leaves them out of the dump.
 *
 * <p>Its main use is a schema check: {@link #mismatches(Table, AttributePolicy)} compares a policy the client
 * was built for with the kernel's and names every attribute on which they disagree, so that a client talking to
 * a different build of a kernel module fails at start rather than on the first rejected request.
 *
 * <p>Immutable. Reading it needs Linux 5.10 or later ({@code CTRL_ATTR_OP}).
 */
public final class FamilyPolicy {

    /**
     * How the kernel validates one attribute type. Fields that do not apply to the kind, or that the kernel did
     * not report, are empty.
     *
     * @param type         the attribute type
     * @param kind         the kind of payload
     * @param minValue     smallest accepted value of an integer (for unsigned kinds, read as unsigned)
     * @param maxValue     largest accepted value of an integer (for unsigned kinds, read as unsigned)
     * @param minLength    smallest accepted payload length of a binary attribute
     * @param maxLength    largest accepted length: string bytes without the NUL for strings, payload bytes for
     *                     binary attributes; empty when unlimited
     * @param nestedPolicy index of the policy nested attributes are validated against
     */
    public record Rule(int type, AttributeKind kind, Optional<Long> minValue, Optional<Long> maxValue, OptionalInt minLength,
                       OptionalInt maxLength, OptionalInt nestedPolicy) {

        public Rule {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(minValue, "minValue");
            Objects.requireNonNull(maxValue, "maxValue");
            Objects.requireNonNull(minLength, "minLength");
            Objects.requireNonNull(maxLength, "maxLength");
            Objects.requireNonNull(nestedPolicy, "nestedPolicy");
        }

        /** Describes the rule as the kernel states it, e.g. {@code "u8 0..1"} or {@code "NUL-terminated string of at most 255 bytes"}. */
        public String describe() {
            StringBuilder text = new StringBuilder(kind.toString());
            if (kind.isInteger() && minValue.isPresent() && maxValue.isPresent()) {
                text.append(' ').append(format(kind, minValue.get())).append("..").append(format(kind, maxValue.get()));
            }
            minLength.ifPresent(min -> text.append(", at least ").append(min).append(" bytes"));
            maxLength.ifPresent(max -> text.append(kind == AttributeKind.BINARY ? ", at most " : " of at most ").append(max)
                    .append(" bytes"));
            return text.toString();
        }

        private static String format(AttributeKind kind, long value) {
            return kind.format(value);
        }
    }

    /**
     * One policy: the rules by attribute type.
     *
     * @param index the policy's index in the dump, which commands and nested rules refer to
     * @param rules the rules by ascending attribute type
     */
    public record Table(int index, Map<Integer, Rule> rules) {

        public Table {
            rules = Collections.unmodifiableMap(new TreeMap<>(rules));
        }

        /** The rule for attribute {@code type}, empty when the kernel does not accept that type. */
        public Optional<Rule> rule(int type) {
            return Optional.ofNullable(rules.get(type));
        }
    }

    private final String familyName;
    private final int command;
    private final OptionalInt doPolicy;
    private final OptionalInt dumpPolicy;
    private final Map<Integer, Table> tables;

    private FamilyPolicy(String familyName, int command, OptionalInt doPolicy, OptionalInt dumpPolicy,
                         Map<Integer, Table> tables) {
        this.familyName = familyName;
        this.command = command;
        this.doPolicy = doPolicy;
        this.dumpPolicy = dumpPolicy;
        this.tables = Collections.unmodifiableMap(new TreeMap<>(tables));
    }

    /**
     * Reads the policies of one command of {@code family}: {@link Controller#policy} of {@code connection}.
     *
     * @throws NetlinkException the controller's error: ENODATA (EOPNOTSUPP on older kernels) when the command
     *                          has no policy, ENOENT when the family has no such command
     */
    public static FamilyPolicy read(GenlConnection connection, Family family, int command, Duration timeout)
            throws NetlinkException {
        return connection.controller().policy(family, command, timeout);
    }

    /** The name of the family the policies belong to. */
    public String familyName() {
        return familyName;
    }

    /** The command whose policies these are. */
    public int command() {
        return command;
    }

    /** Every policy the command refers to, directly or through nested attributes, by index. */
    public Map<Integer, Table> tables() {
        return tables;
    }

    /** The policy requests without NLM_F_DUMP are validated against, when the command has a doit with a policy. */
    public Optional<Table> doPolicy() {
        return doPolicy.isPresent() ? Optional.ofNullable(tables.get(doPolicy.getAsInt())) : Optional.empty();
    }

    /** The policy dump requests are validated against, when the command has a dumpit with a policy. */
    public Optional<Table> dumpPolicy() {
        return dumpPolicy.isPresent() ? Optional.ofNullable(tables.get(dumpPolicy.getAsInt())) : Optional.empty();
    }

    /**
     * Compares the policy a client expects with the kernel's {@code actual} one, attribute by attribute, nested
     * policies included. Every attribute {@code expected} declares must be accepted by the kernel with the same
     * kind and the same limits; attributes only the kernel knows are not differences (a newer kernel may accept
     * more than a client uses).
     *
     * @return one sentence per disagreement, each naming the attribute with its name from {@code expected};
     *         empty when they agree
     */
    public List<String> mismatches(Table actual, AttributePolicy expected) {
        return mismatches(actual, expected, type -> true);
    }

    /**
     * As {@link #mismatches(Table, AttributePolicy)}, for the top-level attributes of {@code expected} whose type
     * {@code compared} accepts: those a command actually sends.
     */
    public List<String> mismatches(Table actual, AttributePolicy expected, IntPredicate compared) {
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(compared, "compared");
        List<String> found = new ArrayList<>();
        compare(actual, expected, compared, "", found);
        return found;
    }

    private void compare(Table actual, AttributePolicy expected, IntPredicate compared, String prefix,
                         List<String> found) {
        for (AttributePolicy.AttributeSpec spec : expected.specs()) {
            if (!compared.test(spec.type())) {
                continue;
            }
            String name = prefix + spec.name() + " (type " + spec.type() + ")";
            Rule rule = actual.rules().get(spec.type());
            if (rule == null) {
                found.add(name + ": the client expects " + describe(spec) + ", the kernel does not accept it");
                continue;
            }
            String difference = difference(spec, rule);
            if (difference != null) {
                found.add(name + ": the client expects " + describe(spec) + ", the kernel has " + rule.describe()
                        + difference);
                continue;
            }
            if (spec.kind() == AttributeKind.NESTED && spec.nestedPolicy().isPresent()) {
                Table nested = rule.nestedPolicy().isPresent() ? tables.get(rule.nestedPolicy().getAsInt()) : null;
                if (nested == null) {
                    found.add(name + ": the client expects nested attributes with a policy, the kernel reports"
                            + " none for them");
                } else {
                    compare(nested, spec.nestedPolicy().get(), type -> true, prefix + spec.name() + "/", found);
                }
            }
        }
    }

    /** Null when the rule matches the declaration, otherwise a short reason ("" when the description says it). */
    private static String difference(AttributePolicy.AttributeSpec spec, Rule rule) {
        AttributeKind kind = spec.kind();
        if (rule.kind() != kind) {
            return "";
        }
        if (kind.isInteger()) {
            if (rule.minValue().isEmpty() || rule.maxValue().isEmpty()) {
                return " (no value range reported)";
            }
            if (rule.minValue().get() != spec.min() || rule.maxValue().get() != spec.max()) {
                return "";
            }
            return null;
        }
        if (kind == AttributeKind.NUL_STRING || kind == AttributeKind.BINARY) {
            // The kernel leaves the limits out when there are none; the declarations then carry the largest
            // length an attribute can have at all.
            int unlimited = kind == AttributeKind.NUL_STRING ? AttributeWriter.MAX_PAYLOAD_LENGTH - 1
                    : AttributeWriter.MAX_PAYLOAD_LENGTH;
            int max = rule.maxLength().orElse(unlimited);
            int min = rule.minLength().orElse(0);
            if (max != spec.maxLength() || (kind == AttributeKind.BINARY && min != spec.minLength())) {
                return "";
            }
        }
        return null;
    }

    private static String describe(AttributePolicy.AttributeSpec spec) {
        String description = spec.describe();
        if (spec.kind().isInteger() && !spec.hasRange()) {
            description += " " + spec.kind().format(spec.min()) + ".." + spec.kind().format(spec.max());
        }
        return description;
    }

    @Override
    public String toString() {
        return "FamilyPolicy[" + familyName + " command " + command + ", do=" + doPolicy + ", dump=" + dumpPolicy
                + ", tables=" + tables.values() + "]";
    }

    /** Collects the parts of a policy dump; package-private so the parsing can be tested on bytes alone. */
    static final class Parser implements DumpHandler {
        OptionalInt doPolicy = OptionalInt.empty();
        OptionalInt dumpPolicy = OptionalInt.empty();
        private final Map<Integer, Map<Integer, Rule>> rules = new TreeMap<>();
        private final AttributeReader level1 = new AttributeReader();
        private final AttributeReader level2 = new AttributeReader();
        private final AttributeReader level3 = new AttributeReader();

        @Override
        public void onMessage(GenlMessage part) {
            AttributeReader attributes = part.attributes();
            while (attributes.next()) {
                int type = attributes.type();
                if (type == LibNl.CTRL_ATTR_OP_POLICY()) {
                    attributes.nested(level1);
                    // One entry, for the command asked for. Its key is not checked: for a command without doit,
                    // kernels up to at least 6.18 key it with the doit's command number, which is then 0.
                    while (level1.next()) {
                        readCommand(level1.nested(level2));
                    }
                } else if (type == LibNl.CTRL_ATTR_POLICY()) {
                    attributes.nested(level1);
                    while (level1.next()) {
                        Map<Integer, Rule> table = rules.computeIfAbsent(level1.type(), index -> new TreeMap<>());
                        level1.nested(level2);
                        while (level2.next()) {
                            table.put(level2.type(), readRule(level2.type(), level2.nested(level3)));
                        }
                    }
                }
            }
        }

        /** The policies of {@code command} collected from the parts so far. */
        FamilyPolicy policy(String familyName, int command) {
            return new FamilyPolicy(familyName, command, doPolicy, dumpPolicy, tables());
        }

        Map<Integer, Table> tables() {
            Map<Integer, Table> tables = new TreeMap<>();
            rules.forEach((index, table) -> tables.put(index, new Table(index, table)));
            return tables;
        }

        @Override
        public void onRestart() {
            doPolicy = OptionalInt.empty();
            dumpPolicy = OptionalInt.empty();
            rules.clear();
        }

        private void readCommand(AttributeReader policies) {
            while (policies.next()) {
                if (policies.type() == LibNl.CTRL_ATTR_POLICY_DO()) {
                    doPolicy = OptionalInt.of(policies.u32AsInt());
                } else if (policies.type() == LibNl.CTRL_ATTR_POLICY_DUMP()) {
                    dumpPolicy = OptionalInt.of(policies.u32AsInt());
                }
            }
        }

        /** The kind a policy dump names by its {@code enum netlink_attribute_type} number. */
        static AttributeKind kindOf(int netlinkAttributeType) {
            int t = netlinkAttributeType;
            if (t == LibNl.NL_ATTR_TYPE_FLAG()) return AttributeKind.FLAG;
            if (t == LibNl.NL_ATTR_TYPE_U8()) return AttributeKind.U8;
            if (t == LibNl.NL_ATTR_TYPE_U16()) return AttributeKind.U16;
            if (t == LibNl.NL_ATTR_TYPE_U32()) return AttributeKind.U32;
            if (t == LibNl.NL_ATTR_TYPE_U64()) return AttributeKind.U64;
            if (t == LibNl.NL_ATTR_TYPE_S8()) return AttributeKind.S8;
            if (t == LibNl.NL_ATTR_TYPE_S16()) return AttributeKind.S16;
            if (t == LibNl.NL_ATTR_TYPE_S32()) return AttributeKind.S32;
            if (t == LibNl.NL_ATTR_TYPE_S64()) return AttributeKind.S64;
            if (t == LibNl.NL_ATTR_TYPE_BINARY()) return AttributeKind.BINARY;
            if (t == LibNl.NL_ATTR_TYPE_STRING()) return AttributeKind.STRING;
            if (t == LibNl.NL_ATTR_TYPE_NUL_STRING()) return AttributeKind.NUL_STRING;
            if (t == LibNl.NL_ATTR_TYPE_NESTED()) return AttributeKind.NESTED;
            if (t == LibNl.NL_ATTR_TYPE_NESTED_ARRAY()) return AttributeKind.NESTED_ARRAY;
            if (t == LibNl.NL_ATTR_TYPE_BITFIELD32()) return AttributeKind.BITFIELD32;
            return AttributeKind.UNKNOWN;
        }

        /** One rule from its NL_POLICY_TYPE_ATTR_* fields; an error's extended ack carries one too. */
        static Rule readRule(int attributeType, AttributeReader fields) {
            AttributeKind kind = AttributeKind.UNKNOWN;
            Long minValue = null;
            Long maxValue = null;
            OptionalInt minLength = OptionalInt.empty();
            OptionalInt maxLength = OptionalInt.empty();
            OptionalInt nestedPolicy = OptionalInt.empty();
            while (fields.next()) {
                int field = fields.type();
                if (field == LibNl.NL_POLICY_TYPE_ATTR_TYPE()) {
                    kind = kindOf(fields.u32AsInt());
                } else if (field == LibNl.NL_POLICY_TYPE_ATTR_MIN_VALUE_U()
                        || field == LibNl.NL_POLICY_TYPE_ATTR_MIN_VALUE_S()) {
                    minValue = fields.u64();
                } else if (field == LibNl.NL_POLICY_TYPE_ATTR_MAX_VALUE_U()
                        || field == LibNl.NL_POLICY_TYPE_ATTR_MAX_VALUE_S()) {
                    maxValue = fields.u64();
                } else if (field == LibNl.NL_POLICY_TYPE_ATTR_MIN_LENGTH()) {
                    minLength = OptionalInt.of(fields.u32AsInt());
                } else if (field == LibNl.NL_POLICY_TYPE_ATTR_MAX_LENGTH()) {
                    maxLength = OptionalInt.of(fields.u32AsInt());
                } else if (field == LibNl.NL_POLICY_TYPE_ATTR_POLICY_IDX()) {
                    nestedPolicy = OptionalInt.of(fields.u32AsInt());
                }
            }
            return new Rule(attributeType, kind, Optional.ofNullable(minValue), Optional.ofNullable(maxValue),
                    minLength, maxLength, nestedPolicy);
        }
    }
}
