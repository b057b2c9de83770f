package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Policy dumps of the controller family {@code nlctrl}, which every kernel has: its CTRL_CMD_GETFAMILY takes a
 * u16 family id and a NUL-terminated family name shorter than GENL_NAMSIZ.
 */
class FamilyPolicyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private GenlConnection connection;
    private Family nlctrl;

    @BeforeEach
    void open() throws NetlinkException {
        connection = GenlConnection.open();
        nlctrl = connection.family("nlctrl");
    }

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void readsTheDoPolicyOfOneCommand() throws NetlinkException {
        FamilyPolicy policy = FamilyPolicy.read(connection, nlctrl, LibNl.CTRL_CMD_GETFAMILY(), TIMEOUT);

        assertEquals("nlctrl", policy.familyName());
        assertEquals(LibNl.CTRL_CMD_GETFAMILY(), policy.command());
        FamilyPolicy.Table table = policy.doPolicy().orElseThrow();
        FamilyPolicy.Rule id = table.rule(LibNl.CTRL_ATTR_FAMILY_ID()).orElseThrow();
        assertEquals(AttributeKind.U16, id.kind());
        assertEquals(0L, id.minValue().orElseThrow());
        assertEquals(0xFFFFL, id.maxValue().orElseThrow());
        FamilyPolicy.Rule name = table.rule(LibNl.CTRL_ATTR_FAMILY_NAME()).orElseThrow();
        assertEquals(AttributeKind.NUL_STRING, name.kind());
        assertEquals(LibNl.GENL_NAMSIZ() - 1, name.maxLength().orElseThrow());
        assertEquals("NUL-terminated string of at most " + (LibNl.GENL_NAMSIZ() - 1) + " bytes", name.describe());
        assertTrue(table.rule(LibNl.CTRL_ATTR_MCAST_GROUPS()).isEmpty(), "GETFAMILY takes no group list");
    }

    @Test
    void readsTheDumpPolicyOfACommandWithoutDoit() throws NetlinkException {
        FamilyPolicy policy = FamilyPolicy.read(connection, nlctrl, LibNl.CTRL_CMD_GETPOLICY(), TIMEOUT);

        assertEquals(LibNl.CTRL_CMD_GETPOLICY(), policy.command());
        assertTrue(policy.doPolicy().isEmpty(), policy.toString());
        FamilyPolicy.Table getPolicy = policy.dumpPolicy().orElseThrow();
        assertEquals(AttributeKind.U32, getPolicy.rule(LibNl.CTRL_ATTR_OP()).orElseThrow().kind());
    }

    @Test
    void agreesWithTheMatchingExpectation() throws NetlinkException {
        FamilyPolicy policy = FamilyPolicy.read(connection, nlctrl, LibNl.CTRL_CMD_GETFAMILY(), TIMEOUT);
        AttributePolicy expected = AttributePolicy.builder()
                .integer(AttributeKind.U16, LibNl.CTRL_ATTR_FAMILY_ID(), "CTRL_ATTR_FAMILY_ID")
                .string(LibNl.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME", LibNl.GENL_NAMSIZ() - 1)
                .build();

        assertEquals(List.of(), policy.mismatches(policy.doPolicy().orElseThrow(), expected));
    }

    @Test
    void namesEveryAttributeThatDisagrees() throws NetlinkException {
        FamilyPolicy policy = FamilyPolicy.read(connection, nlctrl, LibNl.CTRL_CMD_GETFAMILY(), TIMEOUT);
        AttributePolicy expected = AttributePolicy.builder()
                .integer(AttributeKind.U32, LibNl.CTRL_ATTR_FAMILY_ID(), "CTRL_ATTR_FAMILY_ID")
                .string(LibNl.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME", 10)
                .integer(AttributeKind.U8, LibNl.CTRL_ATTR_VERSION(), "CTRL_ATTR_VERSION", 0, 1)
                .build();

        List<String> mismatches =
                policy.mismatches(policy.doPolicy().orElseThrow(), expected);

        assertEquals(3, mismatches.size(), mismatches.toString());
        assertEquals("CTRL_ATTR_FAMILY_ID (type " + LibNl.CTRL_ATTR_FAMILY_ID() + "): the client expects u32"
                + " 0..4294967295, the kernel has u16 0..65535", mismatches.get(0));
        assertEquals("CTRL_ATTR_FAMILY_NAME (type " + LibNl.CTRL_ATTR_FAMILY_NAME() + "): the client expects"
                + " NUL-terminated string of at most 10 bytes, the kernel has NUL-terminated string of at most "
                + (LibNl.GENL_NAMSIZ() - 1) + " bytes", mismatches.get(1));
        assertTrue(mismatches.get(2).startsWith("CTRL_ATTR_VERSION (type " + LibNl.CTRL_ATTR_VERSION()
                + "): the client expects u8 0..1, the kernel does not accept it"), mismatches.get(2));
    }

    @Test
    void integerLimitsMustMatchExactly() throws NetlinkException {
        FamilyPolicy policy = FamilyPolicy.read(connection, nlctrl, LibNl.CTRL_CMD_GETFAMILY(), TIMEOUT);
        AttributePolicy narrower = AttributePolicy.builder()
                .integer(AttributeKind.U16, LibNl.CTRL_ATTR_FAMILY_ID(), "CTRL_ATTR_FAMILY_ID", 1, 0xFFFF)
                .build();

        List<String> mismatches =
                policy.mismatches(policy.doPolicy().orElseThrow(), narrower);

        assertEquals(1, mismatches.size(), mismatches.toString());
        assertTrue(mismatches.get(0).contains("the client expects u16 1..65535, the kernel has u16 0..65535"),
                mismatches.get(0));
    }

    @Test
    void aCommandWithoutPolicyIsAnError() {
        NetlinkException error = org.junit.jupiter.api.Assertions.assertThrows(NetlinkException.class,
                () -> FamilyPolicy.read(connection, nlctrl, 0xFE, TIMEOUT));
        assertFalse(error.operation().isEmpty());
        assertTrue(error.getMessage().contains("CTRL_CMD_GETPOLICY(nlctrl command 254)"), error.getMessage());
    }
}
