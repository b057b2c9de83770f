package org.vnetnl.ynl;

import java.math.BigInteger;

/**
 * An attribute's {@code checks}: what the kernel's policy accepts, resolved to numbers (a constant's name or a
 * limit such as {@code u32-max} becomes its value). Every field is null when the spec does not set it.
 *
 * @param min            lowest integer value
 * @param max            highest integer value
 * @param minLen         shortest binary or string payload
 * @param maxLen         longest binary payload or string (without its NUL)
 * @param exactLen       the only payload length accepted
 * @param unterminatedOk a string need not end in NUL
 * @param flagsMask      the flags definition whose bits are the only ones accepted
 */
public record Checks(BigInteger min, BigInteger max, Long minLen, Long maxLen, Long exactLen, boolean unterminatedOk,
                     String flagsMask) {

    /** No checks. */
    public static final Checks NONE = new Checks(null, null, null, null, null, false, null);
}
