package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * Requests written to break the encoder (issue "hostile input", rows 1, 6 and 7): addresses that are not literals,
 * JSON null, values of the wrong kind, text after the JSON object, keys given twice, keys that are not names. Each
 * fails with one {@link IllegalArgumentException} naming the attribute's path, before anything is written.
 */
class HostileRequestTest {

    private static final String SPEC = """
            name: hostile
            protocol: genetlink
            definitions:
              - type: struct
                name: pair
                members:
                  - { name: a, type: u16 }
                  - { name: b, type: u16 }
            attribute-sets:
              - name: main
                attributes:
                  - { name: family-name, type: string }
                  - { name: addr4, type: binary, display-hint: ipv4 }
                  - { name: addr6, type: binary, display-hint: ipv6 }
                  - { name: ip, type: u32, byte-order: big-endian, display-hint: ipv4 }
                  - { name: inner, type: nest, nested-attributes: inner }
                  - { name: up, type: flag }
                  - { name: pair, type: binary, struct: pair }
              - name: inner
                attributes:
                  - { name: dev-name, type: string }
            operations:
              list:
                - name: get
                  attribute-set: main
                  do:
                    request: { attributes: [ family-name, addr4, addr6, ip, inner, up, pair ] }
            """;

    private static YnlSpec spec;

    @BeforeAll
    static void load() throws Exception {
        spec = SpecLoader.load(Path.of("hostile.yaml"), new StringReader(SPEC));
    }

    private static byte[] encode(Map<?, ?> request) {
        MemorySegment buffer = MemorySegment.ofArray(new byte[256]);
        AttributeWriter w = new AttributeWriter().wrap(buffer, 0, 256);
        new RequestEncoder(spec).encode(w, "main", request, null, null);
        return buffer.asSlice(0, w.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    private static String refused(Map<?, ?> request) {
        return assertThrows(IllegalArgumentException.class, () -> encode(request)).getMessage();
    }

    private static String refusedJson(String json) {
        return assertThrows(IllegalArgumentException.class, () -> encode(JsonRequest.parse(json))).getMessage();
    }

    private static byte[] payload(byte[] attribute) {
        return Arrays.copyOfRange(attribute, 4, attribute.length);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 1: literals only

    @Test
    void addressesAreLiteralsOnly() {
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, IpLiterals.parse("192.0.2.1"));
        assertArrayEquals(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                IpLiterals.parse("2001:db8::1"));
        assertArrayEquals(new byte[16], IpLiterals.parse("::"));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1},
                IpLiterals.parse("::ffff:192.0.2.1"));
        assertArrayEquals(new byte[] {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8},
                IpLiterals.parse("1:2:3:4:5:6:7:8"));
        // Names made of hex letters and dots, short forms, octal-looking octets, zones: none is a literal.
        for (String text : List.of("dead.beef", "ab.cd", "1.2.3", "1.2.3.4.5", "256.0.0.1", "010.0.0.1", "1.2.3.",
                "0x7f.0.0.1", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", ":1::", "fe80::1%eth0", "12345::",
                "::1.2.3", "1.2.3.4::", "")) {
            assertThrows(IllegalArgumentException.class, () -> IpLiterals.parse(text), text);
        }
    }

    @Test
    void anIpv4HintedValueThatIsNotALiteralIsRefusedNamingItsPath() {
        assertEquals("addr4: 'dead.beef' is not an IPv4 address (four decimal numbers 0-255 separated by dots)",
                refused(Map.of("addr4", "dead.beef")));
        assertEquals("ip: '1.2.3' is not an IPv4 address (four decimal numbers 0-255 separated by dots)",
                refused(Map.of("ip", "1.2.3")));
        assertEquals("addr6: 'ab.cd' is not an IPv4 address (four decimal numbers 0-255 separated by dots)",
                refused(Map.of("addr6", "ab.cd")));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, payload(encode(Map.of("addr4", "10.0.0.1"))));
        assertArrayEquals(new byte[] {10, 0, 0, 1}, payload(encode(Map.of("ip", "10.0.0.1"))), "big-endian");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 6: null

    @Test
    void jsonNullNeedsAValue() {
        assertEquals("family-name: needs a value", refusedJson("{\"family-name\":null}"));
        assertEquals("inner.dev-name: needs a value", refusedJson("{\"inner\":{\"dev-name\":null}}"));
        assertEquals("up: needs a value", refusedJson("{\"up\":null}"));
        Map<String, Object> nullInJava = new HashMap<>();
        nullInJava.put("family-name", null);
        assertEquals("family-name: needs a value", refused(nullInJava));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 7: wrong kinds, trailing text, duplicates, keys that are not names

    @Test
    void aStringAttributeTakesOnlyAString() {
        assertEquals("family-name: takes a string, got 16", refusedJson("{\"family-name\":16}"));
        assertEquals("family-name: takes a string, got true", refusedJson("{\"family-name\":true}"));
        assertEquals("family-name: takes a string, got an object {x=1}", refusedJson("{\"family-name\":{\"x\":1}}"));
        assertEquals("family-name: takes a string, got a list [nlctrl]", refusedJson("{\"family-name\":[\"nlctrl\"]}"));
        assertEquals("up: is a flag: it takes true or false, got 'yes'", refusedJson("{\"up\":\"yes\"}"));
        assertEquals("inner: takes named values (a map or JSON object), got 'x'", refusedJson("{\"inner\":\"x\"}"));
    }

    @Test
    void textAfterTheJsonObjectIsRefused() {
        assertEquals("the request has more text after its JSON object at column 26",
                refusedJson("{\"family-name\":\"nlctrl\"} {\"family-name\":\"x\"}"));
        assertEquals("the request is not valid JSON at column 26: Unrecognized token 'x': was expecting"
                + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                refusedJson("{\"family-name\":\"nlctrl\"} x"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingItsPath() {
        assertEquals("family-name: is given twice in the request",
                refusedJson("{\"family-name\":\"a\",\"family-name\":\"b\"}"));
        assertEquals("inner.dev-name: is given twice in the request",
                refusedJson("{\"inner\":{\"dev-name\":\"a\",\"dev-name\":\"b\"}}"));
    }

    @Test
    void aKeyThatIsNotANameIsRefusedNamingWhereItWas() {
        assertEquals("request: has a key that is not a name: 1", refused(Map.of(1, "x")));
        assertEquals("inner: has a key that is not a name: 2", refused(Map.of("inner", Map.of(2, "x"))));
        assertEquals("pair: has a key that is not a name: 3", refused(Map.of("pair", Map.of(3, 1))));
        assertEquals("pair.c: is not a member of struct pair; valid: [a, b]", refused(Map.of("pair", Map.of("c", 1))));
    }
}
