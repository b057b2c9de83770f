package org.vnetnl.genl;

import static org.vnetnl.genl.AttributeWriter.MAX_PAYLOAD_LENGTH;
import static org.vnetnl.genl.AttributeWriter.MAX_TYPE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The expected shape of a set of netlink attributes: for each attribute type, a name, a kind and limits,
 * like the kernel's {@code struct nla_policy} tables. A policy is immutable and is built with
 * {@link #builder()}:
 *
 * <pre>{@code
 * AttributePolicy stats = AttributePolicy.builder()
 *         .integer(U64, VNET_NL_STATS_RX_PACKETS, "VNET_NL_STATS_RX_PACKETS")
 *         .integer(U64, VNET_NL_STATS_TX_PACKETS, "VNET_NL_STATS_TX_PACKETS")
 *         .build();
 * AttributePolicy policy = AttributePolicy.builder()
 *         .string(VNET_NL_ATTR_MSG, "VNET_NL_ATTR_MSG", VNET_NL_MSG_MAX_LEN)
 *         .integer(U32, VNET_NL_ATTR_VALUE, "VNET_NL_ATTR_VALUE")
 *         .integer(U8, VNET_NL_ATTR_FLAG, "VNET_NL_ATTR_FLAG", 0, 1)
 *         .nested(VNET_NL_ATTR_STATS, "VNET_NL_ATTR_STATS", stats)
 *         .build();
 * policy.validate(reader); // throws PolicyViolationException naming the first offending attribute
 * }</pre>
 *
 * <p>{@link #validate(AttributeReader)} checks what the kernel's {@code nla_validate} checks in strict
 * mode: exact payload sizes for integers and flags, a NUL terminator and a maximum length for strings,
 * payload length limits for binary attributes, value ranges where declared, and nested attributes
 * recursively against their own policy. Attribute types the policy does not declare are skipped, so that
 * a client keeps working when a newer kernel adds attributes, unless the policy was built with
 * {@link Builder#rejectUnknown()}. The {@code NLA_F_NESTED} flag is not required on nested attributes,
 * because kernel code that uses {@code nla_nest_start_noflag} omits it.
 *
 * <p>The declarations are readable through {@link #spec(int)} and {@link #specs()}, so that a client can
 * compare the schema it expects with the policy the kernel reports.
 */
public final class AttributePolicy {

    /**
     * The declaration of one attribute type in a policy. The constructor checks the declaration as the builder
     * does, so every spec in a policy is consistent.
     *
     * <p>The meaning of {@code minLength} and {@code maxLength} depends on the kind: for {@code NUL_STRING} they
     * bound the string length in bytes without the NUL terminator; for every other kind they bound the payload
     * length (equal to the fixed size for integers, 0 for flags).
     *
     * @param type         the attribute type, 1 to {@value AttributeWriter#MAX_TYPE}
     * @param name         the name used in messages, typically the C enumerator such as {@code "VNET_NL_ATTR_MSG"}
     * @param kind         the kind of payload: an integer kind, {@code FLAG}, {@code NUL_STRING}, {@code BINARY}
     *                     or {@code NESTED}
     * @param minLength    the smallest allowed length (see above)
     * @param maxLength    the largest allowed length (see above)
     * @param hasRange     whether a value range narrower than the kind's own was declared
     * @param min          the smallest allowed value of an integer kind (the kind's lowest without a declared
     *                     range; unsigned for {@code U64}); 0 for the other kinds
     * @param max          the largest allowed value of an integer kind (the kind's highest without a declared
     *                     range; -1 stands for 2<sup>64</sup>-1 for {@code U64}); 0 for the other kinds
     * @param nestedPolicy the policy of the attributes nested in this one: present exactly for {@code NESTED}
     *                     (the constructor throws {@link IllegalArgumentException} if the type, the name or the
     *                     limits are not valid for the kind)
     */
    public record AttributeSpec(int type, String name, AttributeKind kind, int minLength, int maxLength,
                                boolean hasRange, long min, long max, Optional<AttributePolicy> nestedPolicy) {

        public AttributeSpec {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(nestedPolicy, "nestedPolicy");
            if (type < 1 || type > MAX_TYPE) {
                throw new IllegalArgumentException("attribute type " + type + " is outside 1.." + MAX_TYPE);
            }
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("attribute type " + type + " needs a name");
            }
            if (nestedPolicy.isPresent() != (kind == AttributeKind.NESTED)) {
                throw new IllegalArgumentException("attribute type " + type + " (" + name + "): a nested policy"
                        + " goes with kind nested, and only with it; got " + kind);
            }
            switch (kind) {
                case U8, U16, U32, U64, S8, S16, S32, S64 -> {
                    if (kind.compare(min, kind.lowest()) < 0 || kind.compare(max, kind.highest()) > 0
                            || kind.compare(min, max) > 0) {
                        throw new IllegalArgumentException("range " + kind.format(min) + ".." + kind.format(max)
                                + " of attribute type " + type + " is not within " + kind.format(kind.lowest())
                                + ".." + kind.format(kind.highest()) + " for " + kind + " or is inverted");
                    }
                    requireLengths(type, kind, minLength, maxLength, kind.fixedSize(), kind.fixedSize());
                }
                case FLAG -> requireLengths(type, kind, minLength, maxLength, 0, 0);
                case NUL_STRING -> requireLimits(type, minLength, maxLength, MAX_PAYLOAD_LENGTH - 1,
                        "string length");
                case BINARY, NESTED -> requireLimits(type, minLength, maxLength, MAX_PAYLOAD_LENGTH,
                        "payload length");
                default -> throw new IllegalArgumentException("attribute type " + type + " (" + name
                        + "): a policy cannot validate kind " + kind);
            }
            if (!kind.isInteger() && (hasRange || min != 0 || max != 0)) {
                throw new IllegalArgumentException("attribute type " + type + " (" + name
                        + "): a value range applies to integer kinds only, not " + kind);
            }
        }

        /**
         * Describes the declaration, for example {@code "VNET_NL_ATTR_FLAG (type 3): u8 0..1"}.
         *
         * @return a short description
         */
        @Override
        public String toString() {
            return name + " (type " + type + "): " + describe();
        }

        /** The declaration without name and type, for example {@code "u8 0..1"}. */
        String describe() {
            StringBuilder text = new StringBuilder(kind.toString());
            if (kind.isInteger()) {
                if (hasRange) {
                    text.append(' ').append(kind.format(min)).append("..").append(kind.format(max));
                }
            } else if (kind == AttributeKind.NUL_STRING) {
                text.append(" of at most ").append(maxLength).append(" bytes");
            } else if (kind == AttributeKind.BINARY) {
                text.append(" of ").append(minLength).append("..").append(maxLength).append(" bytes");
            }
            return text.toString();
        }

        private static void requireLengths(int type, AttributeKind kind, int minLength, int maxLength,
                                           int expectedMin, int expectedMax) {
            if (minLength != expectedMin || maxLength != expectedMax) {
                throw new IllegalArgumentException("lengths " + minLength + ".." + maxLength + " of attribute type "
                        + type + " do not match the " + expectedMin + " bytes of " + kind);
            }
        }

        private static void requireLimits(int type, int min, int max, int highest, String what) {
            if (min < 0 || max < min || max > highest) {
                throw new IllegalArgumentException(what + " limits " + min + ".." + max + " of attribute type "
                        + type + " are not within 0.." + highest + " or are inverted");
            }
        }
    }

    private final AttributeSpec[] specsByType;
    private final List<AttributeSpec> specs;
    private final boolean rejectUnknown;

    private AttributePolicy(Builder builder) {
        int maxType = 0;
        for (AttributeSpec spec : builder.specs) {
            maxType = Math.max(maxType, spec.type());
        }
        specsByType = new AttributeSpec[maxType + 1];
        List<AttributeSpec> sorted = new ArrayList<>(builder.specs);
        sorted.sort((a, b) -> Integer.compare(a.type(), b.type()));
        for (AttributeSpec spec : sorted) {
            specsByType[spec.type()] = spec;
        }
        specs = Collections.unmodifiableList(sorted);
        rejectUnknown = builder.rejectUnknown;
    }

    /**
     * Starts an empty policy.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the declaration of one attribute type.
     *
     * @param type the attribute type
     * @return the declaration, or empty if the type is not declared
     */
    public Optional<AttributeSpec> spec(int type) {
        return Optional.ofNullable(lookup(type));
    }

    /**
     * Returns every declaration, by ascending type.
     *
     * @return an unmodifiable list
     */
    public List<AttributeSpec> specs() {
        return specs;
    }

    /**
     * Returns the highest declared attribute type, like the {@code maxtype} the kernel passes along with a
     * policy table.
     *
     * @return the highest type, 0 for an empty policy
     */
    public int maxType() {
        return specsByType.length - 1;
    }

    /**
     * Tells whether attribute types the policy does not declare are violations.
     *
     * @return {@code true} if built with {@link Builder#rejectUnknown()}
     */
    public boolean rejectsUnknown() {
        return rejectUnknown;
    }

    /**
     * Returns the declared name of an attribute type, for messages.
     *
     * @param type the attribute type
     * @return the name, or {@code "type N"} for a type the policy does not declare
     */
    public String nameOf(int type) {
        AttributeSpec spec = lookup(type);
        return spec != null ? spec.name() : "type " + type;
    }

    /**
     * Checks every attribute of {@code attributes}, from the first, against this policy, recursing into
     * nested attributes, and stops at the first violation. The reader is rewound before and after, so it
     * can be iterated right away.
     *
     * @param attributes the attributes to check
     * @throws PolicyViolationException  for the first attribute that does not match its declaration (or
     *                                   that is not declared, under {@link Builder#rejectUnknown()})
     * @throws MalformedMessageException if the attributes are not well-formed netlink attributes at all
     */
    public void validate(AttributeReader attributes) {
        attributes.rewind();
        try {
            while (attributes.next()) {
                check(attributes);
            }
        } finally {
            attributes.rewind();
        }
    }

    /**
     * Lists the declarations, for debugging.
     *
     * @return a short description
     */
    @Override
    public String toString() {
        return "AttributePolicy" + specs + (rejectUnknown ? " rejecting unknown types" : "");
    }

    private AttributeSpec lookup(int type) {
        return type >= 0 && type < specsByType.length ? specsByType[type] : null;
    }

    private void check(AttributeReader attribute) {
        int type = attribute.type();
        AttributeSpec spec = lookup(type);
        if (spec == null) {
            if (rejectUnknown) {
                throw violation(attribute, "type " + type, "unknown attribute type, the policy declares "
                        + (specs.isEmpty() ? "none" : "types " + typeList()));
            }
            return;
        }
        AttributeKind kind = spec.kind();
        int payloadLength = attribute.payloadLength();
        if (kind.fixedSize() >= 0 && payloadLength != kind.fixedSize()) {
            throw violation(attribute, spec.name(), "payload of " + payloadLength + " byte"
                    + (payloadLength == 1 ? "" : "s") + ", expected " + kind.fixedSize() + " for " + kind);
        }
        switch (kind) {
            case U8, U16, U32, U64, S8, S16, S32, S64 -> {
                long value = integerValue(attribute, kind);
                if (kind.compare(value, spec.min()) < 0 || kind.compare(value, spec.max()) > 0) {
                    throw violation(attribute, spec.name(), "value " + kind.format(value) + " out of range "
                            + kind.format(spec.min()) + ".." + kind.format(spec.max()));
                }
            }
            case NUL_STRING -> {
                int stringLength;
                try {
                    stringLength = attribute.stringLength();
                } catch (MalformedMessageException e) {
                    throw violation(attribute, spec.name(), e.problem());
                }
                if (stringLength > spec.maxLength()) {
                    throw violation(attribute, spec.name(), "string of " + stringLength + " bytes exceeds the "
                            + "maximum of " + spec.maxLength());
                }
            }
            case BINARY -> {
                if (payloadLength < spec.minLength() || payloadLength > spec.maxLength()) {
                    throw violation(attribute, spec.name(), "payload of " + payloadLength + " bytes, expected "
                            + spec.minLength() + ".." + spec.maxLength());
                }
            }
            case NESTED -> spec.nestedPolicy().orElseThrow().validate(attribute.nested());
            default -> {
                // FLAG: the size check above is all it needs; the constructor of AttributeSpec admits no other kind.
            }
        }
    }

    private static long integerValue(AttributeReader attribute, AttributeKind kind) {
        return switch (kind) {
            case U8 -> attribute.u8();
            case U16 -> attribute.u16();
            case U32 -> attribute.u32();
            case U64 -> attribute.u64();
            case S8 -> attribute.s8();
            case S16 -> attribute.s16();
            case S32 -> attribute.s32();
            case S64 -> attribute.s64();
            default -> throw new AssertionError(kind + " is not an integer kind");
        };
    }

    private String typeList() {
        StringBuilder list = new StringBuilder();
        for (AttributeSpec spec : specs) {
            list.append(list.isEmpty() ? "" : ", ").append(spec.type());
        }
        return list.toString();
    }

    private static PolicyViolationException violation(AttributeReader attribute, String name, String problem) {
        return new PolicyViolationException(name, attribute.type(), attribute.offset(), problem);
    }

    /**
     * Collects attribute declarations for an {@link AttributePolicy}. Each type may be declared once.
     * Ranges are inclusive. Every method throws {@link IllegalArgumentException} for a type outside 1 to
     * {@value AttributeWriter#MAX_TYPE}, a type declared twice, an empty name, or limits outside what the
     * kind can hold or with the minimum above the maximum.
     */
    public static final class Builder {

        private final List<AttributeSpec> specs = new ArrayList<>();
        private final boolean[] declared = new boolean[MAX_TYPE + 1];
        private boolean rejectUnknown;

        private Builder() {
        }

        /**
         * Declares an integer of {@code kind} ({@code NLA_U8} to {@code NLA_S64}) accepting every value of the
         * kind.
         *
         * @param kind one of the integer kinds {@code U8} to {@code S64}
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder integer(AttributeKind kind, int type, String name) {
            requireInteger(kind);
            return add(new AttributeSpec(type, name, kind, kind.fixedSize(), kind.fixedSize(), false, kind.lowest(),
                    kind.highest(), Optional.empty()));
        }

        /**
         * Declares an integer of {@code kind} ({@code NLA_U8} to {@code NLA_S64}) limited to {@code min..max},
         * inclusive; for the unsigned kinds both are read as unsigned (pass -1 for 2<sup>64</sup>-1 with
         * {@code U64}).
         *
         * @param kind one of the integer kinds {@code U8} to {@code S64}
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, within the kind's range
         * @param max  the largest allowed value, within the kind's range and not below {@code min}
         * @return this builder
         */
        public Builder integer(AttributeKind kind, int type, String name, long min, long max) {
            requireInteger(kind);
            return add(new AttributeSpec(type, name, kind, kind.fixedSize(), kind.fixedSize(), true, min, max,
                    Optional.empty()));
        }

        /**
         * Declares a flag ({@code NLA_FLAG}): no payload.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder flag(int type, String name) {
            return add(new AttributeSpec(type, name, AttributeKind.FLAG, 0, 0, false, 0, 0, Optional.empty()));
        }

        /**
         * Declares a NUL-terminated string ({@code NLA_NUL_STRING}) of at most {@code maxLength} bytes
         * before the NUL ({@value AttributeWriter#MAX_PAYLOAD_LENGTH} - 1 for any string that fits an attribute).
         *
         * @param type      the attribute type
         * @param name      the name for messages
         * @param maxLength the longest allowed string in bytes, without the NUL, 0 to 65530
         * @return this builder
         */
        public Builder string(int type, String name, int maxLength) {
            return add(new AttributeSpec(type, name, AttributeKind.NUL_STRING, 0, maxLength, false, 0, 0,
                    Optional.empty()));
        }

        /**
         * Declares opaque bytes ({@code NLA_BINARY}) with a payload of {@code minLength..maxLength} bytes
         * ({@code 0..}{@value AttributeWriter#MAX_PAYLOAD_LENGTH} for any length).
         *
         * @param type      the attribute type
         * @param name      the name for messages
         * @param minLength the shortest allowed payload, 0 to 65531
         * @param maxLength the longest allowed payload, {@code minLength} to 65531
         * @return this builder
         */
        public Builder binary(int type, String name, int minLength, int maxLength) {
            return add(new AttributeSpec(type, name, AttributeKind.BINARY, minLength, maxLength, false, 0, 0,
                    Optional.empty()));
        }

        /**
         * Declares nested attributes ({@code NLA_NESTED}) checked against {@code policy}.
         *
         * @param type   the attribute type
         * @param name   the name for messages
         * @param policy the policy of the nested attributes
         * @return this builder
         */
        public Builder nested(int type, String name, AttributePolicy policy) {
            Objects.requireNonNull(policy, "policy");
            return add(new AttributeSpec(type, name, AttributeKind.NESTED, 0, MAX_PAYLOAD_LENGTH, false, 0, 0,
                    Optional.of(policy)));
        }

        /**
         * Declares one attribute as given, for declarations made elsewhere (another policy's
         * {@link AttributePolicy#specs()}, a specification file).
         *
         * @param spec the declaration
         * @return this builder
         */
        public Builder add(AttributeSpec spec) {
            Objects.requireNonNull(spec, "spec");
            if (declared[spec.type()]) {
                throw new IllegalArgumentException("attribute type " + spec.type() + " (" + spec.name()
                        + ") is already declared as " + specs.stream().filter(s -> s.type() == spec.type())
                                .findFirst().orElseThrow());
            }
            declared[spec.type()] = true;
            specs.add(spec);
            return this;
        }

        /**
         * Makes attribute types that are not declared violations. By default they are skipped, so that
         * attributes added by newer kernels do not break older clients.
         *
         * @return this builder
         */
        public Builder rejectUnknown() {
            rejectUnknown = true;
            return this;
        }

        /**
         * Creates the policy. The builder may be used further; later declarations do not affect the policy
         * built now.
         *
         * @return the immutable policy
         */
        public AttributePolicy build() {
            return new AttributePolicy(this);
        }

        private static void requireInteger(AttributeKind kind) {
            if (!kind.isInteger()) {
                throw new IllegalArgumentException(kind + " is not an integer kind");
            }
        }
    }
}
