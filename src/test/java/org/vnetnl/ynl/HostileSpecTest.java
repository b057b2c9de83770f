package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeKind;
import org.vnetnl.genl.AttributePolicy;

/**
 * Specs written to break the loader and what is built from it (issue "hostile input", rows 2 to 5): YAML nested
 * thousands deep, numbers past what they become on the wire, struct sizes that cannot be, sets nested in themselves.
 * Each malformed one fails with a {@link MalformedSpecException} naming the file, the line and the key; nothing
 * is truncated, overflows the stack or grows without bound.
 */
class HostileSpecTest {

    /** A small valid spec; the tests replace parts of it. */
    static final String BASE = """
            name: hostile
            protocol: genetlink
            definitions:
              -
                type: flags
                name: opts
                entries:
                  - fast
                  -
                    name: safe
                    value: 5
              -
                type: struct
                name: hdr
                members:
                  -
                    name: a
                    type: u32
                  -
                    name: b
                    type: binary
                    len: 4
            attribute-sets:
              -
                name: main
                attributes:
                  -
                    name: id
                    type: u32
                  -
                    name: name
                    type: string
                    value: 7
                    checks:
                      max-len: 15
            operations:
              list:
                -
                  name: get
                  value: 3
                  attribute-set: main
                  do:
                    request:
                      attributes: [ id, name ]
            """;

    static YnlSpec load(String text) throws IOException {
        return SpecLoader.load(Path.of("hostile.yaml"), new StringReader(text));
    }

    private static MalformedSpecException malformed(String text) {
        return assertThrows(MalformedSpecException.class, () -> load(text));
    }

    private static int lineOf(String text, String line) {
        int index = text.lines().toList().indexOf(line);
        assertTrue(index >= 0, "no line '" + line + "'");
        return index + 1;
    }

    private static String replace(String from, String to) {
        assertTrue(BASE.contains(from), from);
        return BASE.replace(from, to);
    }

    @Test
    void theBaseLoads() throws Exception {
        YnlSpec spec = load(BASE);
        assertEquals(3, spec.operation("get").requestValue());
        assertEquals(7, spec.attributeSet("main").attribute("name").orElseThrow().value());
        assertEquals(5, spec.enumeration("opts").entry("safe").orElseThrow().value());
        assertEquals(8, spec.structSize("hdr"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 3: nesting and numbers that do not fit

    @Test
    void yamlNestedThousandsDeepIsRefusedWithoutExhaustingTheStack() {
        String deep = BASE + "deep: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        MalformedSpecException e = malformed(deep);
        assertEquals(lineOf(deep, deep.lines().toList().getLast()), e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("hostile.yaml:" + e.line() + ": YAML nested deeper than "
                + SpecLoader.MAX_NESTING + " levels"), e.getMessage());

        StringBuilder block = new StringBuilder(BASE).append("deep:\n");
        for (int i = 0; i < 5000; i++) {
            block.append(" ".repeat(i + 1)).append("k:\n");
        }
        MalformedSpecException blockStyle = malformed(block.toString());
        assertTrue(blockStyle.getMessage().contains("YAML nested deeper than"), blockStyle.getMessage());
    }

    @Test
    void aConstOfTwoToTheSeventyIsRefusedNamingItsKey() {
        String text = replace("definitions:\n", """
                definitions:
                  -
                    type: const
                    name: huge
                    value: 1180591620717411303424
                """);
        MalformedSpecException e = malformed(text);
        assertEquals("definitions[0].value", e.key());
        assertEquals(lineOf(text, "    value: 1180591620717411303424"), e.line());
        assertTrue(e.getMessage().contains("1180591620717411303424 is out of range"), e.getMessage());
    }

    @Test
    void aMaxLenOfTwoToTheSeventyIsRefusedNamingItsKey() {
        String text = replace("max-len: 15", "max-len: 1180591620717411303424");
        MalformedSpecException e = malformed(text);
        assertEquals("attribute-sets[0].attributes[1].checks.max-len", e.key());
        assertEquals(lineOf(text, "          max-len: 1180591620717411303424"), e.line());
    }

    @Test
    void aStructLenOfTwoToTheFortyIsRefusedNamingItsKey() {
        String text = replace("len: 4", "len: 1099511627776");
        MalformedSpecException e = malformed(text);
        assertEquals("definitions[1].members[1].len", e.key());
        assertEquals(lineOf(text, "        len: 1099511627776"), e.line());
        assertTrue(e.getMessage().contains("out of range 0..65531"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 4: numbers that would be truncated on the wire

    @Test
    void anOperationValuePastOneByteIsRefused() {
        String text = replace("      value: 3\n", "      value: 4294967299\n");
        MalformedSpecException e = malformed(text);
        assertEquals("operations.list[0].value", e.key());
        assertEquals(lineOf(text, "      value: 4294967299"), e.line());
        assertTrue(e.getMessage().endsWith("4294967299 is out of range 0..255: a generic netlink command is one byte"),
                e.getMessage());
        // Counting on past 255 is refused as well.
        MalformedSpecException counted = malformed(replace("      value: 3\n", "      value: 255\n").replace("""
                      attributes: [ id, name ]
                """, """
                      attributes: [ id, name ]
                    -
                      name: next
                      attribute-set: main
                      do:
                        request:
                          attributes: [ id ]
                """));
        assertTrue(counted.getMessage().contains("counts on to command 256"), counted.getMessage());
    }

    @Test
    void anAttributeValuePastFourteenBitsIsRefused() {
        String text = replace("value: 7\n", "value: 4294967298\n");
        MalformedSpecException e = malformed(text);
        assertEquals("attribute-sets[0].attributes[1].value", e.key());
        assertTrue(e.getMessage().endsWith("4294967298 is out of range 0..16383: an attribute type is 14 bits"),
                e.getMessage());
    }

    @Test
    void aFlagBitPastSixtyThreeIsRefused() {
        String text = replace("value: 5\n", "value: 100\n");
        MalformedSpecException e = malformed(text);
        assertEquals("definitions[0].entries[1].value", e.key());
        assertEquals(lineOf(text, "        value: 100"), e.line());
        assertTrue(e.getMessage().contains("100 is out of range 0..63"), e.getMessage());
        // An entry counted on past bit 63 too.
        MalformedSpecException counted = malformed(replace("value: 5\n", "value: 63\n      - loud\n"));
        assertTrue(counted.getMessage().contains("'loud' counts on to 64"), counted.getMessage());
    }

    @Test
    void checksOutsideTheAttributesTypeOrInvertedAreRefused() {
        MalformedSpecException range = malformed(replace("name: id\n        type: u32\n", """
                name: id
                        type: u32
                        checks:
                          max: 4294967296
                """));
        assertEquals("attribute-sets[0].attributes[0].checks.max", range.key());
        assertTrue(range.getMessage().contains("out of range 0..4294967295"), range.getMessage());
        MalformedSpecException inverted = malformed(replace("max-len: 15", "max-len: 15\n          min-len: 16"));
        assertEquals("attribute-sets[0].attributes[1].checks.max-len", inverted.key());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 5: struct sizes

    @Test
    void structLengthsAreNonNegativeAndBounded() {
        MalformedSpecException negative = malformed(replace("len: 4", "len: -8"));
        assertEquals("definitions[1].members[1].len", negative.key());
        assertTrue(negative.getMessage().contains("-8 is out of range 0..65531"), negative.getMessage());
        MalformedSpecException large = malformed(replace("len: 4", "len: 70000"));
        assertEquals("definitions[1].members[1].len", large.key());
        // Members each within bounds whose sum is not.
        MalformedSpecException sum = malformed(replace("len: 4", "len: 65531"));
        assertEquals("definitions[1].members", sum.key());
        assertTrue(sum.getMessage().contains("struct 'hdr' is 65535 bytes"), sum.getMessage());
    }

    @Test
    void aStructContainingItselfIsRefused() {
        String text = replace("        type: binary\n        len: 4\n", "        type: binary\n        struct: hdr\n");
        MalformedSpecException e = malformed(text);
        assertEquals("definitions[1].name", e.key());
        assertTrue(e.getMessage().endsWith("struct 'hdr' contains itself: hdr > hdr"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 2: sets nested in themselves

    @Test
    void aSelfNestingSetGetsOnePolicyDescribedDownToWhereItRepeats() throws Exception {
        SpecSchema schema = SpecSchema.of(load(HostileSpecs.selfNesting(5)));
        AttributePolicy top = schema.request("get", false).orElseThrow().attributes();
        assertEquals(7, top.specs().size());
        AttributePolicy tree = top.spec(2).orElseThrow().nestedPolicy().orElseThrow();
        for (int type = 3; type <= 6; type++) {
            assertSame(tree, top.spec(type).orElseThrow().nestedPolicy().orElseThrow(), "one policy per set");
        }
        assertEquals(AttributeKind.U32, tree.spec(1).orElseThrow().kind());
        // Where the set nests itself again, its attributes are those already described: an empty policy.
        assertEquals(List.of(), tree.spec(2).orElseThrow().nestedPolicy().orElseThrow().specs());
    }
}
