package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;
import org.vnetnl.testing.NetNamespace;

/**
 * A route table of tens of thousands of routes: added with {@link YnlClient#callEach} (batched rounds), dumped by
 * the streamed {@link YnlClient#dump(String, Map, int, YnlClient.Parts)} in a JVM whose heap is far smaller than the
 * decoded table, and compared route by route with iproute2's {@code ip -j route}; then deleted the same way. Each
 * test has a network namespace of its own, removed after it. Needs root.
 */
class RouteTableScaleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUTES = 30_000;
    /** The forked dump's heap: the decoded table (30,000 maps of 8 entries) would need several times this. */
    private static final String SMALL_HEAP = "-Xmx16m";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private NetNamespace namespace;
    private String ns;
    private YnlSpec rtRoute;
    private int oif;

    @BeforeEach
    void namespace() throws Exception {
        namespace = NetNamespace.create("routes");
        ns = namespace.name();
        rtRoute = SpecLoader.load(KernelYnl.spec("rt_route"));
        namespace.ip("link", "add", "veth0", "type", "veth", "peer", "name", "veth1");
        namespace.ip("link", "set", "veth0", "up");
        namespace.ip("link", "set", "veth1", "up");
        oif = namespace.ifindex("veth0");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
    }

    /** Route {@code i}: 10.x.y.z/32 (from 10.0.0.1 on) on veth0, as {@code ip route add 10.x.y.z dev veth0} makes it. */
    private List<Map<String, Object>> routes(int count) {
        return new AbstractList<>() {
            @Override
            public Map<String, Object> get(int i) {
                int host = i + 1;
                Map<String, Object> route = new LinkedHashMap<>();
                route.put("rtm-family", 2);
                route.put("rtm-dst-len", 32);
                route.put("rtm-table", 254);   // RT_TABLE_MAIN
                route.put("rtm-protocol", 3);  // RTPROT_BOOT
                route.put("rtm-scope", 253);   // RT_SCOPE_LINK
                route.put("rtm-type", "unicast");
                route.put("rta-dst", "10." + ((host >> 16) & 255) + "." + ((host >> 8) & 255) + "." + (host & 255));
                route.put("rta-oif", oif);
                return route;
            }

            @Override
            public int size() {
                return count;
            }
        };
    }

    /** The main table as {@code ip -j route} lists it: "destination/length ifindex" per route. */
    private Set<String> ipRoutes() throws Exception {
        Map<String, Integer> ifindex = new java.util.HashMap<>();
        for (JsonNode link : JSON.readTree(namespace.ip("-j", "link", "show"))) {
            ifindex.put(link.get("ifname").asText(), link.get("ifindex").asInt());
        }
        Set<String> routes = new HashSet<>();
        for (JsonNode route : JSON.readTree(namespace.ip("-j", "route", "show", "table", "main"))) {
            String dst = route.get("dst").asText();
            routes.add((dst.contains("/") ? dst : dst + "/32") + " " + ifindex.get(route.get("dev").asText()));
        }
        return routes;
    }

    @Test
    void tensOfThousandsOfRoutesAddedInRoundsStreamInASmallHeapAsIpListsThem() throws Exception {
        ConnectionOptions options = ConnectionOptions.defaults().withSocketReceiveBufferSize(1 << 20);
        try (GenlConnection connection = GenlConnection.openRawInNamespace(ns, rtRoute.protonum(), options);
             YnlClient client = YnlClient.on(rtRoute, connection).timeout(TIMEOUT)) {
            assertEquals(ROUTES, client.callEach("newroute", routes(ROUTES), NetlinkFlags.CREATE | NetlinkFlags.EXCL));
        }
        Set<String> expected = ipRoutes();
        assertEquals(ROUTES, expected.size(), "ip lists every route added");

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                SMALL_HEAP, "--enable-native-access=ALL-UNNAMED", "-cp", classPath(),
                RouteTableDumpMain.class.getName(), ns, KernelYnl.spec("rt_route").toString())
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        Path errors = Files.createTempFile("route-dump", ".err");
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                Files.write(errors, p.getErrorStream().readAllBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "the dump JVM did not finish");
        drain.join();
        String err = Files.readString(errors);
        Files.delete(errors);
        assertEquals(0, p.exitValue(), "the dump in " + SMALL_HEAP + " failed: " + err);
        assertTrue(lines.getLast().startsWith("parts "), lines.getLast());
        int parts = Integer.parseInt(lines.getLast().substring("parts ".length()));
        List<String> dumped = lines.subList(0, lines.size() - 1);
        assertEquals(dumped.size(), new HashSet<>(dumped).size(), "no route delivered twice");
        assertEquals(expected, new HashSet<>(dumped));
        assertTrue(parts >= ROUTES, "the dump delivered " + parts + " parts (every table) for " + ROUTES + " routes");
    }

    /**
     * Refusals are told by request number, and the rounds go on; deleting in rounds empties the table. A request
     * that does not match the spec is refused before its round is sent, named by its number.
     */
    @Test
    void refusalsAreNumberedAndDeletesEmptyTheTable() throws Exception {
        int count = 3_000;
        try (YnlClient client = YnlClient.openInNamespace(rtRoute, ns).timeout(TIMEOUT)) {
            List<Map<String, Object>> routes = routes(count);
            assertEquals(count, client.callEach("newroute", routes, NetlinkFlags.CREATE | NetlinkFlags.EXCL));
            // Again, with every third route deleted first: those are added, the others refused with EEXIST.
            List<Map<String, Object>> third = new ArrayList<>();
            for (int i = 0; i < count; i += 3) {
                third.add(routes.get(i));
            }
            client.callEach("delroute", third, 0);
            List<Long> refused = new ArrayList<>();
            client.callEach("newroute", routes, NetlinkFlags.CREATE | NetlinkFlags.EXCL, (index, error) -> {
                assertEquals("EEXIST", error.errnoName(), error.getMessage());
                refused.add(index);
            });
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                if (i % 3 != 0) {
                    expected.add(i);
                }
            }
            assertEquals(expected, refused);
            assertEquals(count, ipRoutes().size());

            // Without a handler the first refusal is thrown, named by its number.
            NetlinkException first = assertThrows(NetlinkException.class,
                    () -> client.callEach("newroute", routes, NetlinkFlags.CREATE | NetlinkFlags.EXCL));
            assertEquals("EEXIST", first.errnoName());
            assertTrue(first.getMessage().contains("(request 0)"), first.getMessage());

            List<Map<String, Object>> bad = new ArrayList<>(routes.subList(0, 5));
            Map<String, Object> wrong = new LinkedHashMap<>(bad.get(3));
            wrong.put("rta-dst", "not an address");
            bad.set(3, wrong);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.callEach("delroute", bad, 0));
            assertTrue(e.getMessage().startsWith("request 3 of rt-route delroute: "), e.getMessage());
            assertEquals(count, ipRoutes().size(), "nothing of the round with the bad request was sent");

            assertEquals(count, client.callEach("delroute", routes, 0));
        }
        assertEquals(Set.of(), ipRoutes());
    }

    /** The library, the tests and the spec parser (mvn process-classes copies the dependencies to target/lib). */
    private static String classPath() throws IOException {
        List<String> entries = new ArrayList<>(List.of("target/classes", "target/test-classes"));
        try (var jars = Files.list(Path.of("target/lib"))) {
            jars.map(Path::toString).filter(name -> name.endsWith(".jar")).sorted().forEach(entries::add);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
