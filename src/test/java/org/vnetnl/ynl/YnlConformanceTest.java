package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vnetnl.testing.NetNamespace.sh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.testing.NetNamespace;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.ynl.tools.YnlCli;

/**
 * The Java command-line tool against the kernel's own {@code tools/net/ynl/cli.py} (Linux 6.12), on the host
 * kernel, inside a network namespace this test creates with a veth pair, TCP metrics and an MPTCP endpoint. Both
 * run the same operation; their JSON output is compared after normalisation:
 * <ul>
 *   <li>objects compare without regard to key order;</li>
 *   <li>arrays whose items are all strings are sorted (Python prints a set of flags in hash order);</li>
 *   <li>values that change between the two runs (named per case) are compared by presence and JSON type only;</li>
 *   <li>binary is hex on both sides, enums and flags by name, addresses per display hint: compared as is.</li>
 * </ul>
 * Errors compare the errno's description, the extended-ack message and the path of the attribute it names.
 * {@code cli.py} runs with {@code --process-unknown}, so that attributes newer than its 6.12 specs (the host
 * kernel is newer) are printed as the Java tool prints them ({@code UnknownAttr(N)}), instead of a crash.
 * Needs root (namespaces, ethtool settings); prints the operations it compared and the values compared by type.
 */
class YnlConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The test's network namespace, and its name. */
    private static NetNamespace netns;
    private static String NS;
    private static final List<String> COMPARED = new ArrayList<>();
    private static final Set<String> BY_TYPE = new TreeSet<>();
    private static Path specs;
    private static Path cliDir;

    @BeforeAll
    static void namespaceWithVethPair() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
                || Files.isExecutable(Path.of("/usr/bin/ip")), "iproute2 (ip) is missing");
        specs = KernelYnl.root().resolve("Documentation/netlink/specs");
        cliDir = KernelYnl.cli().getParent();
        netns = NetNamespace.create("ynl");
        NS = netns.name();
        // Two queues each way, whatever the CPU count: a veth's queues default to one per possible CPU, and
        // channels-set below asks for two (a one-CPU machine refuses it: "exceeds maximum").
        sh("ip", "-n", NS, "link", "add", "veth0", "numtxqueues", "2", "numrxqueues", "2", "type", "veth",
                "peer", "name", "veth1", "numtxqueues", "2", "numrxqueues", "2");
        sh("ip", "-n", NS, "addr", "add", "10.77.0.1/24", "dev", "veth0");
        sh("ip", "-n", NS, "addr", "add", "10.77.0.2/24", "dev", "veth1");
        sh("ip", "-n", NS, "link", "set", "veth0", "up");
        sh("ip", "-n", NS, "link", "set", "veth1", "up");
        // TCP metrics entries come from closed connections: one over the pair's addresses, inside the namespace.
        sh("ip", "netns", "exec", NS, KernelYnl.PYTHON.toString(), "-c", """
                import socket
                s = socket.socket(); s.bind(('10.77.0.2', 0)); s.listen()
                c = socket.create_connection(s.getsockname(), source_address=('10.77.0.1', 0))
                a, _ = s.accept(); c.sendall(b'x' * 1000); a.recv(1000); c.close(); a.close(); s.close()
                """);
        sh("ip", "-n", NS, "mptcp", "endpoint", "add", "10.77.0.1", "dev", "veth0", "id", "1", "signal");
        // A link whose linkinfo carries data, for rt_link's sub-messages (the host has bridge, not dummy or vlan).
        bridge = shOk("ip", "-n", NS, "link", "add", "br0", "type", "bridge");
    }

    private static boolean bridge;

    @AfterAll
    static void removeNamespace() throws Exception {
        if (netns != null) {
            netns.close();
        }
        if (!COMPARED.isEmpty()) {
            System.out.println("YnlConformanceTest compared with the kernel's cli.py (" + COMPARED.size() + "): "
                    + String.join("; ", COMPARED));
            System.out.println("YnlConformanceTest compared by presence and type only: " + BY_TYPE);
        }
    }

    @Test
    void nlctrl() throws Exception {
        for (String family : List.of("nlctrl", "netdev", "ethtool", "tcp_metrics", "mptcp_pm")) {
            same("nlctrl", "--do", "getfamily", "{\"family-name\":\"" + family + "\"}");
        }
        same("nlctrl", "--dump", "getfamily", null);
        // By id, which 6.12's spec does not list in the request: nlctrl's own id is fixed (GENL_ID_CTRL).
        same("nlctrl", "--do", "getfamily", "{\"family-id\":16}");
        for (String family : List.of("nlctrl", "netdev", "ethtool", "tcp_metrics", "mptcp_pm")) {
            same("nlctrl", "--dump", "getpolicy", "{\"family-name\":\"" + family + "\"}");
        }
    }

    @Test
    void netdev() throws Exception {
        same("netdev", "--dump", "dev-get", null);
        same("netdev", "--do", "dev-get", "{\"ifindex\":" + ifindex("veth0") + "}");
        // Counters move between the two runs: every qstats value but the keys that say what it counts.
        Set<String> counters = new TreeSet<>(SpecLoader.load(specs.resolve("netdev.yaml")).attributeSet("qstats")
                .names());
        counters.removeAll(Set.of("ifindex", "queue-type", "queue-id", "scope"));
        same("netdev", "--dump", "qstats-get", null, counters);
        same("netdev", "--dump", "qstats-get", "{\"scope\":[\"queue\"]}", counters);
    }

    @Test
    void ethtool() throws Exception {
        String veth0 = "{\"header\":{\"dev-name\":\"veth0\"}}";
        for (String op : List.of("linkinfo-get", "linkmodes-get", "linkstate-get", "channels-get", "rings-get",
                "features-get", "strset-get", "pause-get", "coalesce-get", "eee-get", "tsinfo-get", "privflags-get",
                "wol-get", "debug-get", "fec-get", "module-get", "mm-get")) {
            same("ethtool", "--do", op, veth0);
        }
        for (String op : List.of("linkinfo-get", "channels-get", "linkstate-get", "tsinfo-get")) {
            same("ethtool", "--dump", op, null);
        }
    }

    /**
     * A set operation and the notification it causes on ethtool's monitor group, from each tool in turn: a
     * listener ({@code --subscribe monitor --sleep 8}) prints what arrived while the same tool ran the set, which
     * starts once the listener's socket has joined the group. The listener is a process of its own because 6.12's
     * cli.py fails when a notification arrives on the socket of its own request.
     */
    @Test
    void ethtoolSetAndItsNotification() throws Exception {
        String ethtool = specs.resolve("ethtool.yaml").toString();
        List<String> listen = List.of("--spec", ethtool, "--subscribe", "monitor", "--sleep", "8", "--output-json");
        List<String> set2 = List.of("--spec", ethtool, "--do", "channels-set", "--json",
                "{\"header\":{\"dev-name\":\"veth0\"},\"rx-count\":2}", "--output-json");
        List<String> set1 = List.of("--spec", ethtool, "--do", "channels-set", "--json",
                "{\"header\":{\"dev-name\":\"veth0\"},\"rx-count\":1}", "--output-json");
        // From one channel: a set that changes nothing sends no notification, and the count a veth starts with
        // depends on the kernel and on how many queues it was given.
        run(python(set1), "initial rx-count 1 by cli.py");
        for (boolean kernelTool : List.of(true, false)) {
            String who = kernelTool ? "cli.py" : "the Java tool";
            CompletableFuture<Outcome> listener = CompletableFuture.supplyAsync(() -> {
                try {
                    return kernelTool ? python(listen) : java(listen);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, r -> new Thread(r, "ynl-listener").start());
            awaitGroupMember(monitorGroupId(), listener);
            Outcome set = kernelTool ? python(set2) : java(set2);
            run(set, "channels-set by " + who);
            assertEquals("null", set.stdout().strip(), "channels-set has no reply");
            notifications[kernelTool ? 0 : 1] = listener.get(30, TimeUnit.SECONDS);
            run(notifications[kernelTool ? 0 : 1], "listener of " + who);
            run(kernelTool ? python(set1) : java(set1), "reset by " + who);
        }
        compare("ethtool channels-set do + its notification on monitor", notifications[0], notifications[1], Set.of());
        JsonNode received = notifications[1].json().get(0);
        assertEquals(1, received.size(), "one notification: " + received);
        assertEquals("channels-ntf", received.get(0).get("name").asText());
        assertEquals(2, received.get(0).get("msg").get("rx-count").asInt());
    }

    private final Outcome[] notifications = new Outcome[2];

    /** The id of ethtool's {@code monitor} group, from the kernel's controller (ids are given at registration). */
    private static int monitorGroupId() throws Exception {
        try (GenlConnection connection = GenlConnection.openInNamespace(NS, ConnectionOptions.defaults())) {
            return connection.family("ethtool").multicastGroups().get("monitor");
        }
    }

    /**
     * Waits until a generic netlink socket of the test's namespace has joined {@code groupId}, as the namespace's
     * {@code /proc/net/netlink} shows it (its Groups column holds groups 1 to 32, bit {@code id - 1}): a sleep
     * instead would race with a listener that starts slowly on a loaded machine.
     */
    private static void awaitGroupMember(int groupId, CompletableFuture<Outcome> listener) throws Exception {
        assumeTrue(groupId >= 1 && groupId <= 32, "ethtool's monitor group id " + groupId
                + " is past the 32 groups /proc/net/netlink shows");
        long bit = 1L << (groupId - 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !listener.isDone()) {
            for (String line : sh("ip", "netns", "exec", NS, "cat", "/proc/net/netlink").lines().skip(1).toList()) {
                String[] field = line.trim().split("\\s+");
                if (field.length > 3 && field[1].equals("16") && (Long.parseLong(field[3], 16) & bit) != 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail("no listener joined ethtool's monitor group (id " + groupId + ") within 60 s"
                + (listener.isDone() ? ": the listener ended first, " + listener.get() : ""));
    }

    /** Values of rtnetlink's links that move between the two runs: counters, timers, IPv6 cache times. */
    private static final Set<String> LINK_MOVING = Set.of("stats", "stats64", "icmp6-stats", "cacheinfo",
            "hello-timer", "tcn-timer", "topology-change-timer", "gc-timer", "carrier-changes", "carrier-up-count",
            "carrier-down-count");

    /** rtnetlink (netlink-raw, NETLINK_ROUTE) reads: links, addresses, routes, as do and as dump. */
    @Test
    void rtnetlinkReads() throws Exception {
        same("rt_link", "--dump", "getlink", null, LINK_MOVING);
        same("rt_link", "--do", "getlink", "{\"ifname\":\"veth0\"}", LINK_MOVING);
        same("rt_link", "--do", "getlink", "{\"ifi-index\":" + ifindex("veth1") + "}", LINK_MOVING);
        if (bridge) {
            // linkinfo's data is a sub-message chosen by kind: bridge's attributes.
            same("rt_link", "--do", "getlink", "{\"ifname\":\"br0\"}", LINK_MOVING);
        }
        same("rt_addr", "--dump", "getaddr", null, Set.of("ifa-cacheinfo"));
        same("rt_addr", "--dump", "getaddr", "{\"ifa-index\":" + ifindex("veth0") + "}", Set.of("ifa-cacheinfo"));
        same("rt_route", "--dump", "getroute", "{\"rtm-family\":2}");
        // 6.12's cli.py takes binary attributes as hex: 10.77.0.2.
        same("rt_route", "--do", "getroute", "{\"rtm-family\":2,\"rta-dst\":\"0a4d0002\",\"rtm-dst-len\":32}",
                Set.of("rta-cacheinfo"));
        same("rt_link", "--do", "getlink", "{\"ifname\":\"nosuch0\"}");
        // tc's options are a sub-message chosen by kind; its spec gives getqdisc a do form only.
        same("tc", "--dump", "getqdisc", null, Set.of("stats", "stats2", "xstats"));
    }

    /**
     * rtnetlink changes: each tool in turn makes the same change (undone by iproute2 between them), their outputs
     * compare, and iproute2's {@code ip -j} confirms what the Java tool did. Asked again with --excl, both are
     * refused alike.
     */
    @Test
    void rtnetlinkChanges() throws Exception {
        int veth0 = ifindex("veth0");
        String addr = "{\"ifa-family\":2,\"ifa-prefixlen\":24,\"ifa-index\":" + veth0
                + ",\"ifa-local\":\"0a580001\",\"ifa-address\":\"0a580001\"}";
        sameChange("rt_addr", "newaddr", addr, List.of("--create", "--excl"),
                "ip", "-n", NS, "addr", "del", "10.88.0.1/24", "dev", "veth0");
        assertTrue(sh("ip", "-j", "-n", NS, "addr", "show", "dev", "veth0").contains("\"local\":\"10.88.0.1\""),
                "ip -j addr shows the address bin/ynl added");
        same("rt_addr", "--do", "newaddr", addr, Set.of(), List.of("--create", "--excl"));
        sameChange("rt_addr", "deladdr", addr, List.of(),
                "ip", "-n", NS, "addr", "add", "10.88.0.1/24", "dev", "veth0");
        assertTrue(!sh("ip", "-j", "-n", NS, "addr", "show", "dev", "veth0").contains("10.88.0.1"),
                "ip -j addr no longer shows the address bin/ynl deleted");
        same("rt_addr", "--do", "deladdr", addr);

        String route = "{\"rtm-family\":2,\"rtm-dst-len\":32,\"rtm-table\":254,\"rtm-protocol\":4,"
                + "\"rtm-scope\":0,\"rtm-type\":1,\"rta-dst\":\"0a590101\",\"rta-gateway\":\"0a4d0002\","
                + "\"rta-oif\":" + veth0 + "}";
        sameChange("rt_route", "newroute", route, List.of("--create", "--excl"),
                "ip", "-n", NS, "route", "del", "10.89.1.1/32");
        JsonNode shown = JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "10.89.1.1/32"));
        assertEquals(1, shown.size(), "ip -j route shows the route bin/ynl added: " + shown);
        assertEquals("10.77.0.2", shown.get(0).get("gateway").asText());
        assertEquals("veth0", shown.get(0).get("dev").asText());
        same("rt_route", "--do", "newroute", route, Set.of(), List.of("--create", "--excl"));
        sameChange("rt_route", "delroute", route, List.of(),
                "ip", "-n", NS, "route", "add", "10.89.1.1/32", "via", "10.77.0.2", "dev", "veth0", "proto", "static");
        assertEquals(0, JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "10.89.1.1/32")).size(),
                "ip -j route no longer shows the route bin/ynl deleted");

        // A veth pair; the kernel names the peer. (6.12's rt_link has no veth format for linkinfo data, so no peer.)
        String veth = "{\"ifname\":\"vx0\",\"linkinfo\":{\"kind\":\"veth\"}}";
        sameChange("rt_link", "newlink", veth, List.of("--create", "--excl"), "ip", "-n", NS, "link", "del", "vx0");
        JsonNode link = JSON.readTree(sh("ip", "-j", "-d", "-n", NS, "link", "show", "vx0"));
        assertEquals("veth", link.get(0).get("linkinfo").get("info_kind").asText(), "ip -j link: " + link);
        same("rt_link", "--do", "newlink", veth, Set.of(), List.of("--create", "--excl"));
        sh("ip", "-n", NS, "link", "del", "vx0");
    }

    /**
     * {@code --list-ops} and {@code --list-msgs} list the same operations and modes as cli.py (which prints a
     * Python set of modes, in hash order: compared sorted).
     */
    @Test
    void listsOfOperationsAndMessages() throws Exception {
        for (String family : List.of("rt_link", "rt_route", "tc", "nftables", "ethtool", "netdev", "nlctrl")) {
            for (String list : List.of("--list-ops", "--list-msgs")) {
                List<String> args = List.of("--spec", specs.resolve(family + ".yaml").toString(), list);
                Outcome python = python(args);
                Outcome java = java(args);
                run(python, family + " " + list + " by cli.py");
                run(java, family + " " + list + " by the Java tool");
                assertEquals(modesSorted(python.stdout()), modesSorted(java.stdout()), family + " " + list);
                COMPARED.add(family + " " + list);
            }
        }
    }

    /** Each line "name  [ a, b ]" with its modes sorted. */
    private static List<String> modesSorted(String listing) {
        List<String> lines = new ArrayList<>();
        for (String line : listing.strip().split("\n")) {
            int open = line.indexOf('[');
            List<String> modes = new ArrayList<>(List.of(line.substring(open + 1, line.lastIndexOf(']')).strip()
                    .split(",\\s*")));
            modes.sort(null);
            lines.add(line.substring(0, open).strip() + " " + modes);
        }
        return lines;
    }

    /** {@code --multi}: requests sent together; both tools print the list of replies, ip -j sees every change. */
    @Test
    void multiSendsSeveralRequests() throws Exception {
        String rtAddr = specs.resolve("rt_addr.yaml").toString();
        List<String> add = new ArrayList<>(List.of("--spec", rtAddr, "--create", "--excl", "--output-json"));
        List<String> del = new ArrayList<>(List.of("--spec", rtAddr, "--output-json"));
        for (String local : List.of("0a570001", "0a570002", "0a570003")) {
            String address = "{\"ifa-family\":2,\"ifa-prefixlen\":32,\"ifa-index\":1,\"ifa-local\":\"" + local + "\"}";
            add.addAll(List.of("--multi", "newaddr", address));
            del.addAll(List.of("--multi", "deladdr", address));
        }
        Outcome python = python(add);
        run(python, "--multi newaddr by cli.py");
        run(java(del), "--multi deladdr by the Java tool");
        assertTrue(!sh("ip", "-n", NS, "addr", "show", "dev", "lo").contains("10.87.0."), "all three deleted");
        Outcome java = java(add);
        run(java, "--multi newaddr by the Java tool");
        compare("rt_addr --multi newaddr x3", python, java, Set.of());
        String shown = sh("ip", "-j", "-n", NS, "addr", "show", "dev", "lo");
        for (String address : List.of("10.87.0.1", "10.87.0.2", "10.87.0.3")) {
            assertTrue(shown.contains("\"local\":\"" + address + "\""), "ip -j addr shows " + address);
        }
        Outcome again = python(add);
        Outcome javaAgain = java(add);
        compare("rt_addr --multi newaddr x3 again (--excl)", again, javaAgain, Set.of());
        run(python(del), "--multi deladdr by cli.py");
    }

    /**
     * {@code op} of {@code family} by cli.py, then {@code undo} by iproute2, then the same by the Java tool: both
     * outputs compare. The change the Java tool made stays.
     */
    private void sameChange(String family, String op, String json, List<String> flags, String... undo)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--spec", specs.resolve(family + ".yaml").toString(), "--do", op,
                "--json", json, "--output-json"));
        args.addAll(flags);
        Outcome python = python(args);
        run(python, family + " " + op + " by cli.py");
        sh(undo);
        Outcome java = java(args);
        run(java, family + " " + op + " by the Java tool");
        compare(family + " " + op + " do " + json + " " + flags, python, java, Set.of());
    }

    @Test
    void tcpMetricsAndMptcp() throws Exception {
        same("tcp_metrics", "--dump", "get", null, Set.of("age"));
        same("mptcp_pm", "--dump", "get-addr", null);
        same("mptcp_pm", "--do", "get-limits", null);
    }

    @Test
    void errorsNameTheSameErrnoMessageAndAttribute() throws Exception {
        Outcome unknownDevice = same("ethtool", "--do", "channels-get",
                "{\"header\":{\"dev-name\":\"nosuch0\"}}");
        assertEquals("No such device", unknownDevice.errno());
        assertEquals(".header.dev-name", unknownDevice.badAttr());
        Outcome outOfRange = same("ethtool", "--do", "channels-set",
                "{\"header\":{\"dev-name\":\"veth0\"},\"rx-count\":1000}");
        assertEquals("Invalid argument", outOfRange.errno());
        assertEquals(".rx-count", outOfRange.badAttr());
        same("netdev", "--do", "dev-get", "{\"ifindex\":999999}");
        // A missing attribute, named from the spec as cli.py names it.
        Outcome missing = same("ethtool", "--do", "channels-get", "{}");
        assertEquals("header", missing.missType(), missing.toString());
        // The policy an attribute failed, as the kernel states it.
        Outcome tooLong = same("rt_link", "--do", "getlink", "{\"ifname\":\"abcdefghijklmnopqrstu\"}");
        assertEquals(Set.of("type string", "max-length 15"), tooLong.policy(), tooLong.toString());
    }

    /** A value outside the spec's checks: the Java tool refuses it before sending; the kernel refuses it too. */
    @Test
    void checksAreRefusedBeforeSendingAndTheKernelAgrees() throws Exception {
        List<String> args = List.of("--spec", specs.resolve("netdev.yaml").toString(), "--do", "dev-get", "--json",
                "{\"ifindex\":0}");
        Outcome java = java(args);
        assertEquals(2, java.exit(), java.stderr());
        assertTrue(java.stderr().contains("ifindex: 0 is below the minimum 1"), java.stderr());
        Outcome python = python(args);
        assertEquals(1, python.exit(), python.stdout());
        assertEquals(".ifindex", python.badAttr());
        COMPARED.add("netdev dev-get {ifindex:0} (refused before sending; kernel: " + python.errno() + ")");
    }

    // ---------------------------------------------------------------------------------------------------------

    private Outcome same(String family, String mode, String op, String json) throws Exception {
        return same(family, mode, op, json, Set.of());
    }

    private Outcome same(String family, String mode, String op, String json, Set<String> byType) throws Exception {
        return same(family, mode, op, json, byType, List.of());
    }

    private Outcome same(String family, String mode, String op, String json, Set<String> byType, List<String> flags)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--spec", specs.resolve(family + ".yaml").toString(), mode, op));
        if (json != null) {
            args.addAll(List.of("--json", json));
        }
        args.add("--output-json");
        args.addAll(flags);
        Outcome python = python(args);
        Outcome java = java(args);
        String label = family + " " + op + " " + mode.substring(2) + (json == null ? "" : " " + json)
                + (flags.isEmpty() ? "" : " " + flags);
        compare(label, python, java, byType);
        return python;
    }

    private static void compare(String label, Outcome python, Outcome java, Set<String> byType) {
        if (python.exit() != 0 || java.exit() != 0) {
            assertEquals(python.exit() != 0, java.exit() != 0, label + ": one tool failed\ncli.py: " + python
                    + "\njava: " + java);
            assertEquals(python.errno(), java.errno(), label + " errno\ncli.py: " + python + "\njava: " + java);
            assertEquals(python.extAck(), java.extAck(), label + " extended ack");
            assertEquals(python.badAttr(), java.badAttr(), label + " attribute");
            assertEquals(python.missType(), java.missType(), label + " missing attribute");
            assertEquals(python.policy(), java.policy(), label + " policy");
            COMPARED.add(label + " -> " + python.errno() + (python.extAck() == null ? "" : " \"" + python.extAck()
                    + "\""));
            return;
        }
        assertEquals(python.json().size(), java.json().size(), label + ": printed documents\ncli.py: "
                + python.stdout() + "\njava: " + java.stdout());
        for (int i = 0; i < python.json().size(); i++) {
            JsonNode p = normalise(python.json().get(i), byType);
            JsonNode j = normalise(java.json().get(i), byType);
            if (!p.equals(j)) {
                fail(label + ": outputs differ\ncli.py: " + p + "\njava:   " + j);
            }
        }
        COMPARED.add(label);
    }

    /** Sorts arrays of strings, replaces values compared only by type with their type's name. */
    private static JsonNode normalise(JsonNode node, Set<String> byType) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (byType.contains(f.getKey())) {
                    out.set(f.getKey(), TextNode.valueOf("<" + f.getValue().getNodeType() + ">"));
                    BY_TYPE.add(f.getKey());
                } else {
                    out.set(f.getKey(), normalise(f.getValue(), byType));
                }
            }
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = JSON.createArrayNode();
            boolean allText = a.size() > 0;
            for (JsonNode item : a) {
                allText &= item.isTextual();
            }
            if (allText) {
                List<String> sorted = new ArrayList<>();
                a.forEach(item -> sorted.add(item.asText()));
                sorted.sort(null);
                sorted.forEach(out::add);
                return out;
            }
            a.forEach(item -> out.add(normalise(item, byType)));
            return out;
        }
        return node;
    }

    /**
     * What a tool did: exit status, the JSON documents it printed (one per line), and for a kernel error the
     * errno's description, the extended-ack message and the attribute path.
     */
    record Outcome(int exit, String stdout, String stderr, List<JsonNode> json, String errno, String extAck,
                   String badAttr, String missType, Set<String> policy) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + stdout + stderr;
        }
    }

    private static final Pattern PY_ERRNO = Pattern.compile("^Netlink error: (.*)$", Pattern.MULTILINE);
    private static final Pattern PY_MSG = Pattern.compile("'msg': '((?:[^'\\\\]|\\\\.)*)'");
    private static final Pattern PY_BAD_ATTR = Pattern.compile("'bad-attr': '([^']*)'");
    private static final Pattern PY_POLICY = Pattern.compile("'policy': \\{([^}]*)\\}");
    private static final Pattern PY_MISS_TYPE = Pattern.compile("'miss-type': '?([^',}]*)'?");
    private static final Pattern JAVA_ERROR = Pattern.compile(
            "^Netlink error: [A-Z0-9]+ \\(([^)]*)\\)(?:: (.*?))?(?: \\[bad-attr: ([^\\]]*)\\])?"
                    + "(?: \\[policy: ([^\\]]*)\\])?(?: \\[miss-type: ([^\\]]*)\\])?$", Pattern.MULTILINE);

    /** A policy's fields as "name value", from cli.py's dict ('max-length': 15) or the Java line (max-length 15). */
    private static Set<String> policyFields(String text) {
        if (text == null) {
            return null;
        }
        Set<String> fields = new TreeSet<>();
        for (String field : text.split(", ")) {
            fields.add(field.replace("'", "").replace(": ", " ").strip());
        }
        return fields;
    }

    private static Outcome python(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", NS, KernelYnl.PYTHON.toString(),
                "cli.py", "--no-schema", "--process-unknown"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(cliDir.toFile()).start();
        byte[] err = p.getErrorStream().readAllBytes();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("cli.py did not finish: " + command);
        }
        String stderr = new String(err, StandardCharsets.UTF_8);
        int exit = p.exitValue();
        if (exit != 0) {
            Matcher errno = PY_ERRNO.matcher(stdout);
            Matcher msg = PY_MSG.matcher(stdout);
            Matcher bad = PY_BAD_ATTR.matcher(stdout);
            Matcher miss = PY_MISS_TYPE.matcher(stdout);
            Matcher policy = PY_POLICY.matcher(stdout);
            return new Outcome(exit, stdout, stderr, List.of(), errno.find() ? errno.group(1) : null,
                    msg.find() ? msg.group(1) : null, bad.find() ? bad.group(1) : null,
                    miss.find() ? miss.group(1) : null, policyFields(policy.find() ? policy.group(1) : null));
        }
        return new Outcome(exit, stdout, stderr, documents(stdout), null, null, null, null, null);
    }

    private static Outcome java(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(args);
        command.addAll(List.of("--netns", NS));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = YnlCli.run(command.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        String stdout = out.toString();
        String stderr = err.toString();
        if (exit != 0) {
            Matcher m = JAVA_ERROR.matcher(stderr);
            if (!m.find()) {
                return new Outcome(exit, stdout, stderr, List.of(), null, null, null, null, null);
            }
            String msg = m.group(2);
            if (msg != null && msg.contains(" failed: ")) {
                msg = null; // no extended ack: the line repeats the exception's own description instead
            }
            return new Outcome(exit, stdout, stderr, List.of(), m.group(1), msg, m.group(3), m.group(5),
                    policyFields(m.group(4)));
        }
        return new Outcome(exit, stdout, stderr, documents(stdout), null, null, null, null, null);
    }

    /**
     * The JSON documents printed, one per line. cli.py also prints "Netlink warning:" with the message's repr
     * when a dump ends with an extended ack, and Python's repr ("None") without --output-json: not JSON, skipped.
     */
    private static List<JsonNode> documents(String stdout) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("[") || line.startsWith("{") || line.equals("null")) {
                docs.add(JSON.readTree(line));
            }
        }
        return docs;
    }

    private static void run(Outcome outcome, String what) {
        assertEquals(0, outcome.exit(), what + ": " + outcome);
    }

    private static int ifindex(String device) throws Exception {
        return netns.ifindex(device);
    }

    /** Whether {@code command} succeeded. */
    private static boolean shOk(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
    }

}
