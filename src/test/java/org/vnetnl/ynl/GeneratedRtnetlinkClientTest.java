package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vnetnl.testing.NetNamespace.sh;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.testing.NetNamespace;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.internal.ThreadAllocation;
import org.vnetnl.kernel.rtaddr.RtAddr;
import org.vnetnl.kernel.rtaddr.RtAddrClient;
import org.vnetnl.kernel.rtlink.LinkAttrsReader;
import org.vnetnl.kernel.rtlink.LinkinfoAttrsWriter;
import org.vnetnl.kernel.rtlink.LinkinfoBridgeAttrsReader;
import org.vnetnl.kernel.rtlink.NewlinkRequest;
import org.vnetnl.kernel.rtlink.RtLink;
import org.vnetnl.kernel.rtlink.RtLinkClient;
import org.vnetnl.kernel.rtroute.RtRoute;
import org.vnetnl.kernel.rtroute.RtRouteClient;
import org.vnetnl.kernel.tc.NewqdiscRequest;
import org.vnetnl.kernel.tc.Tc;
import org.vnetnl.kernel.tc.TcAttrsReader;
import org.vnetnl.kernel.tc.TcClient;
import org.vnetnl.kernel.tc.TcFifoQopt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The clients generated at build time from Linux 6.12's netlink-raw specs {@code rt_link}, {@code rt_addr} and
 * {@code rt_route} (see the pom's {@code generate-rt-*-client}), on the host kernel in a network namespace of
 * their own, checked with iproute2's {@code ip -j}: a getlink dump, an address and a route added and deleted, a link
 * monitor subscribed by the generated group name, a bridge's sub-message written and read back; and the tc client's
 * qdisc options (a sub-message that is a struct), checked with {@code tc -j}. Also: a reply's
 * fixed header kept past the next request fails, and the request/reply path allocates nothing. Needs root.
 */
class GeneratedRtnetlinkClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The test's network namespace, and its name. */
    private static NetNamespace netns;
    private static String NS;
    /** IFF_UP of ifi_flags. */
    private static final long IFF_UP = 1;
    private static GenlConnection connection;
    private static RtLinkClient links;

    @BeforeAll
    static void namespace() throws Exception {
        netns = NetNamespace.create("genrt");
        NS = netns.name();
        sh("ip", "-n", NS, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        sh("ip", "-n", NS, "link", "set", "veth0", "up");
        sh("ip", "-n", NS, "link", "set", "veth1", "up");
        connection = GenlConnection.openRawInNamespace(NS, RtLink.PROTONUM, ConnectionOptions.defaults());
        links = RtLinkClient.open(connection);
    }

    @AfterAll
    static void removeNamespace() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    @Test
    void getlinkDumpListsExactlyTheLinksIpLists() throws Exception {
        Set<String> ip = new TreeSet<>();
        for (JsonNode link : JSON.readTree(sh("ip", "-j", "-n", NS, "link", "show"))) {
            boolean up = false;
            for (JsonNode flag : link.get("flags")) {
                up |= flag.asText().equals("UP");
            }
            ip.add(link.get("ifindex").asInt() + " " + link.get("ifname").asText() + " mtu " + link.get("mtu").asInt()
                    + (up ? " up" : " down"));
        }
        Set<String> dumped = new TreeSet<>();
        links.getlinkDump().dump(link -> dumped.add(link.header().ifiIndex() + " " + link.ifname() + " mtu " + link.mtu()
                + ((link.header().ifiFlags() & IFF_UP) != 0 ? " up" : " down")));
        assertEquals(ip, dumped, "getlink dump: generated client vs ip -j link");

        LinkAttrsReader veth0 = links.getlink().ifname("veth0").call();
        assertEquals(Integer.parseInt(ifindex("veth0")), veth0.header().ifiIndex());
        assertTrue(veth0.linkinfo().kindEquals("veth"), veth0.toString());
        System.out.println("GeneratedRtnetlinkClientTest: getlink dump equal to ip -j link: " + dumped);
    }

    @Test
    void aReplysFixedHeaderKeptPastTheNextRequestFails() throws Exception {
        List<LinkAttrsReader> kept = new ArrayList<>();
        links.getlinkDump().dump(link -> {
            if (kept.isEmpty()) {
                assertTrue(link.header().ifiIndex() > 0, link.header().toString());
                kept.add(link);
            }
        });
        LinkAttrsReader fromDump = kept.get(0);
        links.getlink().ifiIndex(1).call();
        IllegalStateException stale = assertThrows(IllegalStateException.class, () -> fromDump.header().ifiIndex());
        assertTrue(stale.getMessage().contains("no longer valid"), stale.getMessage());
        assertThrows(IllegalStateException.class, fromDump::ifname);

        // A call's reader and its fixed header, kept past the same request object's next call.
        LinkAttrsReader lo = links.getlink().ifiIndex(1).call();
        var loHeader = lo.header();
        assertEquals(1, loHeader.ifiIndex());
        LinkAttrsReader veth0 = links.getlink().ifname("veth0").call();
        assertThrows(IllegalStateException.class, loHeader::ifiIndex);
        assertThrows(IllegalStateException.class, lo::ifname);
        assertTrue(veth0.ifnameEquals("veth0"), veth0.toString());
        assertEquals(Integer.parseInt(ifindex("veth0")), veth0.header().ifiIndex());
    }

    /** An address and a route added through the generated clients, seen by {@code ip -j}, then deleted. */
    @Test
    void addressAndRouteAddedAndDeleted() throws Exception {
        int veth0 = Integer.parseInt(ifindex("veth0"));
        byte[] local = InetAddress.getByName("10.67.0.1").getAddress();
        byte[] dst = InetAddress.getByName("10.68.0.0").getAddress();
        byte[] gateway = InetAddress.getByName("10.67.0.2").getAddress();
        try (GenlConnection own = GenlConnection.openRawInNamespace(NS, RtAddr.PROTONUM, ConnectionOptions.defaults())) {
            RtAddrClient addresses = RtAddrClient.open(own);
            RtRouteClient routes = RtRouteClient.open(own);
            addresses.newaddr().create().excl().ifaFamily(2).ifaPrefixlen(24).ifaIndex(veth0).ifaLocal(local)
                    .ifaAddress(local).call();
            JsonNode shown = JSON.readTree(sh("ip", "-j", "-n", NS, "addr", "show", "dev", "veth0"));
            List<String> ipv4 = new ArrayList<>();
            for (JsonNode a : shown.get(0).get("addr_info")) {
                if (a.get("family").asText().equals("inet")) {
                    ipv4.add(a.get("local").asText() + "/" + a.get("prefixlen").asInt());
                }
            }
            assertEquals(List.of("10.67.0.1/24"), ipv4, shown.toString());
            List<String> dumped = new ArrayList<>();
            addresses.getaddrDump().ifaFamily(2).dump(a -> {
                if (a.header().ifaIndex() == veth0) {
                    dumped.add(ipv4(a.ifaLocalCopy()) + "/" + a.header().ifaPrefixlen());
                }
            });
            assertEquals(ipv4, dumped, "getaddr dump of veth0");

            routes.newroute().create().excl().rtmFamily(2).rtmDstLen(24).rtmTable(254).rtmProtocol(4).rtmScope(0)
                    .rtmType(1).rtaDst(dst).rtaGateway(gateway).call();
            JsonNode route = JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "10.68.0.0/24"));
            assertEquals(1, route.size(), route.toString());
            assertEquals("10.67.0.2", route.get(0).get("gateway").asText(), route.toString());
            assertEquals("veth0", route.get(0).get("dev").asText(), route.toString());
            NetlinkException exists = assertThrows(NetlinkException.class, () -> routes.newroute().create().excl()
                    .rtmFamily(2).rtmDstLen(24).rtmTable(254).rtmProtocol(4).rtmScope(0).rtmType(1).rtaDst(dst)
                    .rtaGateway(gateway).call());
            assertEquals("EEXIST", exists.errnoName());
            List<String> gateways = new ArrayList<>();
            routes.getrouteDump().rtmFamily(2).dump(r -> {
                if (r.hasRtaDst() && r.hasRtaGateway() && r.header().rtmDstLen() == 24) {
                    gateways.add(ipv4(r.rtaDstCopy()) + " via "
                            + ipv4(r.rtaGatewayCopy()));
                }
            });
            assertEquals(List.of("10.68.0.0 via 10.67.0.2"), gateways);

            routes.delroute().rtmFamily(2).rtmDstLen(24).rtmTable(254).rtmProtocol(4).rtmScope(0).rtmType(1).rtaDst(dst)
                    .rtaGateway(gateway).call();
            assertEquals(0, JSON.readTree(sh("ip", "-j", "-n", NS, "route", "show", "10.68.0.0/24")).size());
            addresses.deladdr().ifaFamily(2).ifaPrefixlen(24).ifaIndex(veth0).ifaLocal(local).ifaAddress(local).call();
            assertFalse(sh("ip", "-j", "-n", NS, "addr", "show", "dev", "veth0").contains("10.67.0.1"));
        }
    }

    /** Subscribed to the link group by its generated name, a monitor sees each down and up, and a deletion. */
    @Test
    void linkMonitorSeesDownAndUp() throws Exception {
        try (GenlConnection own = GenlConnection.openRawInNamespace(NS, RtLink.PROTONUM, ConnectionOptions.defaults())) {
            RtLinkClient monitor = RtLinkClient.open(own);
            monitor.join(RtLink.Group.RTNLGRP_LINK);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sh("ip", "-n", NS, "link", "set", "veth1", "down");
                expected.add("down");
                sh("ip", "-n", NS, "link", "set", "veth1", "up");
                expected.add("up");
            }
            sh("ip", "-n", NS, "link", "add", "vm0", "type", "veth", "peer", "name", "vm1");
            sh("ip", "-n", NS, "link", "del", "vm0");
            expected.add("deleted");
            List<String> seen = new ArrayList<>();
            RtLinkClient.Notifications handler = new RtLinkClient.Notifications() {
                @Override
                public void newlink(LinkAttrsReader link) {
                    if (link.ifnameEquals("veth1")) { // the peer's carrier and IPv6 changes come on the group too
                        String state = (link.header().ifiFlags() & IFF_UP) != 0 ? "up" : "down";
                        if (seen.isEmpty() || !seen.getLast().equals(state)) {
                            seen.add(state);
                        }
                    }
                }

                @Override
                public void dellink(LinkAttrsReader link) {
                    if (link.ifnameEquals("vm0")) {
                        seen.add("deleted");
                    }
                }
            };
            while (!seen.contains("deleted")) {
                try {
                    monitor.receiveNotification(Duration.ofSeconds(5), handler);
                } catch (NetlinkTimeoutException e) {
                    fail("saw " + seen + ", expected " + expected);
                }
            }
            assertEquals(expected, seen);
        }
    }

    /**
     * A bridge made with a sub-message (linkinfo {@code data}, whose attributes {@code kind} chooses), read by
     * iproute2 and read back through the reader's typed overload; a format of another kind is refused.
     */
    @Test
    void aSubMessageIsWrittenAndReadBack() throws Exception {
        NewlinkRequest request = links.newlink().create().excl().ifname("br9");
        LinkinfoAttrsWriter info = request.beginLinkinfo();
        info.kind("bridge");
        info.beginDataBridge().forwardDelay(800).maxAge(1500).end();
        info.end();
        try {
            request.call();
        } catch (NetlinkException e) {
            assumeTrue(false, "no bridge driver in this kernel: " + e.getMessage());
        }
        JsonNode shown = JSON.readTree(sh("ip", "-j", "-d", "-n", NS, "link", "show", "br9")).get(0).get("linkinfo");
        assertEquals("bridge", shown.get("info_kind").asText());
        assertEquals(800, shown.get("info_data").get("forward_delay").asInt(), shown.toString());
        assertEquals(1500, shown.get("info_data").get("max_age").asInt(), shown.toString());
        LinkAttrsReader br9 = links.getlink().ifname("br9").call();
        LinkinfoBridgeAttrsReader data = br9.linkinfo().data(new LinkinfoBridgeAttrsReader());
        assertEquals(800, data.forwardDelay());
        assertEquals(1500, data.maxAge());
        LinkAttrsReader veth = links.getlink().ifname("veth0").call();
        IllegalStateException wrongKind = assertThrows(IllegalStateException.class,
                () -> veth.linkinfo().data(new LinkinfoBridgeAttrsReader()));
        assertEquals("data is of kind veth, not bridge", wrongKind.getMessage());
        links.dellink().ifname("br9").call();
        assertEquals(0, JSON.readTree(sh("ip", "-j", "-n", NS, "link", "show")).findValuesAsText("ifname").stream()
                .filter("br9"::equals).count());
    }

    /**
     * A pfifo qdisc made through the generated tc client, its options a sub-message that is a fixed header alone
     * (tc-fifo-qopt, chosen by kind pfifo): read by {@code tc -j}, listed by the generated getqdisc dump as
     * {@code tc -j qdisc show} lists the namespace's qdiscs, and read back from the kernel's RTM_NEWQDISC on
     * the tc group, joined by its generated name (a getqdisc do, without NLM_F_ECHO, got no reply here in 5 s).
     */
    @Test
    void aQdiscsOptionsAreAStructChosenByItsKind() throws Exception {
        int veth1 = Integer.parseInt(ifindex("veth1"));
        try (GenlConnection own = GenlConnection.openRawInNamespace(NS, Tc.PROTONUM, ConnectionOptions.defaults());
             GenlConnection events = GenlConnection.openRawInNamespace(NS, Tc.PROTONUM, ConnectionOptions.defaults())) {
            TcClient tc = TcClient.open(own);
            TcClient monitor = TcClient.open(events);
            monitor.join(Tc.Group.RTNLGRP_TC);
            NewqdiscRequest add = tc.newqdisc().create().excl().family(0).ifindex(veth1).handle(0x10000)
                    .parent(0xFFFF_FFFFL).kind("pfifo");
            add.optionsPfifo(new TcFifoQopt()).limit(37);
            add.call();
            JsonNode shown = JSON.readTree(sh("tc", "-j", "-n", NS, "qdisc", "show", "dev", "veth1"));
            assertEquals("pfifo", shown.get(0).get("kind").asText(), shown.toString());
            assertEquals(37, shown.get(0).get("options").get("limit").asInt(), shown.toString());

            // getqdisc's spec lists only do; the generated dump of it lists what tc lists.
            Map<Integer, String> names = new HashMap<>();
            for (JsonNode link : JSON.readTree(sh("ip", "-j", "-n", NS, "link", "show"))) {
                names.put(link.get("ifindex").asInt(), link.get("ifname").asText());
            }
            Set<String> dumped = new TreeSet<>();
            tc.getqdiscDump().family(0).dump(q -> dumped.add(names.get(q.header().ifindex()) + " " + q.kind() + " "
                    + Integer.toHexString((int) (q.header().handle() >>> 16)) + ":"));
            Set<String> listed = new TreeSet<>();
            for (JsonNode q : JSON.readTree(sh("tc", "-j", "-n", NS, "qdisc", "show"))) {
                listed.add(q.get("dev").asText() + " " + q.get("kind").asText() + " " + q.get("handle").asText());
            }
            assertEquals(listed, dumped, "getqdisc dump: generated client vs tc -j qdisc show");
            assertTrue(dumped.contains("veth1 pfifo 1:"), dumped.toString());
            List<String> seen = new ArrayList<>();
            TcClient.Notifications handler = new TcClient.Notifications() {
                @Override
                public void newqdisc(TcAttrsReader qdisc) {
                    if (qdisc.header().ifindex() == veth1 && qdisc.kindEquals("pfifo")) {
                        seen.add(qdisc.header().handle() + " limit " + qdisc.options(new TcFifoQopt()).limit());
                    }
                }
            };
            while (seen.isEmpty()) {
                try {
                    monitor.receiveNotification(Duration.ofSeconds(5), handler);
                } catch (NetlinkTimeoutException e) {
                    fail("no RTM_NEWQDISC for veth1's pfifo");
                }
            }
            assertEquals(List.of(0x10000 + " limit 37"), seen);
            tc.delqdisc().family(0).ifindex(veth1).handle(0x10000).parent(0xFFFF_FFFFL).call();
            assertFalse(sh("tc", "-j", "-n", NS, "qdisc", "show", "dev", "veth1").contains("pfifo"));
        }
    }

    /**
     * The generated request/reply path with a reader of the caller's allocates nothing once warmed up: the best of six rounds of 20,000 getlink
     * calls of lo, in a JVM of its own (as {@link GeneratedNetdevClientTest} measures).
     */
    @Test
    void theRequestReplyPathAllocatesNothing() throws Exception {
        long best = ThreadAllocation.bestRoundInOwnJvm(GeneratedRtnetlinkClientTest.class);
        assertTrue(best < 64 * 1024, best + " bytes allocated in the best round");
    }

    /** The measurement of {@link #theRequestReplyPathAllocatesNothing}: prints the best round's bytes. */
    public static void main(String[] args) throws Exception {
        ThreadAllocation allocation = new ThreadAllocation();
        try (GenlConnection own = GenlConnection.openRaw(RtLink.PROTONUM, ConnectionOptions.defaults())) {
            RtLinkClient client = RtLinkClient.open(own);
            LinkAttrsReader lo = new LinkAttrsReader();     // the caller's reader, rewrapped by each call
            long best = Long.MAX_VALUE;
            long sum = 0;
            for (int round = 0; round < 6; round++) {
                long before = allocation.bytes();
                for (int i = 0; i < 20_000; i++) {
                    client.getlink().ifiIndex(1).call(lo);
                    sum += lo.header().ifiIndex() + (lo.ifnameEquals("lo") ? 1 : 0) + lo.mtu();
                }
                best = Math.min(best, allocation.bytes() - before);
            }
            if (sum < 6 * 20_000 * 2) {
                throw new AssertionError("lo was not read back: " + sum);
            }
            System.out.println(best + " bytes in the best round of 20000 getlink calls through the generated client");
        }
    }

    /** An IPv4 address in dotted notation (the handlers cannot throw UnknownHostException). */
    private static String ipv4(byte[] address) {
        return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
    }

    private static String ifindex(String device) throws Exception {
        return String.valueOf(netns.ifindex(device));
    }

}
