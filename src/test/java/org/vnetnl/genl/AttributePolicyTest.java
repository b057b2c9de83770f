package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributePolicy.AttributeSpec;


class AttributePolicyTest {

    // The numbers of <linux/vnet_nl.h>, repeated so that this test of the codec does not depend on the
    // generated bindings.
    private static final int MSG = 1;
    private static final int VALUE = 2;
    private static final int FLAG = 3;
    private static final int IFINDEX = 4;
    private static final int IFNAME = 5;
    private static final int LINK_UP = 6;
    private static final int STATS = 7;
    private static final int PAD = 8;
    private static final int RX_PACKETS = 1;
    private static final int TX_PACKETS = 2;

    /** Where attributes start in a generic netlink message: after nlmsghdr (16) and genlmsghdr (4). */
    private static final int ATTRIBUTES = 20;

    private static final AttributePolicy STATS_POLICY = AttributePolicy.builder()
            .integer(AttributeKind.U64, RX_PACKETS, "VNET_NL_STATS_RX_PACKETS")
            .integer(AttributeKind.U64, TX_PACKETS, "VNET_NL_STATS_TX_PACKETS", 0, 1000)
            .rejectUnknown()
            .build();

    private static final AttributePolicy POLICY = AttributePolicy.builder()
            .string(MSG, "VNET_NL_ATTR_MSG", 255)
            .integer(AttributeKind.U32, VALUE, "VNET_NL_ATTR_VALUE")
            .integer(AttributeKind.U8, FLAG, "VNET_NL_ATTR_FLAG", 0, 1)
            .integer(AttributeKind.U32, IFINDEX, "VNET_NL_ATTR_IFINDEX", 1, 0xFFFF_FFFFL)
            .string(IFNAME, "VNET_NL_ATTR_IFNAME", 15)
            .integer(AttributeKind.U8, LINK_UP, "VNET_NL_ATTR_LINK_UP", 0, 1)
            .nested(STATS, "VNET_NL_ATTR_STATS", STATS_POLICY)
            .binary(PAD, "VNET_NL_ATTR_PAD", 0, 4)
            .build();

    private final MemorySegment buffer = MemorySegment.ofArray(new byte[1024]);
    private final AttributeWriter writer = new AttributeWriter();
    private final AttributeReader reader = new AttributeReader();

    private AttributeReader attributes(Consumer<AttributeWriter> put) {
        writer.wrap(buffer, ATTRIBUTES, buffer.byteSize() - ATTRIBUTES);
        put.accept(writer);
        return reader.wrap(buffer, ATTRIBUTES, writer.length());
    }

    private static PolicyViolationException assertViolation(AttributePolicy policy, AttributeReader attrs,
            String message) {
        PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> policy.validate(attrs));
        assertEquals(message, e.getMessage());
        return e;
    }

    @Test
    void acceptsAValidMessageAndLeavesTheReaderRewound() {
        AttributeReader attrs = attributes(w -> {
            w.putString(MSG, "hello").putU32(VALUE, 42).putU8(FLAG, 1).putString(IFNAME, "vnet0");
            int stats = w.beginNested(STATS);
            w.putU64(RX_PACKETS, -1L).putU64(TX_PACKETS, 1000);
            w.endNested(stats);
            w.putBytes(PAD, new byte[0]);
        });
        assertTrue(attrs.next());
        POLICY.validate(attrs);
        assertTrue(attrs.next());
        assertEquals(MSG, attrs.type());
    }

    @Test
    void reportsAValueOutOfRange() {
        AttributeReader attrs = attributes(w -> w.putU32(VALUE, 5).putU32(IFINDEX, 1).putU8(FLAG, 2));
        PolicyViolationException e = assertViolation(POLICY, attrs,
                "VNET_NL_ATTR_FLAG (type 3) at offset 36: value 2 out of range 0..1");
        assertEquals(FLAG, e.attributeType());
        assertEquals("VNET_NL_ATTR_FLAG", e.attributeName());
        assertEquals(36, e.offset());
        assertEquals("value 2 out of range 0..1", e.problem());
        assertViolation(POLICY, attributes(w -> w.putU32(IFINDEX, 0)),
                "VNET_NL_ATTR_IFINDEX (type 4) at offset 20: value 0 out of range 1..4294967295");
    }

    @Test
    void reportsAWrongSizeForEveryIntegerKindAndFlags() {
        AttributePolicy policy = AttributePolicy.builder()
                .integer(AttributeKind.U8, 1, "A").integer(AttributeKind.U16, 2, "B").integer(AttributeKind.U32, 3, "C").integer(AttributeKind.U64, 4, "D").integer(AttributeKind.S8, 5, "E").integer(AttributeKind.S16, 6, "F").integer(AttributeKind.S32, 7, "G").integer(AttributeKind.S64, 8, "H")
                .flag(9, "I").build();
        int[] sizes = {1, 2, 4, 8, 1, 2, 4, 8, 0};
        for (int type = 1; type <= 9; type++) {
            int size = sizes[type - 1];
            int t = type;
            AttributeKind kind = policy.spec(type).orElseThrow().kind();
            policy.validate(attributes(w -> w.putBytes(t, new byte[size])));
            int wrong = size == 4 ? 2 : size + 1;
            assertViolation(policy, attributes(w -> w.putBytes(t, new byte[wrong])),
                    policy.nameOf(type) + " (type " + type + ") at offset 20: payload of " + wrong + " byte"
                            + (wrong == 1 ? "" : "s") + ", expected " + size + " for " + kind);
        }
    }

    @Test
    void checksSignedAndUnsignedRangesWithTheirOwnOrdering() {
        AttributePolicy policy = AttributePolicy.builder()
                .integer(AttributeKind.S8, 1, "S8", -5, 5).integer(AttributeKind.S16, 2, "S16", -300, -200).integer(AttributeKind.S32, 3, "S32", -1, 1).integer(AttributeKind.S64, 4, "S64", Long.MIN_VALUE, 0)
                .integer(AttributeKind.U16, 5, "U16", 10, 20).integer(AttributeKind.U64, 6, "U64", 0, 100).integer(AttributeKind.U64, 7, "U64_FULL").build();
        policy.validate(attributes(w -> w.putS8(1, -5).putS16(2, -250).putS32(3, 1).putS64(4, Long.MIN_VALUE)
                .putU16(5, 20).putU64(6, 100).putU64(7, -1L)));
        assertViolation(policy, attributes(w -> w.putS8(1, -6)), "S8 (type 1) at offset 20: value -6 out of range -5..5");
        assertViolation(policy, attributes(w -> w.putS16(2, -199)),
                "S16 (type 2) at offset 20: value -199 out of range -300..-200");
        assertViolation(policy, attributes(w -> w.putS64(4, 1)),
                "S64 (type 4) at offset 20: value 1 out of range -9223372036854775808..0");
        assertViolation(policy, attributes(w -> w.putU16(5, 9)), "U16 (type 5) at offset 20: value 9 out of range 10..20");
        assertViolation(policy, attributes(w -> w.putU64(6, -1L)),
                "U64 (type 6) at offset 20: value 18446744073709551615 out of range 0..100");
    }

    @Test
    void reportsStringsThatAreTooLongOrUnterminated() {
        POLICY.validate(attributes(w -> w.putString(IFNAME, "x".repeat(15))));
        assertViolation(POLICY, attributes(w -> w.putString(IFNAME, "x".repeat(16))),
                "VNET_NL_ATTR_IFNAME (type 5) at offset 20: string of 16 bytes exceeds the maximum of 15");
        assertViolation(POLICY, attributes(w -> w.putBytes(MSG, new byte[] {'a', 'b'})),
                "VNET_NL_ATTR_MSG (type 1) at offset 20: string of 2 bytes has no NUL terminator");
        assertViolation(POLICY, attributes(w -> w.putFlag(MSG)),
                "VNET_NL_ATTR_MSG (type 1) at offset 20: empty payload, expected a NUL-terminated string");
        // Multi-byte characters count in bytes, like the kernel's strnlen.
        assertViolation(POLICY, attributes(w -> w.putString(IFNAME, "ééééééééé")),
                "VNET_NL_ATTR_IFNAME (type 5) at offset 20: string of 18 bytes exceeds the maximum of 15");
    }

    @Test
    void reportsBinaryPayloadsOutsideTheirLimits() {
        AttributePolicy policy = AttributePolicy.builder().binary(1, "MAC", 6, 6).build();
        policy.validate(attributes(w -> w.putBytes(1, new byte[6])));
        assertViolation(policy, attributes(w -> w.putBytes(1, new byte[5])),
                "MAC (type 1) at offset 20: payload of 5 bytes, expected 6..6");
        assertViolation(policy, attributes(w -> w.putBytes(1, new byte[7])),
                "MAC (type 1) at offset 20: payload of 7 bytes, expected 6..6");
    }

    @Test
    void recursesIntoNestedAttributes() {
        AttributeReader attrs = attributes(w -> {
            w.putU8(LINK_UP, 1);
            int stats = w.beginNested(STATS);
            w.putU64(RX_PACKETS, 1).putU64(TX_PACKETS, 1001);
            w.endNested(stats);
        });
        PolicyViolationException e = assertViolation(POLICY, attrs,
                "VNET_NL_STATS_TX_PACKETS (type 2) at offset 44: value 1001 out of range 0..1000");
        assertEquals("VNET_NL_STATS_TX_PACKETS", e.attributeName());

        assertViolation(POLICY, attributes(w -> {
            int stats = w.beginNested(STATS);
            w.putU32(RX_PACKETS, 1);
            w.endNested(stats);
        }), "VNET_NL_STATS_RX_PACKETS (type 1) at offset 24: payload of 4 bytes, expected 8 for u64");

        assertViolation(POLICY, attributes(w -> {
            int stats = w.beginNested(STATS);
            w.putU64(9, 1);
            w.endNested(stats);
        }), "type 9 at offset 24: unknown attribute type, the policy declares types 1, 2");
    }

    @Test
    void skipsUnknownTypesUnlessStrict() {
        AttributeReader attrs = attributes(w -> w.putU32(VALUE, 1).putU64(100, 7).putFlag(0x3FFF));
        POLICY.validate(attrs);
        AttributePolicy strict = AttributePolicy.builder().integer(AttributeKind.U32, VALUE, "VNET_NL_ATTR_VALUE").rejectUnknown().build();
        PolicyViolationException e = assertViolation(strict, attrs,
                "type 100 at offset 28: unknown attribute type, the policy declares types 2");
        assertEquals("type 100", e.attributeName());
        assertEquals(100, e.attributeType());
        assertViolation(AttributePolicy.builder().rejectUnknown().build(), attrs,
                "type 2 at offset 20: unknown attribute type, the policy declares none");
    }

    @Test
    void reportsTheFirstViolation() {
        AttributeReader attrs = attributes(w -> w.putU8(FLAG, 1).putU8(LINK_UP, 7).putU8(FLAG, 9));
        assertViolation(POLICY, attrs, "VNET_NL_ATTR_LINK_UP (type 6) at offset 28: value 7 out of range 0..1");
    }

    @Test
    void malformedAttributesAreNotPolicyViolations() {
        buffer.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, ATTRIBUTES, 0x0002_0003);
        reader.wrap(buffer, ATTRIBUTES, 8);
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> POLICY.validate(reader));
        assertFalse(e instanceof PolicyViolationException, e.getMessage());
        assertEquals(ATTRIBUTES, e.offset());
    }

    @Test
    void exposesTheDeclarations() {
        AttributeSpec flag = POLICY.spec(FLAG).orElseThrow();
        assertEquals(FLAG, flag.type());
        assertEquals("VNET_NL_ATTR_FLAG", flag.name());
        assertEquals(AttributeKind.U8, flag.kind());
        assertTrue(flag.hasRange());
        assertEquals(0, flag.min());
        assertEquals(1, flag.max());
        assertEquals(1, flag.minLength());
        assertEquals(1, flag.maxLength());
        assertEquals("VNET_NL_ATTR_FLAG (type 3): u8 0..1", flag.toString());

        AttributeSpec value = POLICY.spec(VALUE).orElseThrow();
        assertFalse(value.hasRange());
        assertEquals(0xFFFF_FFFFL, value.max(), "the kind's own range when none is declared");

        AttributeSpec name = POLICY.spec(IFNAME).orElseThrow();
        assertEquals(AttributeKind.NUL_STRING, name.kind());
        assertEquals(15, name.maxLength());
        assertTrue(name.nestedPolicy().isEmpty());

        assertSame(STATS_POLICY, POLICY.spec(STATS).orElseThrow().nestedPolicy().orElseThrow());
        assertEquals(-1L, STATS_POLICY.spec(RX_PACKETS).orElseThrow().max(), "u64 maximum, unsigned");
        assertTrue(POLICY.spec(99).isEmpty());
        assertTrue(POLICY.spec(0).isEmpty());
        assertTrue(POLICY.spec(-1).isEmpty());
        assertEquals(PAD, POLICY.maxType());
        assertEquals(0, AttributePolicy.builder().build().maxType());
        assertEquals("VNET_NL_ATTR_LINK_UP", POLICY.nameOf(LINK_UP));
        assertEquals("type 42", POLICY.nameOf(42));
        assertFalse(POLICY.rejectsUnknown());
        assertTrue(STATS_POLICY.rejectsUnknown());
        List<AttributeSpec> specs = POLICY.specs();
        assertEquals(8, specs.size());
        for (int i = 0; i < specs.size(); i++) {
            assertEquals(i + 1, specs.get(i).type(), "ascending types");
        }
        assertThrows(UnsupportedOperationException.class, () -> specs.remove(0));
    }

    @Test
    void listsDeclarationsInAscendingOrderWhateverTheDeclarationOrder() {
        AttributePolicy policy = AttributePolicy.builder().flag(9, "NINE").integer(AttributeKind.U8, 2, "TWO").build();
        assertEquals(2, policy.specs().get(0).type());
        assertEquals(9, policy.maxType());
    }

    @Test
    void theBuilderRejectsInconsistentDeclarations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttributePolicy.builder().integer(AttributeKind.U8, 1, "A").integer(AttributeKind.U32, 1, "B"));
        assertEquals("attribute type 1 (B) is already declared as A (type 1): u8", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 0, "A"));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 0x4000, "A"));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 1, null));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 1, "A", 0, 256));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 1, "A", -1, 1));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U8, 1, "A", 2, 1));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.S8, 1, "A", -129, 0));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U32, 1, "A", 0, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.U64, 1, "A", -1, 0));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().integer(AttributeKind.S64, 1, "A", 1, -1));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().string(1, "A", -1));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().string(1, "A", 65_531));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().binary(1, "A", 5, 4));
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder().binary(1, "A", 0, 65_532));
        assertThrows(NullPointerException.class, () -> AttributePolicy.builder().nested(1, "A", null));
    }

    @Test
    void aBuiltPolicyIsNotAffectedByLaterDeclarations() {
        AttributePolicy.Builder builder = AttributePolicy.builder().integer(AttributeKind.U8, 1, "A");
        AttributePolicy first = builder.build();
        builder.integer(AttributeKind.U8, 2, "B").rejectUnknown();
        assertTrue(first.spec(2).isEmpty());
        assertFalse(first.rejectsUnknown());
        assertEquals(2, builder.build().specs().size());
    }

    @Test
    void violationsAreMalformedMessages() {
        PolicyViolationException e = new PolicyViolationException("X", 3, 8, "bad");
        assertInstanceOf(MalformedMessageException.class, e);
        assertEquals("X (type 3) at offset 8: bad", e.getMessage());
        assertEquals("type 3 at offset 8: bad", new PolicyViolationException("type 3", 3, 8, "bad").getMessage());
    }

    @Test
    void aSpecIsAValueCheckedWhenMadeAndCarriedIntoAnotherPolicyAsIs() {
        AttributePolicy.Builder builder = AttributePolicy.builder();
        POLICY.specs().forEach(builder::add);
        AttributePolicy rebuilt = builder.build();
        assertEquals(POLICY.specs(), rebuilt.specs(), "records compare by value");
        assertEquals(new AttributeSpec(2, "VNET_NL_ATTR_VALUE", AttributeKind.U32, 4, 4, false, 0, 0xFFFF_FFFFL,
                Optional.empty()), POLICY.spec(VALUE).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new AttributeSpec(1, "A", AttributeKind.U8, 1, 1, true,
                0, 256, Optional.empty()), "range beyond the kind");
        assertThrows(IllegalArgumentException.class, () -> new AttributeSpec(1, "A", AttributeKind.U8, 2, 2, false,
                0, 255, Optional.empty()), "length that is not the kind's size");
        assertThrows(IllegalArgumentException.class, () -> new AttributeSpec(1, "A", AttributeKind.NESTED, 0, 4,
                false, 0, 0, Optional.empty()), "nested without its policy");
        assertThrows(IllegalArgumentException.class, () -> new AttributeSpec(1, "A", AttributeKind.BITFIELD32, 8,
                8, false, 0, 0, Optional.empty()), "a kind the policy cannot validate");
        assertThrows(IllegalArgumentException.class, () -> AttributePolicy.builder()
                .integer(AttributeKind.NUL_STRING, 1, "A"), "integer() of a non-integer kind");
    }
}
