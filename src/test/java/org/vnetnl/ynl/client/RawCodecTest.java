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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * The netlink-raw shapes of the codec on golden bytes, both ways, without a kernel: sub-messages chosen by a
 * selector (a fixed header alone, attributes alone, both), indexed arrays and nest-type-value.
 */
class RawCodecTest {

    private static final String SPEC = """
            name: rawdemo
            protocol: netlink-raw
            protonum: 0
            doc: The netlink-raw shapes.
            definitions:
              - type: struct
                name: qopt
                members:
                  - { name: limit, type: u32 }
            attribute-sets:
              - name: main
                attributes:
                  - { name: kind, type: string }
                  - { name: options, type: sub-message, sub-message: opts, selector: kind }
                  - { name: items, type: indexed-array, sub-type: nest, nested-attributes: item }
                  - { name: nums, type: indexed-array, sub-type: u16 }
                  - { name: tv, type: nest-type-value, type-value: [ id ], nested-attributes: item }
              - name: item
                attributes:
                  - { name: a, type: u32 }
              - name: fq
                attributes:
                  - { name: quantum, type: u32 }
            sub-messages:
              - name: opts
                formats:
                  - { value: fifo, fixed-header: qopt }
                  - { value: fq, attribute-set: fq }
                  - { value: both, fixed-header: qopt, attribute-set: fq }
            operations:
              list:
                - name: set
                  doc: Set.
                  attribute-set: main
                  do:
                    request: { value: 16, attributes: [ kind, options, items, nums, tv ] }
            """;

    private static YnlSpec spec;

    @BeforeAll
    static void load() throws Exception {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "golden bytes are little-endian");
        spec = SpecLoader.load(Path.of("rawdemo.yaml"), new StringReader(SPEC));
    }

    private static byte[] encode(Map<String, ?> request) {
        MemorySegment buffer = MemorySegment.ofArray(new byte[256]);
        AttributeWriter w = new AttributeWriter().wrap(buffer, 0, 256);
        new RequestEncoder(spec).encode(w, "main", request, spec.operation("set").doMode().request(), null);
        return buffer.asSlice(0, w.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    private static Map<String, Object> decode(byte[] image) {
        return new ReplyDecoder(spec).decode(new AttributeReader().wrap(MemorySegment.ofArray(image), 0, image.length),
                "main");
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static final byte[] KIND_FIFO = bytes(0x09, 0, 1, 0, 'f', 'i', 'f', 'o', 0, 0, 0, 0);

    @Test
    void aFixedHeaderAloneIsTheAttributesPayloadNotANest() {
        byte[] wire = encode(ordered("kind", "fifo", "options", Map.of("limit", 37)));
        assertArrayEquals(concat(KIND_FIFO, bytes(0x08, 0, 2, 0, 37, 0, 0, 0)), wire);
        assertEquals(Map.of("kind", "fifo", "options", Map.of("limit", 37L)), decode(wire));
    }

    @Test
    void attributesAloneAreANestOfTheChosenSet() {
        byte[] wire = encode(ordered("kind", "fq", "options", Map.of("quantum", 1514)));
        assertArrayEquals(concat(bytes(0x07, 0, 1, 0, 'f', 'q', 0, 0),
                bytes(0x0C, 0, 2, 0x80, 0x08, 0, 1, 0, 0xEA, 0x05, 0, 0)), wire);
        assertEquals(Map.of("kind", "fq", "options", Map.of("quantum", 1514L)), decode(wire));
    }

    @Test
    void aFixedHeaderThenAttributes() {
        Map<String, Object> request = ordered("kind", "both", "options", ordered("limit", 5, "quantum", 9));
        byte[] wire = encode(request);
        assertArrayEquals(concat(bytes(0x09, 0, 1, 0, 'b', 'o', 't', 'h', 0, 0, 0, 0),
                bytes(0x10, 0, 2, 0x80, 5, 0, 0, 0, 0x08, 0, 1, 0, 9, 0, 0, 0)), wire);
        assertEquals(Map.of("kind", "both", "options", Map.of("limit", 5L, "quantum", 9L)), decode(wire));
    }

    @Test
    void aSelectorValueWithoutFormatIsRefusedOnWritingAndKeptRawOnReading() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encode(ordered("kind", "sfq", "options", Map.of())));
        assertTrue(e.getMessage().startsWith("options: 'kind' is 'sfq', for which opts has no format; it has"
                + " [fifo, fq, both]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> encode(Map.of("options", Map.of())));
        assertTrue(e.getMessage().startsWith("options: is chosen by 'kind'"), e.getMessage());
        Map<String, Object> decoded = decode(concat(bytes(0x08, 0, 1, 0, 's', 'f', 'q', 0),
                bytes(0x08, 0, 2, 0, 1, 2, 3, 4)));
        assertEquals(new Undecoded("01020304", "opts has no format for 'sfq'"), decoded.get("options"));
    }

    @Test
    void indexedArraysBothWays() {
        byte[] wire = encode(ordered("items", List.of(Map.of("a", 7), Map.of("a", 8)), "nums", List.of(3, 4)));
        assertArrayEquals(concat(
                bytes(0x1C, 0, 3, 0x80, 0x0C, 0, 1, 0x80, 0x08, 0, 1, 0, 7, 0, 0, 0,
                        0x0C, 0, 2, 0x80, 0x08, 0, 1, 0, 8, 0, 0, 0),
                bytes(0x14, 0, 4, 0x80, 0x06, 0, 1, 0, 3, 0, 0, 0, 0x06, 0, 2, 0, 4, 0, 0, 0)), wire);
        Map<String, Object> decoded = decode(wire);
        assertEquals(List.of(Map.of("1", Map.of("a", 7L)), Map.of("2", Map.of("a", 8L))), decoded.get("items"));
        assertEquals(List.of(3L, 4L), decoded.get("nums"));
        // What the decoder shows, written back, is the same bytes.
        assertArrayEquals(wire, encode(ordered("items", decoded.get("items"), "nums", decoded.get("nums"))));
    }

    @Test
    void nestTypeValueBothWays() {
        byte[] wire = encode(Map.of("tv", ordered("id", 3, "a", 9)));
        assertArrayEquals(bytes(0x10, 0, 5, 0x80, 0x0C, 0, 3, 0x80, 0x08, 0, 1, 0, 9, 0, 0, 0), wire);
        assertEquals(Map.of("tv", Map.of("id", 3L, "a", 9L)), decode(wire));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encode(Map.of("tv", Map.of("a", 9))));
        assertTrue(e.getMessage().startsWith("tv.id: is a level of this nest-type-value"), e.getMessage());
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
