package org.vnetnl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.testing.NetNamespace;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The README's rtnetlink lines, compiled and run in a network namespace of their own (a veth pair): the links
 * listed must be exactly those {@code ip -j link} lists, and the address and route added must be what
 * {@code ip -j} then shows.
 */
class RtnetlinkTourTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void tour() throws Exception {
        Path specs = KernelYnl.root().resolve("Documentation/netlink/specs");
        List<String> printed = new ArrayList<>();
        try (NetNamespace netns = NetNamespace.create("tour")) {
            netns.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
            netns.ip("link", "set", "veth0", "up");
            String ns = netns.name();
            // tour:rtnetlink
            try (YnlClient links = YnlClient.openInNamespace(SpecLoader.load(specs.resolve("rt_link.yaml")), ns);
                 YnlClient addrs = YnlClient.openInNamespace(SpecLoader.load(specs.resolve("rt_addr.yaml")), ns);
                 YnlClient routes = YnlClient.openInNamespace(SpecLoader.load(specs.resolve("rt_route.yaml")), ns)) {
                for (Map<String, Object> link : links.dump("getlink", Map.of())) {
                    printed.add(link.get("ifi-index") + " " + link.get("ifname"));
                }
                Object veth0 = links.call("getlink", Map.of("ifname", "veth0")).get("ifi-index");
                addrs.call("newaddr", Map.of("ifa-family", 2, "ifa-prefixlen", 24, "ifa-index", veth0,
                        "ifa-local", "10.70.0.1", "ifa-address", "10.70.0.1"), NetlinkFlags.CREATE | NetlinkFlags.EXCL);
                routes.call("newroute", Map.of("rtm-family", 2, "rtm-dst-len", 24, "rtm-table", 254, "rtm-protocol", 4,
                        "rtm-type", "unicast", "rta-dst", "10.71.0.0", "rta-gateway", "10.70.0.2"), NetlinkFlags.CREATE);
            }
            // end
            TreeSet<String> listed = new TreeSet<>();
            for (JsonNode link : JSON.readTree(netns.ip("-j", "link", "show"))) {
                listed.add(link.get("ifindex").asInt() + " " + link.get("ifname").asText());
            }
            assertEquals(listed, new TreeSet<>(printed));
            assertTrue(netns.ip("-j", "addr", "show", "dev", "veth0").contains("\"local\":\"10.70.0.1\""));
            JsonNode route = JSON.readTree(netns.ip("-j", "route", "show", "10.71.0.0/24"));
            assertEquals("10.70.0.2", route.get(0).get("gateway").asText(), route.toString());
        }
    }
}
