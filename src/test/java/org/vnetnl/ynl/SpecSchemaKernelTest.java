package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.kernel.netdev.Netdev;
import org.vnetnl.kernel.netdev.NetdevClient;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The generic schema check on the host kernel: the netdev client generated from Linux 6.12's {@code netdev.yaml}
 * agrees with the running kernel's netdev policies, and a copy of the spec altered here fails naming exactly the
 * attributes that were altered.
 */
class SpecSchemaKernelTest {

    private static SpecSchema altered(String from, String to) throws Exception {
        Path file = KernelYnl.spec("netdev");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.contains(from), from);
        return SpecSchema.of(SpecLoader.load(file, new StringReader(text.replaceFirst(
                java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)))));
    }

    @Test
    void theGeneratedNetdevClientMatchesTheRunningKernel() throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            NetdevClient netdev = NetdevClient.open(connection);
            // Operations this kernel's configuration leaves out (page-pool-stats-get) are not differences here.
            netdev.checkKernel(false);
            assertEquals(List.of(), Netdev.SCHEMA.differences(connection, netdev.family(), netdev.timeout(), false));
            // The spec loaded at run time (the dynamic client's view) gives the same schema and the same result.
            SpecSchema loaded = SpecSchema.of(SpecLoader.load(KernelYnl.spec("netdev")));
            assertEquals(Netdev.SCHEMA.toString(), loaded.toString());
            try (YnlClient dynamic = YnlClient.open(SpecLoader.load(KernelYnl.spec("netdev")))) {
                dynamic.checkKernel(false);
            }
        }
    }

    @Test
    void theDynamicClientNamesWhereAHandWrittenKernelPolicyDiffersFromItsSpec() throws Exception {
        // nlctrl's policy is written by hand in the kernel, not generated from nlctrl.yaml, and the spec leaves
        // out the limit the kernel enforces on family names (GENL_NAMSIZ - 1): the check finds exactly that.
        try (YnlClient nlctrl = YnlClient.open(SpecLoader.load(KernelYnl.spec("nlctrl")))) {
            SchemaMismatchException e = assertThrows(SchemaMismatchException.class, () -> nlctrl.checkKernel(false));
            assertEquals(List.of("CTRL_ATTR_FAMILY_NAME (type 2): the client expects NUL-terminated string of at most"
                    + " 65530 bytes, the kernel has NUL-terminated string of at most 15 bytes (in getfamily, getpolicy dump)"),
                    e.differences());
        }
    }

    @Test
    void anAlteredRangeIsNamed() throws Exception {
        SpecSchema schema = altered("name: ifindex\n        doc: netdev ifindex\n        type: u32\n        checks:\n          min: 1", "name: ifindex\n        doc: netdev ifindex\n        type: u32\n        checks:\n          min: 2");
        try (GenlConnection connection = GenlConnection.open()) {
            NetdevClient netdev = NetdevClient.open(connection);
            SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                    () -> schema.check(connection, netdev.family(), netdev.timeout(), false));
            assertEquals(1, e.differences().size(), e.getMessage());
            String line = e.differences().get(0);
            assertTrue(line.startsWith("NETDEV_A_DEV_IFINDEX (type " + Netdev.Dev.IFINDEX + "): the client expects u32 2.."),
                    line);
            assertTrue(line.contains("the kernel has u32 1.."), line);
            assertTrue(line.endsWith("(in dev-get)"), line);
        }
    }

    @Test
    void anAlteredTypeAndAMissingOperationAreNamed() throws Exception {
        SpecSchema schema = altered("name: ifindex\n        doc: netdev ifindex\n        type: u32", "name: ifindex\n        doc: netdev ifindex\n        type: u64");
        SpecSchema missing = schema.withRequest(schema.request("dev-get", false).orElseThrow());
        List<SpecSchema.Request> requests = new java.util.ArrayList<>(missing.requests());
        requests.add(new SpecSchema.Request("no-such-op", 200, false, requests.get(0).attributes()));
        SpecSchema withMissing = new SpecSchema(schema.family(), schema.version(), schema.multicastGroups(), requests);
        try (GenlConnection connection = GenlConnection.open()) {
            NetdevClient netdev = NetdevClient.open(connection);
            List<String> differences = withMissing.differences(connection, netdev.family(), netdev.timeout(), true).stream()
                    .filter(d -> !d.contains("page-pool-stats-get"))        // absent where CONFIG_PAGE_POOL_STATS is off
                    .toList();
            assertEquals(2, differences.size(), differences.toString());
            assertTrue(differences.get(0).startsWith("NETDEV_A_DEV_IFINDEX (type " + Netdev.Dev.IFINDEX
                    + "): the client expects u64"), differences.get(0));
            assertTrue(differences.get(0).contains("the kernel has u32"), differences.get(0));
            assertEquals("the kernel does not implement no-such-op (command 200)", differences.get(1));
        }
    }
}
