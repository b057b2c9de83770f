package org.vnetnl.ynl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The attribute and struct member types a YNL spec names, with their YAML spelling. */
public enum SpecType {
    UNUSED("unused", 0), PAD("pad", 0), FLAG("flag", 0),
    U8("u8", 1), U16("u16", 2), U32("u32", 4), U64("u64", 8),
    S8("s8", 1), S16("s16", 2), S32("s32", 4), S64("s64", 8),
    /** NLA_UINT: 4 or 8 bytes on the wire (Linux 6.8+). */
    UINT("uint", 0),
    /** NLA_SINT: 4 or 8 bytes on the wire (Linux 6.8+). */
    SINT("sint", 0),
    STRING("string", 0), BINARY("binary", 0), NEST("nest", 0),
    INDEXED_ARRAY("indexed-array", 0), NEST_TYPE_VALUE("nest-type-value", 0),
    BITFIELD32("bitfield32", 8), SUB_MESSAGE("sub-message", 0);

    private final String yamlName;
    private final int fixedSize;

    SpecType(String yamlName, int fixedSize) {
        this.yamlName = yamlName;
        this.fixedSize = fixedSize;
    }

    /** The name used in specs, e.g. {@code "indexed-array"}. */
    public String yamlName() {
        return yamlName;
    }

    /** The payload size of a fixed-width scalar (1, 2, 4, 8) or bitfield32 (8); 0 for every other type. */
    public int fixedSize() {
        return fixedSize;
    }

    /** Whether this is an integer type of fixed width (u8..u64, s8..s64). */
    public boolean isFixedScalar() {
        return this.ordinal() >= U8.ordinal() && this.ordinal() <= S64.ordinal();
    }

    /** Whether this is a signed integer type. */
    public boolean isSigned() {
        return this == S8 || this == S16 || this == S32 || this == S64 || this == SINT;
    }

    /** Whether this is any integer type: fixed width, uint or sint. */
    public boolean isInteger() {
        return isFixedScalar() || this == UINT || this == SINT;
    }

    /** The type named {@code name} in a spec. */
    public static Optional<SpecType> fromYaml(String name) {
        for (SpecType type : values()) {
            if (type.yamlName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** Every spelling, for error messages. */
    public static List<String> yamlNames() {
        return Arrays.stream(values()).map(SpecType::yamlName).toList();
    }
}
