package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.kernel.ethtool.BitsetBitReader;
import org.vnetnl.kernel.ethtool.BitsetBitsReader;
import org.vnetnl.kernel.ethtool.BitsetReader;
import org.vnetnl.kernel.ethtool.EthtoolClient;
import org.vnetnl.kernel.ethtool.FeaturesReader;
import org.vnetnl.kernel.ethtool.HeaderReader;
import org.vnetnl.kernel.ethtool.LinkstateReader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ethtool client generated at build time from Linux 6.12's {@code ethtool.yaml} (the pom's
 * {@code generate-ethtool-client}), on the host's loopback device, against the kernel's own {@code cli.py} on the
 * same operations: linkstate-get (a request header nest, scalars back), features-get (nested bitsets with
 * multi-attr bits, compared bit by bit with their names) and an error (the same errno and extended-ack message).
 */
class GeneratedEthtoolClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LO = "{\"header\": {\"dev-name\": \"lo\"}}";
    private static GenlConnection connection;
    private static EthtoolClient ethtool;

    @BeforeAll
    static void open() throws NetlinkException {
        connection = GenlConnection.open();
        ethtool = EthtoolClient.open(connection);
    }

    @AfterAll
    static void close() {
        connection.close();
    }

    @Test
    void linkstateGetGivesWhatCliPyGives() throws Exception {
        var request = ethtool.linkstateGet();
        request.beginHeader().devName("lo").end();
        LinkstateReader state = request.call();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("header", header(state.header()));
        values.put("link", (long) state.link());

        JsonNode expected = cli("linkstate-get", LO);
        assertEquals(Map.of("dev-index", expected.get("header").get("dev-index").asLong(),
                "dev-name", expected.get("header").get("dev-name").asText()), values.get("header"));
        assertEquals(expected.get("link").asLong(), values.get("link"));
    }

    @Test
    void featuresGetGivesWhatCliPyGives() throws Exception {
        var request = ethtool.featuresGet();
        request.beginHeader().devName("lo").end();
        FeaturesReader features = request.call();
        JsonNode expected = cli("features-get", LO);
        assertTrue(bits(expected.get("hw")).size() > 10, "lo has hardware features: " + expected);
        for (String set : List.of("hw", "wanted", "active", "nochange")) {
            BitsetReader bitset = switch (set) {
                case "hw" -> features.hw();
                case "wanted" -> features.wanted();
                case "active" -> features.active();
                default -> features.nochange();
            };
            assertEquals(expected.get(set).get("size").asLong(), bitset.size(), set + " size");
            assertEquals(bits(expected.get(set)), bits(bitset), set + " bits: generated client vs cli.py");
        }
    }

    @Test
    void anErrorIsTheKernelsAsCliPyShowsIt() throws Exception {
        var request = ethtool.linkinfoGet();
        request.beginHeader().devName("lo").end();
        NetlinkException e = assertThrows(NetlinkException.class, request::call);
        assertEquals("EOPNOTSUPP", e.errnoName(), e.getMessage());
        String out = cliFailing("linkinfo-get", LO);
        assertTrue(out.contains("error: -" + e.errno()), out);
        assertTrue(out.contains(e.extAckMessage().orElseThrow()), out);
    }

    private static Map<String, Object> header(HeaderReader header) {
        return Map.of("dev-index", header.devIndex(), "dev-name", header.devName());
    }

    /** Index, name and value flag of every bit, in order. */
    private static List<String> bits(BitsetReader bitset) {
        List<String> out = new ArrayList<>();
        if (!bitset.hasBits()) {
            return out;
        }
        BitsetBitsReader bits = bitset.bits();
        BitsetBitReader bit = new BitsetBitReader();
        for (int i = 0; i < bits.bitCount(); i++) {
            bits.bit(i, bit);
            out.add(bit.index() + " " + (bit.hasName() ? bit.name() : "") + (bit.value() ? " value" : ""));
        }
        return out;
    }

    private static List<String> bits(JsonNode bitset) {
        List<String> out = new ArrayList<>();
        JsonNode bits = bitset.get("bits");
        if (bits != null && bits.get("bit") != null) {
            bits.get("bit").forEach(b -> out.add(b.get("index").asLong() + " "
                    + (b.get("name") != null ? b.get("name").asText() : "") + (b.has("value") ? " value" : "")));
        }
        return out;
    }

    private static JsonNode cli(String operation, String json) throws IOException, InterruptedException {
        Process p = start(operation, json);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), operation + ":\n" + out);
        return JSON.readTree(out);
    }

    private static String cliFailing(String operation, String json) throws IOException, InterruptedException {
        Process p = start(operation, json);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static Process start(String operation, String json) throws IOException, InterruptedException {
        List<String> command = List.of(KernelYnl.PYTHON.toString(), KernelYnl.cli().toString(),
                "--spec", KernelYnl.spec("ethtool").toString(), "--process-unknown", "--do", operation,
                "--output-json", "--json", json);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
