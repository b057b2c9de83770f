package org.vnetnl.ynl.client;

import java.util.HexFormat;
import java.util.UUID;

/**
 * How a spec's {@code display-hint} shows a value, as the kernel's YNL library prints it ({@code hex}, {@code mac},
 * {@code ipv4}, {@code ipv6}, {@code uuid}), and the reverse for requests.
 */
final class DisplayHints {

    private static final HexFormat HEX = HexFormat.of();

    private DisplayHints() {}

    /** Binary payloads without a hint: lowercase hex, no separators (Python's {@code bytes.hex()}). */
    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** A binary value under {@code hint}, or plain hex for an unknown or absent hint. */
    static Object formatBytes(byte[] raw, String hint) {
        if (hint == null) {
            return hex(raw);
        }
        return switch (hint) {
            case "mac" -> HexFormat.ofDelimiter(":").formatHex(raw);
            case "hex" -> HexFormat.ofDelimiter(" ").formatHex(raw);
            case "ipv4", "ipv6" -> raw.length == 4 ? ipv4(raw) : raw.length == 16 ? ipv6(raw) : hex(raw);
            case "uuid" -> raw.length == 16 ? uuid(raw) : hex(raw);
            default -> hex(raw);
        };
    }

    /** An integer value under {@code hint} ({@code hex}: {@code 0x1f}; {@code ipv4}: dotted), else the number. */
    static Object formatInteger(long value, int size, String hint) {
        if (hint == null) {
            return value;
        }
        return switch (hint) {
            case "hex" -> "0x" + Long.toHexString(value);
            case "ipv4" -> size == 4 ? ipv4(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
                    (byte) (value >>> 8), (byte) value}) : value;
            default -> value;
        };
    }

    /**
     * A request value written as the hint shows it (a dotted IPv4 address, a MAC, an IPv6 address), or as hex.
     *
     * @throws IllegalArgumentException saying what the text is not
     */
    static byte[] parseBytes(String text, String hint) {
        if (hint != null) {
            switch (hint) {
                case "mac":
                    try {
                        return HexFormat.ofDelimiter(":").parseHex(text);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("'" + text + "' is not a MAC address (hex bytes"
                                + " separated by colons)");
                    }
                case "ipv4":
                case "ipv6":
                    if (text.contains(".") || text.contains(":")) {
                        return IpLiterals.parse(text);
                    }
                    break;
                case "uuid":
                    if (text.contains("-")) {
                        UUID u;
                        try {
                            u = UUID.fromString(text);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("'" + text + "' is not a UUID");
                        }
                        byte[] b = new byte[16];
                        for (int i = 0; i < 8; i++) {
                            b[i] = (byte) (u.getMostSignificantBits() >>> (56 - 8 * i));
                            b[8 + i] = (byte) (u.getLeastSignificantBits() >>> (56 - 8 * i));
                        }
                        return b;
                    }
                    break;
                default:
                    break;
            }
        }
        try {
            return HEX.parseHex(text.replace(" ", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not hex" + (hint == null ? ""
                    : " or what display-hint " + hint + " takes"));
        }
    }

    /** The value of a dotted IPv4 address, for u32 fields with {@code display-hint: ipv4}. */
    static long parseIpv4(String text) {
        byte[] b = IpLiterals.ipv4(text);
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    static String ipv4(byte[] b) {
        return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
    }

    /** RFC 5952 text, as Python's {@code ipaddress} prints it: the longest run of two or more zero groups as ::. */
    static String ipv6(byte[] b) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength && j - i >= 2) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append(i == 0 ? "::" : ":");
                i += bestLength - 1;
                continue;
            }
            s.append(Integer.toHexString(groups[i]));
            if (i < 7) {
                s.append(':');
            }
        }
        return s.toString();
    }

    private static String uuid(byte[] b) {
        String h = hex(b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }
}
