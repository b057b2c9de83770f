package org.vnetnl.ynl.client;

import java.util.Arrays;

/**
 * IP address literals as requests write them: IPv4 as four decimal octets ({@code 192.0.2.1}), IPv6 as RFC 4291
 * text ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}). Parsed here and nowhere else, by rules alone: a request
 * value never reaches a resolver, so text such as {@code dead.beef} is refused instead of looked up, and
 * {@code 1.2.3} is refused instead of read as 1.2.0.3. Leading zeros in an octet ({@code 010}) are refused as
 * Python's {@code ipaddress} refuses them, since some parsers read them as octal.
 */
final class IpLiterals {

    private IpLiterals() {}

    /** The 4 or 16 bytes of {@code text}, an IPv4 or an IPv6 literal. */
    static byte[] parse(String text) {
        return text.indexOf(':') >= 0 ? ipv6(text) : ipv4(text);
    }

    /** The 4 bytes of a dotted-quad IPv4 literal. */
    static byte[] ipv4(String text) {
        byte[] bytes = ipv4OrNull(text);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (four decimal numbers 0-255"
                    + " separated by dots)");
        }
        return bytes;
    }

    private static byte[] ipv4OrNull(String text) {
        // One pass, no split: a bulk request (a million routes) parses one of these per route.
        byte[] bytes = new byte[4];
        int octets = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || octets == 4) {
                    return null;
                }
                bytes[octets++] = (byte) value;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9') {
                if ((digits == 1 && value == 0) || ++digits > 3) {
                    return null; // a leading zero, or more than three digits
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return octets == 4 ? bytes : null;
    }

    /** The 16 bytes of an RFC 4291 IPv6 literal (section 2.2: hex groups, one {@code ::}, a trailing IPv4). */
    static byte[] ipv6(String text) {
        byte[] bytes = ipv6OrNull(text);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address (RFC 4291 text such as"
                    + " 2001:db8::1)");
        }
        return bytes;
    }

    private static byte[] ipv6OrNull(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = gap >= 0 ? groups(text.substring(0, gap), true) : groups(text, false);
        int[] tail = gap >= 0 ? groups(text.substring(gap + 2), false) : new int[0];
        if (head == null || tail == null) {
            return null;
        }
        int given = head.length + tail.length;
        if (gap >= 0 ? given > 7 : given != 8) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, 8 - tail.length, tail.length);
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (all[i] >>> 8);
            bytes[2 * i + 1] = (byte) all[i];
        }
        return bytes;
    }

    /**
     * The 16-bit groups of {@code part}, a run of groups between colons; the last may be an IPv4 literal (two
     * groups) unless {@code beforeGap} (it is the part before {@code ::}). Empty text has no groups.
     */
    private static int[] groups(String part, boolean beforeGap) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] fields = part.split(":", -1);
        int[] out = new int[fields.length + 1];
        int n = 0;
        for (int i = 0; i < fields.length; i++) {
            String f = fields[i];
            if (i == fields.length - 1 && !beforeGap && f.indexOf('.') >= 0) {
                byte[] v4 = ipv4OrNull(f);
                if (v4 == null) {
                    return null;
                }
                out[n++] = ((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF);
                out[n++] = ((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF);
                continue;
            }
            if (f.isEmpty() || f.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < f.length(); j++) {
                int digit = Character.digit(f.charAt(j), 16);
                if (digit < 0 || f.charAt(j) > 'f') {
                    return null; // Character.digit also takes non-ASCII digits
                }
                value = value * 16 + digit;
            }
            out[n++] = value;
        }
        return Arrays.copyOf(out, n);
    }
}
