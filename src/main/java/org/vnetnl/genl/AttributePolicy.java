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
 *         .u64(VNET_NL_STATS_RX_PACKETS, "VNET_NL_STATS_RX_PACKETS")
 *         .u64(VNET_NL_STATS_TX_PACKETS, "VNET_NL_STATS_TX_PACKETS")
 *         .build();
 * AttributePolicy policy = AttributePolicy.builder()
 *         .string(VNET_NL_ATTR_MSG, "VNET_NL_ATTR_MSG", VNET_NL_MSG_MAX_LEN)
 *         .u32(VNET_NL_ATTR_VALUE, "VNET_NL_ATTR_VALUE")
 *         .u8(VNET_NL_ATTR_FLAG, "VNET_NL_ATTR_FLAG", 0, 1)
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

    /** The kind of an attribute's payload, as in the kernel's {@code NLA_*} policy types. */
    public enum Kind {
        /** Unsigned 8-bit integer, {@code NLA_U8}. */
        U8("u8", 1, false, 0, 0xFF),
        /** Unsigned 16-bit integer, {@code NLA_U16}. */
        U16("u16", 2, false, 0, 0xFFFF),
        /** Unsigned 32-bit integer, {@code NLA_U32}. */
        U32("u32", 4, false, 0, 0xFFFF_FFFFL),
        /** Unsigned 64-bit integer, {@code NLA_U64}; its limits are compared as unsigned values. */
        U64("u64", 8, false, 0, -1L),
        /** Signed 8-bit integer, {@code NLA_S8}. */
        S8("s8", 1, true, Byte.MIN_VALUE, Byte.MAX_VALUE),
        /** Signed 16-bit integer, {@code NLA_S16}. */
        S16("s16", 2, true, Short.MIN_VALUE, Short.MAX_VALUE),
        /** Signed 32-bit integer, {@code NLA_S32}. */
        S32("s32", 4, true, Integer.MIN_VALUE, Integer.MAX_VALUE),
        /** Signed 64-bit integer, {@code NLA_S64}. */
        S64("s64", 8, true, Long.MIN_VALUE, Long.MAX_VALUE),
        /** Flag without payload, {@code NLA_FLAG}: its presence is the value. */
        FLAG("flag", 0, false, 0, 0),
        /** NUL-terminated string, {@code NLA_NUL_STRING}. */
        STRING("string", -1, false, 0, 0),
        /** Opaque bytes, {@code NLA_BINARY}. */
        BINARY("binary", -1, false, 0, 0),
        /** Nested attributes, {@code NLA_NESTED}, with their own policy. */
        NESTED("nested", -1, false, 0, 0);

        private final String label;
        private final int size;
        private final boolean signed;
        private final long lowest;
        private final long highest;

        Kind(String label, int size, boolean signed, long lowest, long highest) {
            this.label = label;
            this.size = size;
            this.signed = signed;
            this.lowest = lowest;
            this.highest = highest;
        }

        /**
         * Tells whether this kind is one of the integer kinds {@code U8} to {@code S64}.
         *
         * @return {@code true} for integers
         */
        public boolean isInteger() {
            return ordinal() <= S64.ordinal();
        }

        /**
         * Tells whether this kind is a signed integer kind.
         *
         * @return {@code true} for {@code S8} to {@code S64}
         */
        public boolean isSigned() {
            return signed;
        }

        /**
         * Returns the exact payload size of this kind, or -1 for the variable-size kinds {@code STRING},
         * {@code BINARY} and {@code NESTED}.
         *
         * @return the size in bytes, or -1
         */
        public int fixedSize() {
            return size;
        }

        /**
         * Returns the short lower-case name used in messages, such as {@code "u32"}.
         *
         * @return the label
         */
        @Override
        public String toString() {
            return label;
        }

        private int compare(long a, long b) {
            return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
        }

        private String format(long value) {
            return signed ? Long.toString(value) : Long.toUnsignedString(value);
        }
    }

    /**
     * The declaration of one attribute type in a policy.
     *
     * <p>The meaning of {@link #minLength()} and {@link #maxLength()} depends on the kind: for
     * {@code STRING} they bound the string length in bytes without the NUL terminator; for every other kind
     * they bound the payload length (equal to the fixed size for integers, 0 for flags).
     */
    public static final class AttributeSpec {
        private final int type;
        private final String name;
        private final Kind kind;
        private final int minLength;
        private final int maxLength;
        private final boolean hasRange;
        private final long min;
        private final long max;
        private final AttributePolicy nestedPolicy;

        private AttributeSpec(int type, String name, Kind kind, int minLength, int maxLength, boolean hasRange,
                long min, long max, AttributePolicy nestedPolicy) {
            this.type = type;
            this.name = name;
            this.kind = kind;
            this.minLength = minLength;
            this.maxLength = maxLength;
            this.hasRange = hasRange;
            this.min = min;
            this.max = max;
            this.nestedPolicy = nestedPolicy;
        }

        /**
         * Returns the attribute type.
         *
         * @return 1 to {@value AttributeWriter#MAX_TYPE}
         */
        public int type() {
            return type;
        }

        /**
         * Returns the name used in messages, typically the C enumerator such as {@code "VNET_NL_ATTR_MSG"}.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * Returns the kind of payload.
         *
         * @return the kind
         */
        public Kind kind() {
            return kind;
        }

        /**
         * Returns the smallest allowed length: the string length without NUL for {@code STRING}, the
         * payload length otherwise.
         *
         * @return the minimum in bytes
         */
        public int minLength() {
            return minLength;
        }

        /**
         * Returns the largest allowed length: the string length without NUL for {@code STRING}, the
         * payload length otherwise.
         *
         * @return the maximum in bytes
         */
        public int maxLength() {
            return maxLength;
        }

        /**
         * Tells whether a value range narrower than the kind's own was declared.
         *
         * @return {@code true} if {@code min}/{@code max} were given to the builder
         */
        public boolean hasRange() {
            return hasRange;
        }

        /**
         * Returns the smallest allowed value of an integer kind: the declared minimum, or the smallest value
         * of the kind when no range was declared. For {@code U64} the value is to be read as unsigned. 0 for
         * the other kinds.
         *
         * @return the minimum value
         */
        public long min() {
            return min;
        }

        /**
         * Returns the largest allowed value of an integer kind: the declared maximum, or the largest value
         * of the kind when no range was declared. For {@code U64} the value is to be read as unsigned (the
         * full range ends at -1, that is 2<sup>64</sup>-1). 0 for the other kinds.
         *
         * @return the maximum value
         */
        public long max() {
            return max;
        }

        /**
         * Returns the policy of the attributes nested in this one.
         *
         * @return the nested policy for {@code NESTED}, empty for the other kinds
         */
        public Optional<AttributePolicy> nestedPolicy() {
            return Optional.ofNullable(nestedPolicy);
        }

        /**
         * Describes the declaration, for example {@code "VNET_NL_ATTR_FLAG (type 3): u8 0..1"}.
         *
         * @return a short description
         */
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(name).append(" (type ").append(type).append("): ").append(kind);
            if (kind.isInteger()) {
                if (hasRange) {
                    text.append(' ').append(kind.format(min)).append("..").append(kind.format(max));
                }
            } else if (kind == Kind.STRING) {
                text.append(" of at most ").append(maxLength).append(" bytes");
            } else if (kind == Kind.BINARY) {
                text.append(" of ").append(minLength).append("..").append(maxLength).append(" bytes");
            }
            return text.toString();
        }
    }

    private final AttributeSpec[] specsByType;
    private final List<AttributeSpec> specs;
    private final boolean rejectUnknown;

    private AttributePolicy(Builder builder) {
        int maxType = 0;
        for (AttributeSpec spec : builder.specs) {
            maxType = Math.max(maxType, spec.type);
        }
        specsByType = new AttributeSpec[maxType + 1];
        List<AttributeSpec> sorted = new ArrayList<>(builder.specs);
        sorted.sort((a, b) -> Integer.compare(a.type, b.type));
        for (AttributeSpec spec : sorted) {
            specsByType[spec.type] = spec;
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
        return spec != null ? spec.name : "type " + type;
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
        Kind kind = spec.kind;
        int payloadLength = attribute.payloadLength();
        if (kind.fixedSize() >= 0 && payloadLength != kind.fixedSize()) {
            throw violation(attribute, spec.name, "payload of " + payloadLength + " byte"
                    + (payloadLength == 1 ? "" : "s") + ", expected " + kind.fixedSize() + " for " + kind);
        }
        switch (kind) {
            case U8, U16, U32, U64, S8, S16, S32, S64 -> {
                long value = integerValue(attribute, kind);
                if (kind.compare(value, spec.min) < 0 || kind.compare(value, spec.max) > 0) {
                    throw violation(attribute, spec.name, "value " + kind.format(value) + " out of range "
                            + kind.format(spec.min) + ".." + kind.format(spec.max));
                }
            }
            case STRING -> {
                int stringLength;
                try {
                    stringLength = attribute.stringLength();
                } catch (MalformedMessageException e) {
                    throw violation(attribute, spec.name, e.problem());
                }
                if (stringLength > spec.maxLength) {
                    throw violation(attribute, spec.name, "string of " + stringLength + " bytes exceeds the "
                            + "maximum of " + spec.maxLength);
                }
            }
            case BINARY -> {
                if (payloadLength < spec.minLength || payloadLength > spec.maxLength) {
                    throw violation(attribute, spec.name, "payload of " + payloadLength + " bytes, expected "
                            + spec.minLength + ".." + spec.maxLength);
                }
            }
            case NESTED -> spec.nestedPolicy.validate(attribute.nested());
            case FLAG -> {
                // The size check above is all a flag needs.
            }
        }
    }

    private static long integerValue(AttributeReader attribute, Kind kind) {
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
            list.append(list.isEmpty() ? "" : ", ").append(spec.type);
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
         * Declares an unsigned 8-bit integer ({@code NLA_U8}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder u8(int type, String name) {
            return integer(type, name, Kind.U8, false, Kind.U8.lowest, Kind.U8.highest);
        }

        /**
         * Declares an unsigned 8-bit integer ({@code NLA_U8}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, 0 to 255
         * @param max  the largest allowed value, {@code min} to 255
         * @return this builder
         */
        public Builder u8(int type, String name, int min, int max) {
            return integer(type, name, Kind.U8, true, min, max);
        }

        /**
         * Declares an unsigned 16-bit integer ({@code NLA_U16}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder u16(int type, String name) {
            return integer(type, name, Kind.U16, false, Kind.U16.lowest, Kind.U16.highest);
        }

        /**
         * Declares an unsigned 16-bit integer ({@code NLA_U16}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, 0 to 65535
         * @param max  the largest allowed value, {@code min} to 65535
         * @return this builder
         */
        public Builder u16(int type, String name, int min, int max) {
            return integer(type, name, Kind.U16, true, min, max);
        }

        /**
         * Declares an unsigned 32-bit integer ({@code NLA_U32}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder u32(int type, String name) {
            return integer(type, name, Kind.U32, false, Kind.U32.lowest, Kind.U32.highest);
        }

        /**
         * Declares an unsigned 32-bit integer ({@code NLA_U32}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, 0 to 2<sup>32</sup>-1
         * @param max  the largest allowed value, {@code min} to 2<sup>32</sup>-1
         * @return this builder
         */
        public Builder u32(int type, String name, long min, long max) {
            return integer(type, name, Kind.U32, true, min, max);
        }

        /**
         * Declares an unsigned 64-bit integer ({@code NLA_U64}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder u64(int type, String name) {
            return integer(type, name, Kind.U64, false, Kind.U64.lowest, Kind.U64.highest);
        }

        /**
         * Declares an unsigned 64-bit integer ({@code NLA_U64}) limited to {@code min..max}, both read as
         * unsigned values (pass -1 for 2<sup>64</sup>-1).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, unsigned
         * @param max  the largest allowed value, unsigned, not below {@code min}
         * @return this builder
         */
        public Builder u64(int type, String name, long min, long max) {
            return integer(type, name, Kind.U64, true, min, max);
        }

        /**
         * Declares a signed 8-bit integer ({@code NLA_S8}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder s8(int type, String name) {
            return integer(type, name, Kind.S8, false, Kind.S8.lowest, Kind.S8.highest);
        }

        /**
         * Declares a signed 8-bit integer ({@code NLA_S8}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, -128 to 127
         * @param max  the largest allowed value, {@code min} to 127
         * @return this builder
         */
        public Builder s8(int type, String name, int min, int max) {
            return integer(type, name, Kind.S8, true, min, max);
        }

        /**
         * Declares a signed 16-bit integer ({@code NLA_S16}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder s16(int type, String name) {
            return integer(type, name, Kind.S16, false, Kind.S16.lowest, Kind.S16.highest);
        }

        /**
         * Declares a signed 16-bit integer ({@code NLA_S16}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value, -32768 to 32767
         * @param max  the largest allowed value, {@code min} to 32767
         * @return this builder
         */
        public Builder s16(int type, String name, int min, int max) {
            return integer(type, name, Kind.S16, true, min, max);
        }

        /**
         * Declares a signed 32-bit integer ({@code NLA_S32}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder s32(int type, String name) {
            return integer(type, name, Kind.S32, false, Kind.S32.lowest, Kind.S32.highest);
        }

        /**
         * Declares a signed 32-bit integer ({@code NLA_S32}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value
         * @param max  the largest allowed value, not below {@code min}
         * @return this builder
         */
        public Builder s32(int type, String name, int min, int max) {
            return integer(type, name, Kind.S32, true, min, max);
        }

        /**
         * Declares a signed 64-bit integer ({@code NLA_S64}).
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder s64(int type, String name) {
            return integer(type, name, Kind.S64, false, Kind.S64.lowest, Kind.S64.highest);
        }

        /**
         * Declares a signed 64-bit integer ({@code NLA_S64}) limited to {@code min..max}.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @param min  the smallest allowed value
         * @param max  the largest allowed value, not below {@code min}
         * @return this builder
         */
        public Builder s64(int type, String name, long min, long max) {
            return integer(type, name, Kind.S64, true, min, max);
        }

        /**
         * Declares a flag ({@code NLA_FLAG}): no payload.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder flag(int type, String name) {
            return add(new AttributeSpec(type, name, Kind.FLAG, 0, 0, false, 0, 0, null));
        }

        /**
         * Declares a NUL-terminated string ({@code NLA_NUL_STRING}) of at most {@code maxLength} bytes
         * before the NUL.
         *
         * @param type      the attribute type
         * @param name      the name for messages
         * @param maxLength the longest allowed string in bytes, without the NUL, 0 to 65530
         * @return this builder
         */
        public Builder string(int type, String name, int maxLength) {
            requireLimits(type, 0, maxLength, MAX_PAYLOAD_LENGTH - 1, "string length");
            return add(new AttributeSpec(type, name, Kind.STRING, 0, maxLength, false, 0, 0, null));
        }

        /**
         * Declares a NUL-terminated string ({@code NLA_NUL_STRING}) of any length that fits an attribute.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder string(int type, String name) {
            return string(type, name, MAX_PAYLOAD_LENGTH - 1);
        }

        /**
         * Declares opaque bytes ({@code NLA_BINARY}) with a payload of {@code minLength..maxLength} bytes.
         *
         * @param type      the attribute type
         * @param name      the name for messages
         * @param minLength the shortest allowed payload, 0 to 65531
         * @param maxLength the longest allowed payload, {@code minLength} to 65531
         * @return this builder
         */
        public Builder binary(int type, String name, int minLength, int maxLength) {
            requireLimits(type, minLength, maxLength, MAX_PAYLOAD_LENGTH, "payload length");
            return add(new AttributeSpec(type, name, Kind.BINARY, minLength, maxLength, false, 0, 0, null));
        }

        /**
         * Declares opaque bytes ({@code NLA_BINARY}) of any length.
         *
         * @param type the attribute type
         * @param name the name for messages
         * @return this builder
         */
        public Builder binary(int type, String name) {
            return binary(type, name, 0, MAX_PAYLOAD_LENGTH);
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
            return add(new AttributeSpec(type, name, Kind.NESTED, 0, MAX_PAYLOAD_LENGTH, false, 0, 0, policy));
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

        private Builder integer(int type, String name, Kind kind, boolean hasRange, long min, long max) {
            if (kind.compare(min, kind.lowest) < 0 || kind.compare(max, kind.highest) > 0
                    || kind.compare(min, max) > 0) {
                throw new IllegalArgumentException("range " + kind.format(min) + ".." + kind.format(max)
                        + " of attribute type " + type + " is not within " + kind.format(kind.lowest) + ".."
                        + kind.format(kind.highest) + " for " + kind + " or is inverted");
            }
            return add(new AttributeSpec(type, name, kind, kind.fixedSize(), kind.fixedSize(), hasRange, min,
                    max, null));
        }

        private static void requireLimits(int type, int min, int max, int highest, String what) {
            if (min < 0 || max < min || max > highest) {
                throw new IllegalArgumentException(what + " limits " + min + ".." + max + " of attribute type "
                        + type + " are not within 0.." + highest + " or are inverted");
            }
        }

        private Builder add(AttributeSpec spec) {
            if (spec.type < 1 || spec.type > MAX_TYPE) {
                throw new IllegalArgumentException("attribute type " + spec.type + " is outside 1.." + MAX_TYPE);
            }
            if (spec.name == null || spec.name.isEmpty()) {
                throw new IllegalArgumentException("attribute type " + spec.type + " needs a name");
            }
            if (declared[spec.type]) {
                throw new IllegalArgumentException("attribute type " + spec.type + " (" + spec.name
                        + ") is already declared as " + specs.stream().filter(s -> s.type == spec.type)
                                .findFirst().orElseThrow());
            }
            declared[spec.type] = true;
            specs.add(spec);
            return this;
        }
    }
}
