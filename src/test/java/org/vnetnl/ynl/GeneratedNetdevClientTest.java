package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.ThreadAllocation;
import org.vnetnl.kernel.netdev.DevReader;
import org.vnetnl.kernel.netdev.Netdev;
import org.vnetnl.kernel.netdev.NetdevClient;
import org.vnetnl.kernel.netdev.XdpAct;
import org.vnetnl.kernel.netdev.XdpRxMetadata;
import org.vnetnl.kernel.netdev.XskFlags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The netdev client generated at build time from Linux 6.12's {@code netdev.yaml} (see the pom's
 * {@code generate-netdev-client}), on the host kernel, against the kernel's own {@code cli.py} on the same
 * operations: every device of a {@code dev-get} dump and each device's {@code dev-get} do must carry the same values
 * (flags compared as their spec names, as cli.py prints them). Also: the request/reply path allocates nothing, and
 * a reader kept past the next request fails instead of reading the next reply's bytes.
 */
class GeneratedNetdevClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static GenlConnection connection;
    private static NetdevClient netdev;

    @BeforeAll
    static void open() throws NetlinkException {
        connection = GenlConnection.open();
        netdev = NetdevClient.open(connection);
    }

    @AfterAll
    static void close() {
        connection.close();
    }

    @Test
    void dumpAndDoGiveWhatCliPyGives() throws Exception {
        Map<Long, Map<String, Object>> dumped = new TreeMap<>();
        // tour:generated-call
        NetdevClient netdev = NetdevClient.open(connection);     // generated from netdev.yaml
        DevReader lo = netdev.devGet().ifindex(1).call();          // typed request, flyweight reply
        long xdp = lo.hasXdpFeatures() ? lo.xdpFeatures() : 0;     // read in place; call(yourReader): 0 B
        boolean redirect = XdpAct.REDIRECT.isSetIn(xdp);           // flags with their spec names
        netdev.devGetDump().dump(dev -> dumped.put(dev.ifindex(), values(dev)));
        // end
        assertFalse(dumped.isEmpty(), "the host has at least lo");
        assertEquals(dumped.get(1L).get("xdp-features") instanceof List<?> names && names.contains("redirect"), redirect);

        Map<Long, Map<String, Object>> expected = new TreeMap<>();
        for (JsonNode dev : cli("--dump", "dev-get", null)) {
            expected.put(dev.get("ifindex").asLong(), values(dev));
        }
        assertEquals(expected, dumped, "dev-get dump: generated client vs cli.py");

        for (long ifindex : dumped.keySet()) {
            DevReader dev = netdev.devGet().ifindex(ifindex).call();
            JsonNode one = cli("--do", "dev-get", "{\"ifindex\": " + ifindex + "}");
            assertEquals(values(one), values(dev), "dev-get do of ifindex " + ifindex);
        }
        System.out.println("GeneratedNetdevClientTest: dev-get dump and do of " + dumped.size()
                + " devices equal to cli.py's: " + dumped);
    }

    /**
     * The generated request/reply path with a reader of the caller's allocates nothing once warmed up: the best of
     * six rounds of 20,000 {@code dev-get} calls through the generated client, in a JVM of its own (the fuzz tests' agent instruments
     * classes in the test JVM, and instrumented code allocates where the plain code does not).
     */
    @Test
    void theRequestReplyPathAllocatesNothing() throws Exception {
        long best = ThreadAllocation.bestRoundInOwnJvm(GeneratedNetdevClientTest.class);
        assertTrue(best < 64 * 1024, best + " bytes allocated in the best round");
    }

    /** The measurement of {@link #theRequestReplyPathAllocatesNothing}: prints the best round's bytes. */
    public static void main(String[] args) throws Exception {
        ThreadAllocation allocation = new ThreadAllocation();
        try (GenlConnection own = GenlConnection.open()) {
            NetdevClient client = NetdevClient.open(own);
            DevReader lo = new DevReader();     // the caller's reader, rewrapped by each call
            long best = Long.MAX_VALUE;
            long sum = 0;
            for (int round = 0; round < 6; round++) {
                long before = allocation.bytes();
                for (int i = 0; i < 20_000; i++) {
                    client.devGet().ifindex(1).call(lo);
                    sum += lo.ifindex() + lo.xdpFeatures() + (lo.hasXdpZcMaxSegs() ? lo.xdpZcMaxSegs() : 0);
                }
                best = Math.min(best, allocation.bytes() - before);
            }
            if (sum < 6 * 20_000) {
                throw new AssertionError("lo's ifindex was not read back: " + sum);
            }
            System.out.println(best + " bytes in the best round of 20000 dev-get calls through the generated client");
        }
    }

    @Test
    void aReplyKeptPastTheNextCallFailsRatherThanShowTheNextReply() throws Exception {
        DevReader first = netdev.devGet().ifindex(1).call();
        DevReader second = netdev.devGet().ifindex(1).call();
        assertNotSame(first, second, "call() returns a reader of its own");
        IllegalStateException stale = assertThrows(IllegalStateException.class, first::ifindex);
        assertTrue(stale.getMessage().contains("no longer valid"), stale.getMessage());
        assertEquals(1, second.ifindex());

        DevReader mine = new DevReader();
        assertSame(mine, netdev.devGet().ifindex(1).call(mine));
        assertEquals(1, mine.ifindex());
        assertThrows(IllegalStateException.class, second::ifindex);
        GenlMessage message = new GenlMessage();
        assertSame(mine, netdev.devGet().ifindex(1).call(GenlConnection.DEFAULT_TIMEOUT, message, mine));
        assertEquals(netdev.family().id(), message.familyId());
        assertTrue(message.sequence() != 0);
        assertEquals(1, mine.ifindex());
    }

    @Test
    void aReaderKeptPastTheNextRequestFails() throws Exception {
        List<DevReader> kept = new ArrayList<>();
        netdev.devGetDump().dump(dev -> {
            if (kept.isEmpty()) {
                kept.add(dev);
            }
        });
        DevReader fromDump = kept.get(0);
        netdev.devGet().ifindex(1).call();
        IllegalStateException stale = assertThrows(IllegalStateException.class, fromDump::ifindex);
        assertTrue(stale.getMessage().contains("no longer valid"), stale.getMessage());
        assertThrows(IllegalStateException.class, fromDump::hasXdpFeatures);
    }

    /**
     * A generated do request added to a {@link GenlBatch}: each device's {@code dev-get} in one round trip gives
     * what the single call gives, an unknown ifindex fails its own entry as the single call fails, a batched request
     * cannot also be sent on its own, and a batch of another connection is refused.
     */
    @Test
    void aBatchOfGeneratedRequestsGivesWhatSingleCallsGive() throws Exception {
        List<Long> ifindexes = new ArrayList<>();
        netdev.devGetDump().dump(dev -> ifindexes.add(dev.ifindex()));
        Map<Long, Map<String, Object>> single = new TreeMap<>();
        for (long ifindex : ifindexes) {
            single.put(ifindex, values(netdev.devGet().ifindex(ifindex).call()));
        }
        NetlinkException unknown = assertThrows(NetlinkException.class, () -> netdev.devGet().ifindex(999_999).call());

        Map<Long, Map<String, Object>> batched = new TreeMap<>();
        // tour:generated-batch
        GenlBatch batch = connection.newBatch(ifindexes.size() + 1, 4096);  // made once, reused
        for (long ifindex : ifindexes) {
            netdev.devGet(batch).ifindex(ifindex);               // the same typed request, into the batch
        }
        netdev.devGet(batch).ifindex(999_999);                   // fails on its own: ENODEV
        batch.execute(Duration.ofSeconds(5));                    // one sendto, one recvmmsg
        DevReader reader = new DevReader();
        for (int i = 0; i < ifindexes.size(); i++) {
            batched.put(ifindexes.get(i), values(reader.wrap(batch.reply(i))));
        }
        // end
        assertEquals(single, batched, "dev-get: batched vs single");
        NetlinkException failed = batch.error(ifindexes.size());
        assertEquals(unknown.errno(), failed.errno(), failed.toString());
        assertEquals("netdev dev-get", failed.operation());

        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> netdev.devGet(batch).ifindex(1).call());
        assertTrue(twice.getMessage().contains("GenlBatch"), twice.getMessage());
        try (GenlConnection other = GenlConnection.open()) {
            GenlBatch foreign = other.newBatch(1, 4096);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> netdev.devGet(foreign));
            assertTrue(refused.getMessage().contains("another connection"), refused.getMessage());
        }
    }

    @Test
    void kernelErrorsComeAsNetlinkException() {
        NetlinkException e = assertThrows(NetlinkException.class, () -> netdev.devGet().ifindex(999_999).call());
        assertEquals("netdev dev-get", e.operation());
    }

    /** The attributes of the generated reader, as cli.py shows them. */
    private static Map<String, Object> values(DevReader dev) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ifindex", dev.ifindex());
        if (dev.hasXdpFeatures()) {
            v.put("xdp-features", names(XdpAct.values(), dev.xdpFeatures()));
        }
        if (dev.hasXdpZcMaxSegs()) {
            v.put("xdp-zc-max-segs", dev.xdpZcMaxSegs());
        }
        if (dev.hasXdpRxMetadataFeatures()) {
            v.put("xdp-rx-metadata-features", names(XdpRxMetadata.values(), dev.xdpRxMetadataFeatures()));
        }
        if (dev.hasXskFeatures()) {
            v.put("xsk-features", names(XskFlags.values(), dev.xskFeatures()));
        }
        return v;
    }

    /** The same attributes of cli.py's JSON, only those the 6.12 spec names. */
    private static Map<String, Object> values(JsonNode dev) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ifindex", dev.get("ifindex").asLong());
        for (String flags : List.of("xdp-features", "xdp-zc-max-segs", "xdp-rx-metadata-features", "xsk-features")) {
            JsonNode value = dev.get(flags);
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                List<String> names = new ArrayList<>();
                value.forEach(n -> names.add(n.asText()));
                v.put(flags, names.stream().sorted().toList());
            } else {
                v.put(flags, value.asLong());
            }
        }
        return v;
    }

    private static List<String> names(Enum<?>[] entries, long mask) {
        List<String> names = new ArrayList<>();
        for (Enum<?> e : entries) {
            long bit = switch (e) {
                case XdpAct a -> a.value();
                case XdpRxMetadata m -> m.value();
                case XskFlags x -> x.value();
                default -> throw new IllegalArgumentException(e.toString());
            };
            if ((mask & bit) != 0) {
                names.add(switch (e) {
                    case XdpAct a -> a.specName();
                    case XdpRxMetadata m -> m.specName();
                    case XskFlags x -> x.specName();
                    default -> throw new IllegalArgumentException(e.toString());
                });
            }
        }
        return names.stream().sorted().toList();
    }

    private static JsonNode cli(String mode, String operation, String json) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KernelYnl.PYTHON.toString(), KernelYnl.cli().toString(),
                "--spec", KernelYnl.spec("netdev").toString(), "--process-unknown", mode, operation, "--output-json"));
        if (json != null) {
            command.addAll(List.of("--json", json));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ":\n" + out);
        return JSON.readTree(out);
    }
}
