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
}
