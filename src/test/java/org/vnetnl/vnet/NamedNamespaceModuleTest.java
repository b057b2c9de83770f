package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.internal.uapi.VnetNlUapi;

/**
 * The vnet_nl family from inside a named network namespace ({@code ip netns add}), through
 * {@link GenlConnection#openInNamespace}: requests answer there, the namespace's own vnet device is the only one
 * it sees, and its events stay in it.
 */
@Tag(ModuleSupport.TAG)
class NamedNamespaceModuleTest {

    private static final String NAMESPACE = "vnet-java-" + ProcessHandle.current().pid();
    private static final String DEVICE = "vnet-ns0";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration QUIET = Duration.ofMillis(300);

    private static boolean created;

    @BeforeAll
    static void createNamespaceWithDevice() {
        ModuleSupport.assumeRoot("creating a network namespace");
        ModuleSupport.run("ip", "netns", "add", NAMESPACE);
        created = true;
        ModuleSupport.run("ip", "-n", NAMESPACE, "link", "add", DEVICE, "type", "vnet");
    }

    @AfterAll
    static void deleteNamespace() {
        if (created) {
            // Deleting the namespace deletes its vnet device with it.
            ModuleSupport.run("ip", "netns", "delete", NAMESPACE);
        }
    }

    private static GenlConnection inNamespace() throws NetlinkException {
        return GenlConnection.openInNamespace(NAMESPACE, ConnectionOptions.defaults());
    }

    private static String echo(GenlConnection connection, Family family, String text) throws NetlinkException {
        connection.prepare(family, VnetNlUapi.VNET_NL_CMD_ECHO()).putString(VnetNlUapi.VNET_NL_ATTR_MSG(), text);
        GenlMessage reply = connection.transact(TIMEOUT);
        AttributeReader attributes = reply.attributes();
        assertTrue(attributes.seek(VnetNlUapi.VNET_NL_ATTR_MSG()), "ECHO reply without VNET_NL_ATTR_MSG");
        return attributes.string();
    }

    /** The names of the vnet devices a GET_STATS dump lists on this connection. */
    private static List<String> vnetDevices(GenlConnection connection, Family family) throws NetlinkException {
        List<String> names = new ArrayList<>();
        connection.prepareDump(family, VnetNlUapi.VNET_NL_CMD_GET_STATS());
        connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, message -> {
            AttributeReader attributes = message.attributes();
            assertTrue(attributes.seek(VnetNlUapi.VNET_NL_ATTR_IFNAME()), "GET_STATS without VNET_NL_ATTR_IFNAME");
            names.add(attributes.string());
        });
        return names;
    }

    @Test
    void theFamilyAnswersInsideTheNamespaceAndSeesOnlyItsDevice() throws NetlinkException {
        try (GenlConnection namespaced = inNamespace(); GenlConnection outside = GenlConnection.open()) {
            Family family = namespaced.family(VnetClient.FAMILY_NAME);

            assertEquals("inside " + NAMESPACE, echo(namespaced, family, "inside " + NAMESPACE));
            assertEquals(List.of(DEVICE), vnetDevices(namespaced, family));

            List<String> outsideDevices = vnetDevices(outside, outside.family(VnetClient.FAMILY_NAME));
            assertTrue(outsideDevices.contains(VnetClient.DEFAULT_IFNAME) && !outsideDevices.contains(DEVICE),
                    outsideDevices.toString());
        }
    }

    @Test
    void eventsStayInTheirNamespace() throws NetlinkException {
        try (GenlConnection namespaced = inNamespace(); GenlConnection outside = GenlConnection.open()) {
            Family family = namespaced.family(VnetClient.FAMILY_NAME);
            namespaced.joinGroup(family, VnetClient.EVENTS_GROUP);
            outside.joinGroup(outside.family(VnetClient.FAMILY_NAME), VnetClient.EVENTS_GROUP);

            // A link change and an ECHO inside: heard inside only.
            ModuleSupport.run("ip", "-n", NAMESPACE, "link", "set", DEVICE, "up");
            echo(namespaced, family, "event inside");
            GenlMessage link = namespaced.receiveNotification(TIMEOUT);
            assertEquals(VnetNlUapi.VNET_NL_CMD_LINK_EVENT(), link.command());
            AttributeReader attributes = link.attributes();
            assertTrue(attributes.seek(VnetNlUapi.VNET_NL_ATTR_IFNAME()) && attributes.stringEquals(DEVICE));
            GenlMessage echoEvent = namespaced.receiveNotification(TIMEOUT);
            assertEquals(VnetNlUapi.VNET_NL_CMD_ECHO_EVENT(), echoEvent.command());
            attributes = echoEvent.attributes();
            assertTrue(attributes.seek(VnetNlUapi.VNET_NL_ATTR_MSG()) && attributes.stringEquals("event inside"));
            assertThrows(NetlinkTimeoutException.class, () -> outside.receiveNotification(QUIET));

            // An ECHO outside: heard outside only.
            echo(outside, outside.family(VnetClient.FAMILY_NAME), "event outside");
            attributes = outside.receiveNotification(TIMEOUT).attributes();
            assertTrue(attributes.seek(VnetNlUapi.VNET_NL_ATTR_MSG()) && attributes.stringEquals("event outside"));
            assertThrows(NetlinkTimeoutException.class, () -> namespaced.receiveNotification(QUIET));
        }
    }

    @Test
    void aTypedClientOpensInsideTheNamespace() throws NetlinkException {
        try (VnetClient client = VnetClient.openInNamespace(NAMESPACE, VnetClient.Options.defaults())) {
            assertEquals(7, client.echo("typed, inside", 7, true).value());
            List<String> devices = new ArrayList<>();
            for (DeviceStats stats : client.allStats()) {
                devices.add(stats.ifname());
            }
            assertEquals(List.of(DEVICE), devices);
        }
    }
}
