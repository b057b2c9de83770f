package org.vnetnl.genl;

/**
 * UTF-8 encoding one code point at a time, so that strings can be written into and compared against
 * native memory without the intermediate {@code byte[]} that {@link String#getBytes} allocates.
 */
final class Utf8 {

    private static final int[] LEAD_BYTE_PREFIX = {0, 0x00, 0xC0, 0xE0, 0xF0};

    private Utf8() {
    }

    /**
     * Returns how many bytes UTF-8 needs for {@code codePoint}.
     *
     * @param codePoint a Unicode code point that is not a surrogate
     * @return 1 to 4
     */
    static int encodedLength(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        }
        if (codePoint < 0x800) {
            return 2;
        }
        return codePoint < 0x10000 ? 3 : 4;
    }

    /**
     * Returns byte {@code index} of the UTF-8 encoding of {@code codePoint}.
     *
     * @param codePoint     a Unicode code point that is not a surrogate
     * @param encodedLength {@link #encodedLength(int) encodedLength(codePoint)}
     * @param index         0 to {@code encodedLength - 1}
     * @return the byte
     */
    static byte encodedByte(int codePoint, int encodedLength, int index) {
        int shift = 6 * (encodedLength - 1 - index);
        if (index == 0) {
            return (byte) (LEAD_BYTE_PREFIX[encodedLength] | (codePoint >>> shift));
        }
        return (byte) (0x80 | ((codePoint >>> shift) & 0x3F));
    }

    /**
     * Returns the length of the UTF-8 encoding of {@code text}, checking that it can be encoded and stored
     * as a C string.
     *
     * @param text the text to measure
     * @return the encoded length in bytes, without a terminator
     * @throws IllegalArgumentException if {@code text} contains an unpaired surrogate (which has no UTF-8
     *                                  encoding) or a NUL character (which would end the C string early)
     */
    static int encodedLength(CharSequence text) {
        int length = 0;
        int count = text.length();
        for (int i = 0; i < count; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException("NUL character at index " + i
                        + " would truncate the NUL-terminated string");
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == count
                        || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    throw new IllegalArgumentException(String.format(
                            "unpaired surrogate U+%04X at index %d has no UTF-8 encoding", (int) c, i));
                }
                i++;
                length += 4;
            } else {
                length += encodedLength(c);
            }
        }
        return length;
    }
}
