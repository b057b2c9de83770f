package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vnetnl.testing.NetNamespace.sh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.testing.NetNamespace;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * {@link YnlClient} on rtnetlink's netlink-raw specs (Linux 6.12's rt_link, rt_route, tc) against the host
 * kernel, in a network namespace of its own, checked with iproute2's {@code ip -j} and {@code tc -j}. Needs root.
 */
class RtnetlinkClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The test's network namespace, and its name. */
    private static NetNamespace netns;
    private static String NS;
    private static YnlSpec rtLink;
    private static YnlSpec rtRoute;
    private static YnlSpec tc;

    @BeforeAll
    static void namespace() throws Exception {
        rtLink = SpecLoader.load(KernelYnl.spec("rt_link"));
        rtRoute = SpecLoader.load(KernelYnl.spec("rt_route"));
        tc = SpecLoader.load(KernelYnl.spec("tc"));
        netns = NetNamespace.create("rtnl");
        NS = netns.name();
        sh("ip", "-n", NS, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        sh("ip", "-n", NS, "addr", "add", "10.66.0.1/24", "dev", "veth0");
        sh("ip", "-n", NS, "link", "set", "veth0", "up");
        sh("ip", "-n", NS, "link", "set", "veth1", "up");
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void getlinkDumpListsExactlyTheLinksIpLists() throws Exception {
        Set<String> ip = new TreeSet<>();
        for (JsonNode link : JSON.readTree(sh("ip", "-j", "-n", NS, "link", "show"))) {
            ip.add(link.get("ifindex").asInt() + " " + link.get("ifname").asText());
        }
        Set<String> dumped = new TreeSet<>();
        try (YnlClient client = YnlClient.openInNamespace(rtLink, NS)) {
            for (Map<String, Object> link : client.dump("getlink", Map.of())) {
                dumped.add(link.get("ifi-index") + " " + link.get("ifname"));
            }
            Map<String, Object> veth0 = client.call("getlink", Map.of("ifname", "veth0"));
            assertEquals("veth", ((Map<?, ?>) veth0.get("linkinfo")).get("kind"), "linkinfo: " + veth0);
        }
        assertEquals(ip, dumped);
    }

    /** Subscribed to rtnetlink's link group by its name in the spec, a client sees each down and up. */
    @Test
    void linkMonitorSeesEveryDownAndUp() throws Exception {
        try (YnlClient monitor = YnlClient.openInNamespace(rtLink, NS)) {
            monitor.subscribe("rtnlgrp-link");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sh("ip", "-n", NS, "link", "set", "veth1", "down");
                expected.add("down");
                sh("ip", "-n", NS, "link", "set", "veth1", "up");
                expected.add("up");
            }
            List<String> seen = new ArrayList<>();
            while (seen.size() < expected.size()) {
                Notification n;
                try {
                    n = monitor.nextNotification(Duration.ofSeconds(5));
                } catch (NetlinkTimeoutException e) {
                    fail("saw " + seen + ", expected " + expected);
                    return;
                }
                if (!"veth1".equals(n.msg().get("ifname")) || !n.name().equals("getlink")) {
                    continue; // the peer's carrier, IPv6 and other changes come on the same group
                }
                boolean up = ((List<?>) n.msg().get("ifi-flags")).contains("up");
                String state = up ? "up" : "down";
                if (seen.isEmpty() || !seen.getLast().equals(state)) {
                    seen.add(state);
                }
            }
            assertEquals(expected, seen);
            // A deletion comes as RTM_DELLINK, the type of the dellink request, read with its attributes.
            sh("ip", "-n", NS, "link", "add", "vm0", "type", "veth", "peer", "name", "vm1");
            sh("ip", "-n", NS, "link", "del", "vm0");
            while (true) {
                Notification n;
                try {
                    n = monitor.nextNotification(Duration.ofSeconds(5));
                } catch (NetlinkTimeoutException e) {
                    fail("no dellink notification for vm0");
                    return;
                }
                if (n.name().equals("dellink") && "vm0".equals(n.msg().get("ifname"))) {
                    break;
                }
            }
        }
    }

    /**
     * Sub-messages written as the kernel reads them: a bridge's linkinfo data (attributes chosen by kind) and a
     * pfifo qdisc's options (a fixed header alone, tc-fifo-qopt), read back by iproute2 and by the client.
     */
    @Test
    void subMessagesAreWrittenAsTheKernelReadsThem() throws Exception {
        try (YnlClient link = YnlClient.openInNamespace(rtLink, NS);
             YnlClient qdisc = YnlClient.openInNamespace(tc, NS)) {
            boolean bridge = true;
            try {
                link.call("newlink", Map.of("ifname", "br9", "linkinfo", Map.of("kind", "bridge",
                        "data", Map.of("forward-delay", 800, "max-age", 1500))), NetlinkFlags.CREATE | NetlinkFlags.EXCL);
            } catch (org.vnetnl.genl.NetlinkException e) {
                bridge = false; // a kernel without the bridge driver: EOPNOTSUPP
            }
            if (bridge) {
                JsonNode info = JSON.readTree(sh("ip", "-j", "-d", "-n", NS, "link", "show", "br9")).get(0)
                        .get("linkinfo");
                assertEquals("bridge", info.get("info_kind").asText());
                assertEquals(800, info.get("info_data").get("forward_delay").asInt(), info.toString());
                assertEquals(1500, info.get("info_data").get("max_age").asInt(), info.toString());
                Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) link.call("getlink", Map.of("ifname", "br9"))
                        .get("linkinfo")).get("data");
                assertEquals(800L, ((Number) data.get("forward-delay")).longValue());
            }
            int veth0 = Integer.parseInt(ifindex("veth0"));
            qdisc.call("newqdisc", Map.of("family", 0, "ifindex", veth0, "handle", 0x10000,
                    "parent", 0xFFFF_FFFFL, "kind", "pfifo", "options", Map.of("limit", 37)),
                    NetlinkFlags.CREATE | NetlinkFlags.EXCL);
            JsonNode shown = JSON.readTree(sh("tc", "-j", "-n", NS, "qdisc", "show", "dev", "veth0"));
            assertEquals("pfifo", shown.get(0).get("kind").asText(), shown.toString());
            assertEquals(37, shown.get(0).get("options").get("limit").asInt(), shown.toString());
            boolean read = false;
            for (Map<String, Object> q : qdisc.dump("getqdisc", Map.of())) {
                if (Integer.valueOf(veth0).equals(((Number) q.get("ifindex")).intValue())
                        && "pfifo".equals(q.get("kind"))) {
                    assertEquals(37L, ((Number) ((Map<?, ?>) q.get("options")).get("limit")).longValue(), q.toString());
                    read = true;
                }
            }
            assertTrue(read, "getqdisc lists veth0's pfifo");
        }
    }

    /**
     * Addresses and routes written with their display hint's notation (cli.py 6.12 takes hex only), added and
     * deleted, each confirmed by {@code ip -j}.
     */
    @Test
    void addressesAndRoutesInTheirOwnNotation() throws Exception {
        YnlSpec rtAddr = SpecLoader.load(KernelYnl.spec("rt_addr"));
        int veth0 = Integer.parseInt(ifindex("veth0"));
        Map<String, Object> address = Map.of("ifa-family", 2, "ifa-prefixlen", 24, "ifa-index", veth0,
                "ifa-local", "10.67.0.1", "ifa-address", "10.67.0.1");
        Map<String, Object> route = Map.of("rtm-family", 2, "rtm-dst-len", 24, "rtm-table", 254, "rtm-protocol", 4,
                "rtm-scope", 0, "rtm-type", "unicast", "rta-dst", "10.68.0.0", "rta-gateway", "10.67.0.2");
        try (YnlClient addr = YnlClient.openInNamespace(rtAddr, NS);
             YnlClient routes = YnlClient.openInNamespace(rtRoute, NS)) {
            assertEquals(null, addr.call("newaddr", address, NetlinkFlags.CREATE | NetlinkFlags.EXCL));
            assertTrue(sh("ip", "-j", "-n", NS, "addr", "show", "dev", "veth0").contains("\"local\":\"10.67.0.1\""));
            assertEquals(null, routes.call("newroute", route, NetlinkFlags.CREATE | NetlinkFlags.EXCL));
            JsonNode shown = JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "10.68.0.0/24"));
            assertEquals("10.67.0.2", shown.get(0).get("gateway").asText(), shown.toString());
            org.vnetnl.genl.NetlinkException exists = org.junit.jupiter.api.Assertions.assertThrows(
                    org.vnetnl.genl.NetlinkException.class,
                    () -> routes.call("newroute", route, NetlinkFlags.CREATE | NetlinkFlags.EXCL));
            assertEquals("EEXIST", exists.errnoName());
            routes.call("delroute", route);
            assertEquals(0, JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "10.68.0.0/24")).size());
            addr.call("deladdr", address);
            assertTrue(!sh("ip", "-j", "-n", NS, "addr", "show", "dev", "veth0").contains("10.67.0.1"));
        }
    }

    /** A dump of 10,000 routes, streamed part by part, has exactly the routes {@code ip -j route} lists. */
    @Test
    void aDumpOfTenThousandRoutesHasEveryRoute() throws Exception {
        Path batch = Files.createTempFile("routes", ".batch");
        try {
            StringBuilder commands = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                commands.append("route add 10.").append(100 + i / 65536).append('.').append(i / 256 % 256).append('.')
                        .append(i % 256).append("/32 via 10.66.0.2 dev veth0\n");
            }
            Files.writeString(batch, commands);
            sh("ip", "-n", NS, "-batch", batch.toString());
        } finally {
            Files.delete(batch);
        }
        int ip = JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "table", "main")).size();
        int dumped = 0;
        int ours = 0;
        try (YnlClient client = YnlClient.openInNamespace(rtRoute, NS)) {
            for (Map<String, Object> route : client.dump("getroute", Map.of("rtm-family", 2))) {
                if (((Number) route.get("rtm-table")).intValue() == 254) {
                    dumped++;
                    if ("10.66.0.2".equals(route.get("rta-gateway"))) {
                        ours++;
                    }
                }
            }
        }
        assertEquals(10_000, ours);
        assertEquals(ip, dumped);
    }

    private static String ifindex(String device) throws Exception {
        return String.valueOf(netns.ifindex(device));
    }

}
