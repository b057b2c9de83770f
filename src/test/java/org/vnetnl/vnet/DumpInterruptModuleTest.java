package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.DumpHandler;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.DumpInterruptedException;
import org.vnetnl.genl.DumpResult;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.uapi.VnetNlUapi;

/**
 * NLM_F_DUMP_INTR from the real module: a GET_STATS dump whose device set changes between two of its parts is
 * flagged by the kernel, and {@link GenlConnection#dump} applies the caller's {@link DumpInterruptPolicy} to it
 * instead of returning the possibly inconsistent list as if it were complete.
 *
 * <p>The change is made deterministically from the handler, on the first message of the dump, by a process that
 * has finished before the handler returns. The kernel builds the next part of a dump while the previous one is
 * being read, so the part read right after the first one predates the change, and the one after it (or the final
 * NLMSG_DONE) carries the flag: the dump must span at least two parts. It runs in a private network namespace so
 * that neither the host's devices nor the other tests are involved.
 */
@Tag(ModuleSupport.TAG)
class DumpInterruptModuleTest {

    private static final String NAMESPACE = "vnet-dumpintr-" + ProcessHandle.current().pid();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /**
     * One GET_STATS message is about 130 bytes, so with the smallest receive buffer (8 KiB, which also caps the
     * parts the kernel builds for this socket) 200 devices make a dump of four parts.
     */
    private static final int DEVICES = 200;
    private static final ConnectionOptions SMALL_PARTS =
            ConnectionOptions.defaults().withReceiveBufferSize(8 * 1024);

    private static boolean created;
    private static int extraDevices;

    @BeforeAll
    static void createNamespaceWithDevices() throws IOException {
        ModuleSupport.assumeRoot("creating a network namespace and devices in it");
        ModuleSupport.run("ip", "netns", "add", NAMESPACE);
        created = true;
        // One ip process for all of them: one per device takes minutes under emulation.
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < DEVICES; i++) {
            batch.append("link add vd").append(i).append(" type vnet\n");
        }
        Path batchFile = Files.createTempFile("vnet-dumpintr", ".batch");
        try {
            Files.writeString(batchFile, batch, StandardCharsets.US_ASCII);
            ModuleSupport.run("ip", "-n", NAMESPACE, "-batch", batchFile.toString());
        } finally {
            Files.delete(batchFile);
        }
        assertEquals(DEVICES, devicesPresent().size(), "vnet devices in " + NAMESPACE);
    }

    @AfterAll
    static void deleteNamespace() {
        if (created) {
            // Deleting the namespace deletes its vnet devices with it.
            ModuleSupport.run("ip", "netns", "delete", NAMESPACE);
        }
    }

    /** The vnet devices of the namespace according to rtnetlink, independently of the module's dump. */
    private static Set<String> devicesPresent() {
        Set<String> names = new TreeSet<>();
        for (String line : ModuleSupport.run("ip", "-n", NAMESPACE, "-o", "link", "show", "type", "vnet")
                .split("\n")) {
            // "12: vd3: <BROADCAST,NOARP> mtu 1500 ..."
            String[] fields = line.split(": ", 3);
            if (fields.length == 3) {
                names.add(fields[1]);
            }
        }
        return names;
    }

    private static String addDevice() {
        String name = "vdx" + extraDevices++;
        ModuleSupport.run("ip", "-n", NAMESPACE, "link", "add", name, "type", "vnet");
        return name;
    }

    private static String ifname(GenlMessage message) {
        AttributeReader attributes = message.attributes();
        assertTrue(attributes.seek(VnetNlUapi.VNET_NL_ATTR_IFNAME()), "GET_STATS without VNET_NL_ATTR_IFNAME");
        return attributes.string();
    }

    /**
     * Collects the device names of a dump and runs {@code change} once, on the first message of its first
     * attempt; counts the restarts.
     */
    private static final class ChangingCollector implements DumpHandler {
        private final Runnable change;
        private final List<String> names = new ArrayList<>();
        private boolean changed;
        private int restarts;

        ChangingCollector(Runnable change) {
            this.change = change;
        }

        @Override
        public void onMessage(GenlMessage message) {
            names.add(ifname(message));
            if (!changed) {
                changed = true;
                change.run();
            }
        }

        @Override
        public void onRestart() {
            restarts++;
            names.clear();
        }
    }

    private static DumpResult dump(GenlConnection connection, DumpInterruptPolicy policy, DumpHandler handler)
            throws NetlinkException {
        Family family = connection.family(VnetClient.FAMILY_NAME);
        connection.prepareDump(family, VnetNlUapi.VNET_NL_CMD_GET_STATS());
        return connection.dump(TIMEOUT, policy, handler);
    }

    @Test
    void aDumpWithoutConcurrentChangeIsNotInterrupted() throws NetlinkException {
        try (GenlConnection connection = GenlConnection.openInNamespace(NAMESPACE, SMALL_PARTS)) {
            List<String> names = new ArrayList<>();
            DumpResult result = dump(connection, DumpInterruptPolicy.FAIL, message -> names.add(ifname(message)));

            assertFalse(result.interrupted());
            assertEquals(1, result.attempts());
            assertEquals(names.size(), result.messages());
            assertEquals(devicesPresent(), new TreeSet<>(names));
        }
    }

    @Test
    void failPolicyThrowsWhenADeviceIsAddedDuringTheDump() throws NetlinkException {
        try (GenlConnection connection = GenlConnection.openInNamespace(NAMESPACE, SMALL_PARTS)) {
            ChangingCollector handler = new ChangingCollector(DumpInterruptModuleTest::addDevice);

            DumpInterruptedException interrupted = assertThrows(DumpInterruptedException.class,
                    () -> dump(connection, DumpInterruptPolicy.FAIL, handler));

            assertEquals(0, interrupted.errno(), "the kernel reports no error for an interrupted dump");
            assertEquals(1, interrupted.attempts());
            assertEquals(0, handler.restarts);
            // The interrupted dump was read to its end: the connection serves the next one normally.
            List<String> names = new ArrayList<>();
            assertFalse(dump(connection, DumpInterruptPolicy.FAIL, message -> names.add(ifname(message)))
                    .interrupted());
            assertEquals(devicesPresent(), new TreeSet<>(names));
        }
    }

    @Test
    void acceptPartialReportsTheInterruptionWhenADeviceIsDeletedDuringTheDump() throws NetlinkException {
        String victim = addDevice();
        try (GenlConnection connection = GenlConnection.openInNamespace(NAMESPACE, SMALL_PARTS)) {
            ChangingCollector handler = new ChangingCollector(
                    () -> ModuleSupport.run("ip", "-n", NAMESPACE, "link", "delete", victim));

            DumpResult result = dump(connection, DumpInterruptPolicy.ACCEPT_PARTIAL, handler);

            assertTrue(result.interrupted());
            assertEquals(1, result.attempts());
            assertEquals(handler.names.size(), result.messages());
            assertEquals(0, handler.restarts);
        }
    }

    @Test
    void retryRunsTheDumpAgainAndReturnsTheDevicesPresentAfterTheChange() throws NetlinkException {
        try (GenlConnection connection = GenlConnection.openInNamespace(NAMESPACE, SMALL_PARTS)) {
            List<String> added = new ArrayList<>();
            ChangingCollector handler = new ChangingCollector(() -> added.add(addDevice()));

            DumpResult result = dump(connection, DumpInterruptPolicy.retry(3), handler);

            assertFalse(result.interrupted());
            assertEquals(2, result.attempts());
            assertEquals(1, handler.restarts);
            assertEquals(handler.names.size(), result.messages());
            Set<String> present = devicesPresent();
            assertTrue(present.containsAll(added), present + " lacks " + added);
            assertEquals(handler.names.size(), new TreeSet<>(handler.names).size(), "duplicates: " + handler.names);
            assertEquals(present, new TreeSet<>(handler.names));
        }
    }
}
