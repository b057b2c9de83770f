package org.vnetnl.genl;

/**
 * The kind of an attribute's payload, as the kernel's policy types name it ({@code enum netlink_attribute_type}
 * of {@code <linux/netlink.h>}, the {@code NLA_*} policy types). One enum serves both sides: an
 * {@link AttributePolicy} declares attributes with it, and a {@link FamilyPolicy} read from the kernel reports them
 * with it, so the two compare kind for kind.
 *
 * <p>{@link AttributePolicy} validates the integer kinds, {@link #FLAG}, {@link #NUL_STRING}, {@link #BINARY} and
 * {@link #NESTED}; the other kinds occur in policies the kernel reports.
 */
public enum AttributeKind {
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
    /** String that need not be NUL-terminated, {@code NLA_STRING}. */
    STRING("string without NUL", -1, false, 0, 0),
    /** NUL-terminated string, {@code NLA_NUL_STRING}. */
    NUL_STRING("NUL-terminated string", -1, false, 0, 0),
    /** Opaque bytes, {@code NLA_BINARY}. */
    BINARY("binary", -1, false, 0, 0),
    /** Nested attributes, {@code NLA_NESTED}, with their own policy. */
    NESTED("nested", -1, false, 0, 0),
    /** An array of nested attribute sets, {@code NLA_NESTED_ARRAY}. */
    NESTED_ARRAY("nested array", -1, false, 0, 0),
    /** A 32-bit value with a 32-bit selector, {@code NLA_BITFIELD32}. */
    BITFIELD32("bitfield32", 8, false, 0, 0),
    /** A kind this library does not know, reported by a newer kernel. */
    UNKNOWN("unknown kind", -1, false, 0, 0);

    private final String label;
    private final int size;
    private final boolean signed;
    private final long lowest;
    private final long highest;

    AttributeKind(String label, int size, boolean signed, long lowest, long highest) {
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
     * Returns the exact payload size of this kind, or -1 for the variable-size kinds.
     *
     * @return the size in bytes, or -1
     */
    public int fixedSize() {
        return size;
    }

    /**
     * Returns the smallest value of an integer kind (0 for the other kinds).
     *
     * @return the smallest value; for unsigned kinds, read as unsigned
     */
    public long lowest() {
        return lowest;
    }

    /**
     * Returns the largest value of an integer kind (0 for the other kinds); -1 for {@code U64}, which is
     * 2<sup>64</sup>-1 read as unsigned.
     *
     * @return the largest value; for unsigned kinds, read as unsigned
     */
    public long highest() {
        return highest;
    }

    /**
     * Returns the short name used in messages, such as {@code "u32"}.
     *
     * @return the label
     */
    @Override
    public String toString() {
        return label;
    }

    /** Compares two values of this kind, unsigned for the unsigned kinds. */
    int compare(long a, long b) {
        return signed ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    /** Formats a value of this kind, unsigned for the unsigned kinds. */
    String format(long value) {
        return signed ? Long.toString(value) : Long.toUnsignedString(value);
    }
}
