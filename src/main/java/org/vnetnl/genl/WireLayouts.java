package org.vnetnl.genl;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The value layouts of attribute payloads, shared by {@link AttributeReader} and {@link AttributeWriter}.
 * Unaligned: attributes are only 4-byte aligned, so a 64-bit value may sit at any multiple of 4, and a fuzzer or
 * a copied message may put anything anywhere.
 */
final class WireLayouts {

    static final ValueLayout.OfShort NATIVE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt NATIVE_INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong NATIVE_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    /** NLA_F_NET_BYTEORDER payloads. */
    static final ValueLayout.OfShort BIG_ENDIAN_SHORT = NATIVE_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BIG_ENDIAN_INT = NATIVE_INT.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BIG_ENDIAN_LONG = NATIVE_LONG.withOrder(ByteOrder.BIG_ENDIAN);

    /** Fields a YNL spec declares little-endian. */
    static final ValueLayout.OfShort LITTLE_ENDIAN_SHORT = NATIVE_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LITTLE_ENDIAN_INT = NATIVE_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LITTLE_ENDIAN_LONG = NATIVE_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Whether a field in {@code order} (null: the host's) is big-endian. */
    static boolean isBigEndian(ByteOrder order) {
        return (order == null ? ByteOrder.nativeOrder() : order) == ByteOrder.BIG_ENDIAN;
    }

    private WireLayouts() {}
}
