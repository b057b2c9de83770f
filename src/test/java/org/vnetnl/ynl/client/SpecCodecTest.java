package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/** The spec-driven request encoder and reply decoder on golden bytes, without a kernel. */
class SpecCodecTest {

    private static final String SPEC = """
            name: demo
            protocol: genetlink-legacy
            doc: Every shape the codec handles.
            definitions:
              - { type: enum, name: colour, entries: [ red, green, blue ] }
              - { type: flags, name: opts, entries: [ fast, safe, loud ] }
              - type: struct
                name: pair
                members:
                  - { name: a, type: u16 }
                  - { name: pad, type: pad, len: 2 }
                  - { name: b, type: u32, byte-order: big-endian, display-hint: ipv4 }
            attribute-sets:
              - name: main
                attributes:
                  - { name: name, type: string, checks: { max-len: 5 } }
                  - { name: id, type: u32, checks: { min: 1 } }
                  - { name: colour, type: u8, enum: colour }
                  - { name: opts, type: u32, enum: opts }
                  - { name: addr, type: u32, byte-order: big-endian, display-hint: ipv4 }
                  - { name: inner, type: nest, nested-attributes: inner }
                  - { name: tag, type: u16, multi-attr: true }
                  - { name: pair, type: binary, struct: pair }
                  - { name: mac, type: binary, display-hint: mac }
                  - { name: v6, type: binary, display-hint: ipv6 }
                  - { name: big, type: uint }
                  - { name: list, type: indexed-array, sub-type: u32 }
                  - { name: bits, type: bitfield32, enum: opts }
              - name: inner
                attributes:
                  - { name: dev-name, type: string }
                  - { name: count, type: u64 }
            operations:
              list:
                - name: get
                  doc: Get.
                  attribute-set: main
                  do:
                    request: { attributes: [ name, id, colour, opts, addr, inner, tag, pair, mac, big, bits ] }
                    reply: { attributes: [ id ] }
            """;

    private static YnlSpec spec;

    @BeforeAll
    static void load() throws Exception {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "golden bytes are little-endian");
        spec = SpecLoader.load(Path.of("demo.yaml"), new StringReader(SPEC));
    }

    private static byte[] encode(RequestEncoder encoder, Map<String, ?> request) {
        MemorySegment buffer = MemorySegment.ofArray(new byte[256]);
        AttributeWriter w = new AttributeWriter().wrap(buffer, 0, 256);
        encoder.encode(w, "main", request, spec.operation("get").doMode().request(), null);
        return buffer.asSlice(0, w.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void encodesNamesEnumsFlagsByteOrderNestsMultiAttrAndStructs() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("colour", "blue");
        request.put("opts", List.of("fast", "loud"));
        request.put("addr", "127.0.0.1");
        request.put("inner", Map.of("dev-name", "ab"));
        request.put("tag", List.of(1, 2));
        request.put("pair", Map.of("a", 7, "b", "10.0.0.1"));
        request.put("big", 1L << 33);
        request.put("bits", Map.of("value", List.of("safe"), "selector", List.of("safe", "fast")));
        RequestEncoder encoder = new RequestEncoder(spec);
        byte[] expected = bytes(
                0x05, 0, 3, 0, 2, 0, 0, 0,                       // colour u8 = blue (2)
                0x08, 0, 4, 0, 0x05, 0, 0, 0,                    // opts = fast|loud = 1|4
                0x08, 0, 5, 0, 127, 0, 0, 1,                     // addr big-endian, no NLA_F_NET_BYTEORDER
                0x0C, 0, 6, 0x80, 0x07, 0, 1, 0, 'a', 'b', 0, 0, // inner { dev-name "ab" }
                0x06, 0, 7, 0, 1, 0, 0, 0,                       // tag 1
                0x06, 0, 7, 0, 2, 0, 0, 0,                       // tag 2
                0x0C, 0, 8, 0, 7, 0, 0, 0, 10, 0, 0, 1,          // pair { a=7, pad, b=10.0.0.1 big-endian }
                0x0C, 0, 11, 0, 0, 0, 0, 0, 2, 0, 0, 0,          // big: uint in 8 bytes
                0x0C, 0, 13, 0, 2, 0, 0, 0, 3, 0, 0, 0);         // bits: value safe, selector safe|fast
        assertArrayEquals(expected, encode(encoder, request));
        assertEquals("inner", encoder.pathAt(24));
        assertEquals("inner.dev-name", encoder.pathAt(28), "the extended-ack offset of a nested attribute");
        assertEquals("tag[1]", encoder.pathAt(44));
    }

    @Test
    void checksAreRefusedBeforeWriting() {
        RequestEncoder encoder = new RequestEncoder(spec);
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> encode(encoder, Map.of("name", "abcdef")));
        assertEquals("name: is 6 bytes long, the spec allows at most 5", tooLong.getMessage());
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> encode(encoder, Map.of("id", 0)));
        assertEquals("id: 0 is below the minimum 1 the spec allows", tooSmall.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> encode(encoder, Map.of("colour", 256)));
        assertTrue(range.getMessage().contains("out of range 0..255"), range.getMessage());
    }

    @Test
    void unknownNamesListTheValidOnes() {
        RequestEncoder encoder = new RequestEncoder(spec);
        IllegalArgumentException attr = assertThrows(IllegalArgumentException.class,
                () -> encode(encoder, Map.of("colur", "red")));
        assertTrue(attr.getMessage().startsWith("colur: is not an attribute of set 'main'; valid: [name, id,"),
                attr.getMessage());
        IllegalArgumentException entry = assertThrows(IllegalArgumentException.class,
                () -> encode(encoder, Map.of("colour", "pink")));
        assertEquals("colour: 'pink' is not in colour; valid: [red, green, blue]", entry.getMessage());
        // An attribute of the set that the request does not list is sent, as the kernel's cli.py sends it.
        assertArrayEquals(bytes(0x0C, 0, 12, 0x80, 0x08, 0, 1, 0, 1, 0, 0, 0),
                encode(encoder, Map.of("list", List.of(1))));
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class,
                () -> encode(encoder, Map.of("inner", Map.of("dev", "x"))));
        assertTrue(nested.getMessage().startsWith("inner.dev: is not an attribute of set 'inner'"),
                nested.getMessage());
    }

    private static Map<String, Object> decode(byte[] image) {
        AttributeReader r = new AttributeReader().wrap(MemorySegment.ofArray(image), 0, image.length);
        return new ReplyDecoder(spec).decode(r, "main");
    }

    @Test
    void decodesToNamedValuesAsTheKernelsYnlRendersThem() {
        Map<String, Object> decoded = decode(bytes(
                0x05, 0, 3, 0, 1, 0, 0, 0,                       // colour green
                0x08, 0, 4, 0, 0x06, 0, 0, 0,                    // opts safe|loud
                0x08, 0, 5, 0, 127, 0, 0, 1,                     // addr
                0x10, 0, 6, 0x80, 0x0C, 0, 2, 0, 5, 0, 0, 0, 0, 0, 0, 0, // inner { count 5 }
                0x06, 0, 7, 0, 9, 0, 0, 0,                       // tag 9
                0x0C, 0, 8, 0, 7, 0, 0, 0, 10, 0, 0, 1,          // pair
                0x0A, 0, 9, 0, 0, 0x1B, 0x21, 0xAA, 0xBB, 0xCC, 0, 0, // mac
                0x14, 0, 10, 0, 0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // v6
                0x08, 0, 11, 0, 3, 0, 0, 0,                      // big: uint, 4 bytes
                0x14, 0, 12, 0x80, 0x08, 0, 0, 0, 4, 0, 0, 0, 0x08, 0, 1, 0, 6, 0, 0, 0, // list [4, 6]
                0x0C, 0, 13, 0, 1, 0, 0, 0, 3, 0, 0, 0));        // bits
        assertEquals("green", decoded.get("colour"));
        assertEquals(List.of("safe", "loud"), decoded.get("opts"));
        assertEquals("127.0.0.1", decoded.get("addr"));
        assertEquals(Map.of("count", 5L), decoded.get("inner"));
        assertEquals(List.of(9L), decoded.get("tag"), "multi-attr is a list even with one value");
        assertEquals(Map.of("a", 7L, "b", "10.0.0.1"), decoded.get("pair"));
        assertEquals("00:1b:21:aa:bb:cc", decoded.get("mac"));
        assertEquals("2001:db8::1", decoded.get("v6"));
        assertEquals(3L, decoded.get("big"));
        assertEquals(List.of(4L, 6L), decoded.get("list"));
        assertEquals(Map.of("value", List.of("fast"), "selector", List.of("fast", "safe")), decoded.get("bits"));
    }

    @Test
    void whatTheSpecDoesNotDescribeIsKeptRawAndMarked() {
        Map<String, Object> decoded = decode(bytes(
                0x06, 0, 2, 0, 1, 0, 0, 0,                       // id, a u32, sent in 2 bytes
                0x08, 0, 40, 0, 1, 2, 3, 4,                      // type 40: newer than the spec
                0x05, 0, 3, 0, 9, 0, 0, 0));                     // colour 9: not in the enum
        assertEquals(new Undecoded("0100", "attribute type 2 at offset 0: payload of 2 bytes, expected 4 for u32"),
                decoded.get("id"));
        assertEquals("01020304", decoded.get("UnknownAttr(40)"));
        assertEquals(9L, decoded.get("colour"), "an enum value the spec lacks stays a number");
    }

    @Test
    void ipv6AddressesPrintAsPythonsIpaddressDoes() {
        assertEquals("::1", DisplayHints.ipv6(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
        assertEquals("::", DisplayHints.ipv6(new byte[16]));
        assertEquals("fe80::", DisplayHints.ipv6(bytes(0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        assertEquals("1:0:2::3", DisplayHints.ipv6(bytes(0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3)));
        assertEquals("::ffff:a00:1", DisplayHints.ipv6(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 0, 0, 1)));
    }
}
