package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Multicast notifications from a real kernel family, in a network namespace of the test's own: the {@code netdev}
 * family (Linux >= 6.2) announces every device registered or unregistered in a namespace on its "mgmt" group,
 * and {@code ip link add ... type veth} creates two devices at once. Running in a private namespace keeps the
 * machine's own devices out of it, and exercises {@link GenlConnection#openInNamespace}.
 */
class NamespaceNotificationTest {

    // From include/uapi/linux/netdev.h (Linux 6.2+); the build machine's libc headers predate the family.
    private static final int NETDEV_CMD_DEV_ADD_NTF = 2;
    private static final int NETDEV_CMD_DEV_DEL_NTF = 3;
    private static final int NETDEV_CMD_DEV_CHANGE_NTF = 4;
    private static final int NETDEV_A_DEV_IFINDEX = 1;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String NAMESPACE = "vnetnl-test-" + ProcessHandle.current().pid();

    private static boolean created;

    @BeforeAll
    static void createNamespace() throws Exception {
        // Creating a namespace and entering it (setns) need root; as another user these tests say so and skip.
        assumeTrue("root".equals(System.getProperty("user.name")),
                "network namespace tests need root (ip netns add, setns): run mvn verify as root to include them");
        run("ip", "netns", "add", NAMESPACE);
        created = true;
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        if (created) {
            run("ip", "netns", "delete", NAMESPACE);
        }
    }

    @Test
    void notificationsArrivingDuringARequestAreKeptInOrder() throws Exception {
        try (GenlConnection listener = GenlConnection.openInNamespace(NAMESPACE, ConnectionOptions.defaults())) {
            Family netdev = netdevFamily(listener);
            listener.joinGroup(netdev, "mgmt");

            run("ip", "-n", NAMESPACE, "link", "add", "nva", "type", "veth", "peer", "name", "nvb");
            run("ip", "-n", NAMESPACE, "link", "delete", "nva");

            // The notifications are queued before the reply: the request must set them aside, not lose them.
            // A request on the connection's socket (a dump would run on an extra socket, which hears no group).
            listener.forgetFamily("netdev");
            assertEquals(netdev.id(), listener.family("netdev").id());
            int held = listener.pendingNotifications();
            assertTrue(held >= 4, "held " + held + " notifications");

            List<Integer> commands = new ArrayList<>();
            List<Long> ifindexes = new ArrayList<>();
            for (int i = 0; i < held; i++) {
                GenlMessage event = listener.receiveNotification(TIMEOUT);
                assertTrue(event.isNotification());
                assertEquals(netdev.multicastGroup("mgmt").getAsInt(), event.multicastGroup());
                assertEquals(netdev.id(), event.familyId());
                commands.add(event.command());
                AttributeReader attrs = event.attributes();
                assertTrue(attrs.seek(NETDEV_A_DEV_IFINDEX), "notification without an ifindex");
                ifindexes.add(attrs.u32());
            }
            // Both devices are added, may change (features), then both are deleted: in that order.
            assertEquals(List.of(NETDEV_CMD_DEV_ADD_NTF, NETDEV_CMD_DEV_ADD_NTF), commands.subList(0, 2), commands.toString());
            assertEquals(List.of(NETDEV_CMD_DEV_DEL_NTF, NETDEV_CMD_DEV_DEL_NTF), commands.subList(held - 2, held),
                    commands.toString());
            assertTrue(commands.subList(2, held - 2).stream().allMatch(c -> c == NETDEV_CMD_DEV_CHANGE_NTF),
                    commands.toString());
            assertEquals(Set.copyOf(ifindexes.subList(0, 2)), Set.copyOf(ifindexes.subList(held - 2, held)));
            assertEquals(0, listener.pendingNotifications());
            assertThrows(NetlinkTimeoutException.class, () -> listener.receiveNotification(Duration.ofMillis(50)));
        }
    }

    @Test
    void anotherNamespacesDevicesAreNotSeenAndLeavingAGroupStopsNotifications() throws Exception {
        try (GenlConnection inNamespace = GenlConnection.openInNamespace(NAMESPACE, ConnectionOptions.defaults());
             GenlConnection outside = GenlConnection.open()) {
            Family netdev = netdevFamily(inNamespace);
            inNamespace.joinGroup(netdev, "mgmt");
            outside.joinGroup(netdevFamily(outside), "mgmt");

            run("ip", "-n", NAMESPACE, "link", "add", "nvc", "type", "veth", "peer", "name", "nvd");
            assertEquals(NETDEV_CMD_DEV_ADD_NTF, inNamespace.receiveNotification(TIMEOUT).command());
            assertEquals(NETDEV_CMD_DEV_ADD_NTF, inNamespace.receiveNotification(TIMEOUT).command());
            drainChanges(inNamespace);
            // The machine's own namespace hears nothing of the test namespace's devices.
            assertThrows(NetlinkTimeoutException.class, () -> outside.receiveNotification(Duration.ofMillis(200)));

            inNamespace.leaveGroup(netdev, "mgmt");
            run("ip", "-n", NAMESPACE, "link", "delete", "nvc");
            assertThrows(NetlinkTimeoutException.class,
                    () -> inNamespace.receiveNotification(Duration.ofMillis(200)));
        }
    }

    @Test
    void aVirtualThreadOpensInTheNamespaceAndKeepsItsOwn() throws Exception {
        String before = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self/ns/net"))
                .toString();
        java.util.concurrent.CompletableFuture<Integer> heard = new java.util.concurrent.CompletableFuture<>();
        // Before: IllegalStateException "openInNamespace must run on a platform thread".
        Thread.ofVirtual().start(() -> {
            try (GenlConnection connection = GenlConnection.openInNamespace(NAMESPACE,
                    ConnectionOptions.defaults())) {
                connection.joinGroup(netdevFamily(connection), "mgmt");
                run("ip", "-n", NAMESPACE, "link", "add", "nve", "type", "veth", "peer", "name", "nvf");
                heard.complete(connection.receiveNotification(TIMEOUT).command());
            } catch (Throwable e) {
                heard.completeExceptionally(e);
            }
        });
        try {
            assertEquals(NETDEV_CMD_DEV_ADD_NTF, heard.get(20, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            run("ip", "-n", NAMESPACE, "link", "delete", "nve");
        }
        assertEquals(before, java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self/ns/net"))
                .toString(), "the calling thread's namespace never changes");
    }

    /** Two dumps at once on a namespace's connection: the second runs on an extra socket, in the same namespace. */
    @Test
    void parallelDumpsSeeTheNamespacesDevicesOnTheExtraSocketToo() throws Exception {
        int devGet = 1;
        try (GenlConnection inNamespace = GenlConnection.openInNamespace(NAMESPACE,
                ConnectionOptions.defaults().withDumpSockets(1));
             GenlConnection outside = GenlConnection.open()) {
            Family netdev = netdevFamily(inNamespace);
            List<Long> reference = ifindexes(inNamespace, netdev, devGet, null);
            assertTrue(!reference.equals(ifindexes(outside, netdevFamily(outside), devGet, null)),
                    "the host's devices differ from the namespace's: " + reference);
            java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
            List<java.util.concurrent.CompletableFuture<List<Long>>> dumps = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                java.util.concurrent.CompletableFuture<List<Long>> dumped = new java.util.concurrent.CompletableFuture<>();
                dumps.add(dumped);
                Thread.ofPlatform().start(() -> {
                    try {
                        dumped.complete(ifindexes(inNamespace, netdev, devGet, both));
                    } catch (Throwable e) {
                        dumped.completeExceptionally(e);
                    }
                });
            }
            for (java.util.concurrent.CompletableFuture<List<Long>> dumped : dumps) {
                assertEquals(reference, dumped.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertEquals(1, inNamespace.parts().dumpSockets().opened());
        }
    }

    /** The ifindexes a netdev dev-get dump lists; with {@code together}, its first part waits for the others'. */
    private static List<Long> ifindexes(GenlConnection connection, Family netdev, int devGet,
                                        java.util.concurrent.CountDownLatch together) throws NetlinkException {
        List<Long> ifindexes = new ArrayList<>();
        connection.prepareDump(netdev, devGet);
        connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> {
            if (together != null && ifindexes.isEmpty()) {
                together.countDown();
                try {
                    if (!together.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the dumps did not run at once");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            AttributeReader attrs = part.attributes();
            assertTrue(attrs.seek(NETDEV_A_DEV_IFINDEX));
            ifindexes.add(attrs.u32());
        });
        return ifindexes;
    }

    @Test
    void unknownNamespaceAndGroupAreClearErrors() throws Exception {
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> GenlConnection.openInNamespace("vnetnl-no-such-namespace", ConnectionOptions.defaults()));
        assertEquals(LibNl.ENOENT(), e.errno());
        assertTrue(e.getMessage().contains("ip netns add"), e.getMessage());

        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            IllegalArgumentException noGroup = assertThrows(IllegalArgumentException.class,
                    () -> connection.joinGroup(nlctrl, "no-such-group"));
            assertTrue(noGroup.getMessage().contains("notify"), noGroup.getMessage());
        }
    }

    /** Reads the feature-change notifications that follow a device's registration, until a quiet 200 ms. */
    private static void drainChanges(GenlConnection connection) throws NetlinkException {
        while (true) {
            try {
                assertEquals(NETDEV_CMD_DEV_CHANGE_NTF, connection.receiveNotification(Duration.ofMillis(200)).command());
            } catch (NetlinkTimeoutException quiet) {
                return;
            }
        }
    }

    private static Family netdevFamily(GenlConnection connection) throws NetlinkException {
        try {
            return connection.family("netdev");
        } catch (FamilyNotFoundException e) {
            assumeTrue(false, "the netdev generic netlink family needs Linux >= 6.2; this kernel has none");
            throw e;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        int status = process.waitFor();
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + status + ": " + output);
        }
    }
}
