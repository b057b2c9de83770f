package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

    /**
     * Every spec of the 6.12 source loads, generic netlink and netlink-raw alike, and its numbers are those the
     * kernel's own nlspec.py computes: the protocol number, operation request/reply values and modes, every
     * attribute's value and type, every enum and flags entry's wire value, the multicast groups and their numbers,
     * the sub-messages' formats.
     */
    @Test
    void everyKernelSpecLoadsAsTheKernelsNlspecReadsIt() throws Exception {
        List<Path> specs = KernelYnl.allSpecs();
        assertEquals(19, specs.size(), "the 6.12 source ships 19 specs: " + specs);
        List<String> command = new ArrayList<>(List.of(KernelYnl.PYTHON.toString(),
                resource("nlspec_model.py").toString(), KernelYnl.root().resolve("tools/net/ynl/lib").toString()));
        specs.forEach(p -> command.add(p.toString()));
        Process python = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        JsonNode oracle = new ObjectMapper().readTree(python.getInputStream());
        assertEquals(0, python.waitFor());
        int compared = 0;
        for (Path p : specs) {
            YnlSpec spec = SpecLoader.load(p);
            JsonNode expected = oracle.get(spec.name());
            assertTrue(expected != null, "nlspec.py read no family " + spec.name());
            assertEquals(fieldNames(expected.get("ops")), List.copyOf(spec.operations().keySet()), spec.name());
            for (SpecOperation op : spec.operations().values()) {
                JsonNode e = expected.get("ops").get(op.name());
                String where = spec.name() + " " + op.name();
                assertEquals(e.get(0).asInt(), op.requestValue(), where + " request value");
                assertEquals(e.get(1).asInt(), op.replyValue(), where + " reply value");
                assertEquals(new ObjectMapper().convertValue(e.get(2), List.class), op.modes().stream().sorted().toList(), where);
                assertEquals(e.get(3).isNull() ? null : e.get(3).asText(), op.attributeSet(), where + " attribute set");
                compared++;
            }
            assertEquals(fieldNames(expected.get("sets")), List.copyOf(spec.attributeSets().keySet()), spec.name());
            for (AttributeSet set : spec.attributeSets().values()) {
                JsonNode e = expected.get("sets").get(set.name());
                assertEquals(fieldNames(e), set.names(), spec.name() + " set " + set.name());
                for (SpecAttribute a : set.attributes()) {
                    String where = spec.name() + " " + set.name() + "." + a.name();
                    assertEquals(e.get(a.name()).get(0).asInt(), a.value(), where);
                    assertEquals(e.get(a.name()).get(1).asText(), a.type().yamlName(), where);
                    assertEquals(e.get(a.name()).get(2).asBoolean(), a.multiAttr(), where);
                    compared++;
                }
            }
            assertEquals(fieldNames(expected.get("enums")), List.copyOf(spec.enums().keySet()), spec.name());
            for (SpecEnum en : spec.enums().values()) {
                Map<String, Long> wire = new TreeMap<>();
                en.entries().forEach(entry -> wire.put(entry.name(), en.wireValue(entry, false)));
                Map<String, Long> want = new TreeMap<>();
                expected.get("enums").get(en.name()).fields()
                        .forEachRemaining(f -> want.put(f.getKey(), f.getValue().asLong()));
                assertEquals(want, wire, spec.name() + " enum " + en.name());
                compared += wire.size();
            }
            assertEquals(new ObjectMapper().convertValue(expected.get("groups"), List.class),
                    spec.mcastGroups().keySet().stream().sorted().toList(), spec.name());
            for (McastGroup g : spec.mcastGroups().values()) {
                assertEquals(expected.get("group_values").get(g.name()).asInt(), g.value(), spec.name() + " group "
                        + g.name());
            }
            assertEquals(expected.get("protonum").asInt(), spec.protonum(), spec.name() + " protonum");
            assertEquals(fieldNames(expected.get("sub_msgs")), List.copyOf(spec.subMessages().keySet()), spec.name());
            for (SpecSubMessage m : spec.subMessages().values()) {
                JsonNode e = expected.get("sub_msgs").get(m.name());
                assertEquals(fieldNames(e), m.values(), spec.name() + " sub-message " + m.name());
                for (SpecSubMessage.Format f : m.formats()) {
                    String where = spec.name() + " sub-message " + m.name() + " " + f.value();
                    assertEquals(e.get(f.value()).get(0).isNull() ? null : e.get(f.value()).get(0).asText(),
                            f.fixedHeader(), where);
                    assertEquals(e.get(f.value()).get(1).isNull() ? null : e.get(f.value()).get(1).asText(),
                            f.attributeSet(), where);
                    compared++;
                }
            }
        }
        System.out.println("SpecLoaderTest: " + specs.size() + " specs, " + compared
                + " operations, attributes and enum entries agree with nlspec.py");
    }

    @Test
    void readsTheFieldsTheClientNeeds() throws Exception {
        YnlSpec ethtool = SpecLoader.load(KernelYnl.spec("ethtool"));
        assertEquals("ethtool", ethtool.name());
        assertEquals("genetlink-legacy", ethtool.protocol());
        SpecAttribute devName = ethtool.attributeSet("header").attribute("dev-name").orElseThrow();
        assertEquals(SpecType.STRING, devName.type());
        SpecOperation channelsGet = ethtool.operation("channels-get");
        assertEquals("channels", channelsGet.attributeSet());
        assertEquals(List.of("header"), channelsGet.doMode().request());
        assertFalse(ethtool.operation("channels-set").needsAdmin(), "ethtool checks CAP_NET_ADMIN in code");
        assertTrue(ethtool.mcastGroups().isEmpty(), "6.12's ethtool spec leaves its monitor group to the kernel");
        assertEquals("channels-get", ethtool.operation("channels-ntf").notifies());
        SpecAttribute bitset = ethtool.attributeSet("bitset-bits").attribute("bit").orElseThrow();
        assertTrue(bitset.multiAttr());

        YnlSpec tcpMetrics = SpecLoader.load(KernelYnl.spec("tcp_metrics"));
        SpecAttribute v4 = tcpMetrics.attributeSet("tcp-metrics").attribute("addr-ipv4").orElseThrow();
        assertEquals(ByteOrder.BIG_ENDIAN, v4.byteOrder());
        assertEquals("ipv4", v4.displayHint());

        YnlSpec netdev = SpecLoader.load(KernelYnl.spec("netdev"));
        SpecAttribute features = netdev.attributeSet("dev").attribute("xdp-features").orElseThrow();
        assertEquals(3, features.value(), "the number a hand-written decoder got wrong");
        assertEquals("xdp-act", features.enumName());
        assertTrue(netdev.enumeration("xdp-act").flags());
        assertEquals("mgmt", netdev.operation("dev-add-ntf").mcgrp());
        assertEquals("dev-get", netdev.operation("dev-add-ntf").notifies());
        SpecAttribute ifindex = netdev.attributeSet("dev").attribute("ifindex").orElseThrow();
        assertEquals(BigInteger.ONE, ifindex.checks().min());
        assertEquals(SpecType.UINT, netdev.attributeSet("qstats").attribute("rx-packets").orElseThrow().type());

        YnlSpec mptcp = SpecLoader.load(KernelYnl.spec("mptcp_pm"));
        assertTrue(mptcp.operation("add-addr").flags().contains("uns-admin-perm"));

        YnlSpec nlctrl = SpecLoader.load(KernelYnl.spec("nlctrl"));
        assertNull(nlctrl.kernelPolicy());
        assertEquals("per-op", mptcp.kernelPolicy());
        AttributeSet subset = nlctrl.attributeSets().values().stream().filter(s -> s.subsetOf() != null).findFirst()
                .orElse(null);
        if (subset != null) {
            assertEquals(nlctrl.attributeSet(subset.subsetOf()).attribute(subset.names().getFirst()).orElseThrow(),
                    subset.attribute(subset.names().getFirst()).orElseThrow());
        }

        YnlSpec ovs = SpecLoader.load(KernelYnl.spec("ovs_datapath"));
        assertEquals("ovs-header", ovs.operation("get").fixedHeader());
        assertEquals(4, ovs.structSize("ovs-header"));
    }

    @Test
    void unknownNamesListTheValidOnes() throws Exception {
        YnlSpec netdev = SpecLoader.load(KernelYnl.spec("netdev"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> netdev.operation("dev-gte"));
        assertTrue(e.getMessage().contains("'dev-gte'") && e.getMessage().contains("dev-get"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Malformed specs: each names the file, the line and the key.

    private static final String GOOD = """
            # SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
            name: demo
            protocol: genetlink
            doc: A demo.
            definitions:
              -
                type: enum
                name: colour
                entries: [ red, green ]
            attribute-sets:
              -
                name: main
                attributes:
                  -
                    name: id
                    type: u32
                  -
                    name: colour
                    type: u8
                    enum: colour
            operations:
              list:
                -
                  name: get
                  doc: Get.
                  attribute-set: main
                  do:
                    request:
                      attributes: [ id ]
                    reply:
                      attributes: [ id, colour ]
            """;

    @Test
    void aGoodDemoSpecLoads() throws Exception {
        YnlSpec spec = load(GOOD);
        assertEquals(1, spec.operation("get").requestValue());
        assertEquals(2, spec.attributeSet("main").attribute("colour").orElseThrow().value());
        assertEquals(1, spec.enumeration("colour").entry("green").orElseThrow().value());
        assertNull(spec.kernelPolicy());
    }

    @Test
    void unknownKeyNamesItsLineAndTheValidKeys() {
        MalformedSpecException e = malformed(GOOD.replace("    type: u32", "    typ: u32"));
        assertEquals(16, e.line());
        assertEquals("attribute-sets[0].attributes[0].typ", e.key());
        assertTrue(e.getMessage().startsWith("demo.yaml:16: "), e.getMessage());
        assertTrue(e.getMessage().contains("nested-attributes"), e.getMessage());
    }

    @Test
    void unknownTypeListsTheTypes() {
        MalformedSpecException e = malformed(GOOD.replace("type: u32", "type: u33"));
        assertEquals(16, e.line());
        assertEquals("attribute-sets[0].attributes[0].type", e.key());
        assertTrue(e.getMessage().contains("u33") && e.getMessage().contains("indexed-array"), e.getMessage());
    }

    @Test
    void unknownEnumReference() {
        MalformedSpecException e = malformed(GOOD.replace("enum: colour", "enum: color"));
        assertEquals(20, e.line());
        assertTrue(e.getMessage().contains("unknown enum 'color'") && e.getMessage().contains("[colour]"),
                e.getMessage());
    }

    @Test
    void requestListingAnAttributeTheSetLacks() {
        MalformedSpecException e = malformed(GOOD.replace("attributes: [ id ]", "attributes: [ idx ]"));
        assertEquals(29, e.line());
        assertTrue(e.getMessage().contains("'idx'") && e.getMessage().contains("[id, colour]"), e.getMessage());
    }

    @Test
    void missingRequiredKey() {
        MalformedSpecException e = malformed(GOOD.replace("name: demo\n", ""));
        assertEquals("name", e.key());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void unknownAttributeSetOfAnOperation() {
        MalformedSpecException e = malformed(GOOD.replace("attribute-set: main", "attribute-set: mane"));
        assertEquals(26, e.line());
        assertEquals("operations.list[0].attribute-set", e.key());
    }

    @Test
    void subsetListingAnAttributeOfNoParent() {
        String spec = GOOD.replace("operations:", """
                  -
                    name: sub
                    subset-of: main
                    attributes:
                      -
                        name: size
                operations:""");
        MalformedSpecException e = malformed(spec);
        assertEquals(26, e.line());
        assertTrue(e.getMessage().contains("subset 'sub' lists 'size'"), e.getMessage());
    }

    @Test
    void checkNamingAnUnknownConst() {
        MalformedSpecException e = malformed(GOOD.replace("        type: u32\n",
                "        type: u32\n        checks:\n          max: big-number\n"));
        assertEquals("attribute-sets[0].attributes[0].checks.max", e.key(), e.getMessage());
        assertEquals(18, e.line(), e.getMessage());
    }

    @Test
    void notYamlAtAll() {
        MalformedSpecException e = malformed(GOOD.replace("  list:\n", "  list: [\n"));
        assertTrue(e.line() > 0, e.getMessage());
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
    }

    @Test
    void wrongKindOfValue() {
        MalformedSpecException e = malformed(GOOD.replace("entries: [ red, green ]", "entries: red"));
        assertEquals(9, e.line());
        assertEquals("definitions[0].entries", e.key());
        assertTrue(e.getMessage().contains("expected a list"), e.getMessage());
    }

    @Test
    void netlinkRawNeedsItsProtocolNumberAndGenericNetlinkHasNone() {
        MalformedSpecException e = malformed(GOOD.replace("protocol: genetlink", "protocol: netlink-raw"));
        assertEquals("protonum", e.key());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        e = malformed(GOOD.replace("protocol: genetlink", "protocol: genetlink\nprotonum: 0"));
        assertEquals("protonum", e.key());
        assertTrue(e.getMessage().contains("only a netlink-raw spec"), e.getMessage());
        e = malformed(GOOD.replace("protocol: genetlink", "protocol: netlink-raw\nprotonum: 32"));
        assertTrue(e.getMessage().contains("0..31"), e.getMessage());
    }

    private static YnlSpec load(String text) throws IOException {
        return SpecLoader.load(Path.of("demo.yaml"), new StringReader(text));
    }

    private static MalformedSpecException malformed(String text) {
        return assertThrows(MalformedSpecException.class, () -> load(text));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static Path resource(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "ynl-test"));
        Path file = dir.resolve(name);
        try (var in = SpecLoaderTest.class.getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    @SuppressWarnings("unused")
    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
