package org.vnetnl.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.DumpResult;
import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecStruct;
import org.vnetnl.ynl.YnlSpec;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The Java side of {@code bench/routes-scale}: one operation per process, in network namespace NS, timed inside
 * the process; prints one line of JSON ({@code {"items": N, "seconds": S, "spec_seconds": L, ...}}): S from
 * opening the socket to the last item, L for loading the spec before it. The script times the whole
 * process and reads its peak RSS around it.
 *
 * <pre>
 *   RoutesScale ynl-dump  NS SPECS          rt_route getroute dump (IPv4) through YnlClient, every route decoded
 *   RoutesScale raw-dump  NS SPECS          the same dump on GenlConnection's raw path: each route's attributes walked
 *   RoutesScale link-dump NS SPECS          rt_link getlink dump through YnlClient, every link decoded
 *   RoutesScale add       NS SPECS N OIF    N /32 routes (10.0.0.1 on) on interface index OIF, YnlClient.callEach
 *   RoutesScale delete    NS SPECS N OIF    the same routes deleted with YnlClient.callEach
 *   RoutesScale raw-add    NS SPECS N OIF   the same routes written straight into GenlBatch.addRaw entries
 *   RoutesScale raw-delete NS SPECS N OIF   (1023 per round), numbers from the spec: the batching floor
 *   RoutesScale train     NS SPECS OIF      every mode once on 2,000 routes (the ahead-of-time cache's training run)
 * </pre>
 *
 * SPECS is the kernel's Documentation/netlink/specs folder; every message type, header size and attribute number
 * comes from its rt_route.yaml and rt_link.yaml.
 */
public final class RoutesScale {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Room for a round's acknowledgements (1023 of them) in the socket's receive buffer. */
    private static final int BATCH_SOCKET_BUFFER = 1 << 20;
    // rtnetlink's numbers that rt_route.yaml has no enum for (uapi linux/rtnetlink.h), as `ip route add` sends them.
    private static final int MAIN_TABLE = 254;    // RT_TABLE_MAIN
    private static final int PROTOCOL_BOOT = 3;   // RTPROT_BOOT
    private static final int SCOPE_LINK = 253;    // RT_SCOPE_LINK: no gateway
    private static final int AF_INET = 2;

    private RoutesScale() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RoutesScale ynl-dump|raw-dump|link-dump|add|delete|raw-add|raw-delete NS SPECS [N OIF]");
            System.exit(2);
        }
        String mode = args[0];
        String ns = args[1];
        Path specs = Path.of(args[2]);
        if (mode.equals("train")) {
            train(ns, specs, Integer.parseInt(args[3]));
            return;
        }
        long start = System.nanoTime();
        YnlSpec spec = SpecLoader.load(specs.resolve(mode.equals("link-dump") ? "rt_link.yaml" : "rt_route.yaml"));
        long loaded = System.nanoTime();
        long items = switch (mode) {
            case "ynl-dump" -> ynlDump(ns, spec);
            case "raw-dump" -> rawDump(ns, spec);
            case "link-dump" -> linkDump(ns, spec);
            case "add", "delete" -> change(mode, ns, spec, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "raw-add", "raw-delete" -> rawChange(mode.equals("raw-add"), ns, spec, Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            default -> {
                System.err.println("RoutesScale: unknown mode " + mode);
                System.exit(2);
                yield 0;
            }
        };
        long end = System.nanoTime();
        System.out.printf("{\"items\": %d, \"seconds\": %.4f, \"spec_seconds\": %.4f, \"max_heap_mb\": %.1f}%n",
                items, (end - loaded) / 1e9, (loaded - start) / 1e9, Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    /**
     * Every mode once on a small table, in one JVM: the run that records the classes for the JVM's ahead-of-time
     * cache (as bin/ynl makes its own), so that every measured process starts from the same cache.
     */
    private static void train(String ns, Path specs, int oif) throws java.io.IOException, NetlinkException {
        YnlSpec routes = SpecLoader.load(specs.resolve("rt_route.yaml"));
        int n = 2000;
        change("add", ns, routes, n, oif);
        ynlDump(ns, routes);
        rawDump(ns, routes);
        change("delete", ns, routes, n, oif);
        rawChange(true, ns, routes, n, oif);
        rawChange(false, ns, routes, n, oif);
        linkDump(ns, SpecLoader.load(specs.resolve("rt_link.yaml")));
        try {
            // The generated client's program, compiled beside this one by bench/routes-scale.
            Class.forName("org.vnetnl.bench.generated.RoutesScaleGenerated").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {ns});
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("RoutesScaleGenerated is not on the class path", e);
        }
    }

    /** Every route of every table, decoded into named values; counts them and reads each destination. */
    private static long ynlDump(String ns, YnlSpec spec) throws NetlinkException {
        long[] count = {0, 0};
        try (YnlClient client = YnlClient.openInNamespace(spec, ns).timeout(TIMEOUT)) {
            client.dump("getroute", Map.of("rtm-family", AF_INET), 0, new YnlClient.Parts() {
                @Override
                public void accept(Map<String, Object> route) {
                    count[0]++;
                    if (route.get("rta-dst") != null) {
                        count[1]++;
                    }
                }

                @Override
                public void onRestart() {
                    count[0] = 0;
                    count[1] = 0;
                }
            });
        }
        return count[0];
    }

    /** The same dump on the raw path: each route's attributes walked in place, its destination read. */
    private static long rawDump(String ns, YnlSpec spec) throws NetlinkException {
        SpecOperation getroute = spec.operation("getroute");
        int type = getroute.requestValue(getroute.doMode());
        int header = spec.structSize(getroute.fixedHeader());
        int dst = spec.attributeSet(getroute.attributeSet()).attribute("rta-dst").orElseThrow().value();
        long[] count = {0, 0};
        try (GenlConnection connection = GenlConnection.openRawInNamespace(ns, spec.protonum(),
                ConnectionOptions.defaults())) {
            AttributeWriter w = connection.prepareRaw(type, NetlinkFlags.DUMP, header, "rt_route getroute");
            // rtm_family, the first byte of rtmsg after the 16-byte netlink header.
            w.segment().set(ValueLayout.JAVA_BYTE, 16, (byte) AF_INET);
            int attributesAt = 16 + ((header + 3) & ~3);
            AttributeReader attributes = new AttributeReader();
            DumpResult result = connection.dump(TIMEOUT, DumpInterruptPolicy.retry(3), new org.vnetnl.genl.DumpHandler() {
                @Override
                public void onMessage(org.vnetnl.genl.GenlMessage route) {
                    count[0]++;
                    attributes.wrap(route.segment(), route.offset() + attributesAt, route.length() - attributesAt);
                    while (attributes.next()) {
                        if (attributes.type() == dst) {
                            count[1] += attributes.u32();
                        }
                    }
                }

                @Override
                public void onRestart() {
                    count[0] = 0;
                }
            });
            if (result.messages() != count[0]) {
                throw new IllegalStateException("delivered " + result.messages() + ", counted " + count[0]);
            }
        }
        return count[0];
    }

    private static long linkDump(String ns, YnlSpec spec) throws NetlinkException {
        long[] count = {0};
        try (YnlClient client = YnlClient.openInNamespace(spec, ns).timeout(TIMEOUT)) {
            client.dump("getlink", Map.of(), 0, new YnlClient.Parts() {
                @Override
                public void accept(Map<String, Object> link) {
                    if (link.get("ifname") != null) {
                        count[0]++;
                    }
                }

                @Override
                public void onRestart() {
                    count[0] = 0;
                }
            });
        }
        return count[0];
    }

    /** Adds or deletes {@code n} routes 10.0.0.1/32, 10.0.0.2/32, ... via {@code device} in rounds of 1023. */
    private static long change(String mode, String ns, YnlSpec spec, int n, int oif) throws NetlinkException {
        ConnectionOptions options = ConnectionOptions.defaults()
                .withSendBufferSize(64 * 1024).withSocketReceiveBufferSize(BATCH_SOCKET_BUFFER);
        try (GenlConnection connection = GenlConnection.openRawInNamespace(ns, spec.protonum(), options);
             YnlClient client = YnlClient.on(spec, connection).timeout(TIMEOUT)) {
            List<Map<String, Object>> routes = routes(n, oif);
            return mode.equals("add")
                    ? client.callEach("newroute", routes, NetlinkFlags.CREATE | NetlinkFlags.EXCL)
                    : client.callEach("delroute", routes, 0);
        }
    }

    /**
     * The routes of {@link #routes} written straight into a {@link GenlBatch}'s raw entries, 1023 per round (one
     * send), the fixed header and attribute numbers taken from the spec: what batching costs without the
     * name-driven encoder. Fails on the first refusal.
     */
    private static long rawChange(boolean add, String ns, YnlSpec spec, int n, int oif) throws NetlinkException {
        SpecOperation op = spec.operation(add ? "newroute" : "delroute");
        int type = op.requestValue(op.doMode());
        String rtmsg = op.fixedHeader();
        int header = spec.structSize(rtmsg);
        AttributeSet attributes = spec.attributeSet(op.attributeSet());
        int dst = attributes.attribute("rta-dst").orElseThrow().value();
        int oifType = attributes.attribute("rta-oif").orElseThrow().value();
        SpecEnum types = spec.enumeration("rtm-type");
        byte unicast = (byte) types.wireValue(types.entry("unicast").orElseThrow(), false);
        int family = offsetOf(spec, rtmsg, "rtm-family");
        int dstLen = offsetOf(spec, rtmsg, "rtm-dst-len");
        int table = offsetOf(spec, rtmsg, "rtm-table");
        int protocol = offsetOf(spec, rtmsg, "rtm-protocol");
        int scope = offsetOf(spec, rtmsg, "rtm-scope");
        int routeType = offsetOf(spec, rtmsg, "rtm-type");
        int flags = NetlinkFlags.ACK | (add ? NetlinkFlags.CREATE | NetlinkFlags.EXCL : 0);
        String name = add ? "rt_route newroute" : "rt_route delroute";
        ConnectionOptions options = ConnectionOptions.defaults()
                .withSendBufferSize(64 * 1024).withSocketReceiveBufferSize(BATCH_SOCKET_BUFFER);
        try (GenlConnection connection = GenlConnection.openRawInNamespace(ns, spec.protonum(), options);
             GenlBatch batch = connection.newBatch(GenlConnection.MAX_BATCH, GenlConnection.MIN_BATCH_REPLY_SIZE)) {
            for (int i = 0; i < n; ) {
                int round = Math.min(GenlConnection.MAX_BATCH, n - i);
                for (int k = 0; k < round; k++, i++) {
                    AttributeWriter w = batch.addRaw(type, flags, header, name);
                    MemorySegment s = w.segment();
                    long at = w.position() - ((header + 3) & ~3);
                    s.set(ValueLayout.JAVA_BYTE, at + family, (byte) AF_INET);
                    s.set(ValueLayout.JAVA_BYTE, at + dstLen, (byte) 32);
                    s.set(ValueLayout.JAVA_BYTE, at + table, (byte) MAIN_TABLE);
                    s.set(ValueLayout.JAVA_BYTE, at + protocol, (byte) PROTOCOL_BOOT);
                    s.set(ValueLayout.JAVA_BYTE, at + scope, (byte) SCOPE_LINK);
                    s.set(ValueLayout.JAVA_BYTE, at + routeType, unicast);
                    w.putU32Be(dst, (10 << 24) | ((i + 1) & 0xFF_FFFF));
                    w.putU32(oifType, oif);
                }
                batch.execute(TIMEOUT);
                if (batch.failures() > 0) {
                    for (int k = 0; k < round; k++) {
                        if (batch.error(k) != null) {
                            throw batch.error(k);
                        }
                    }
                }
            }
        }
        return n;
    }

    /** Where member {@code member} of struct {@code struct} starts, from the spec's member sizes. */
    private static int offsetOf(YnlSpec spec, String struct, String member) {
        int at = 0;
        for (SpecStruct.Member m : spec.struct(struct).members()) {
            if (m.name().equals(member)) {
                return at;
            }
            at += spec.memberSize(m);
        }
        throw new IllegalArgumentException("struct " + struct + " has no member " + member);
    }

    /** The routes as requests made on the fly (a list of a million maps is not held). */
    static List<Map<String, Object>> routes(int n, int oif) {
        return new AbstractList<>() {
            @Override
            public Map<String, Object> get(int i) {
                int host = i + 1;
                Map<String, Object> route = new LinkedHashMap<>();
                route.put("rtm-family", AF_INET);
                route.put("rtm-dst-len", 32);
                route.put("rtm-table", MAIN_TABLE);
                route.put("rtm-protocol", PROTOCOL_BOOT);
                route.put("rtm-scope", SCOPE_LINK);
                route.put("rtm-type", "unicast");
                route.put("rta-dst", "10." + ((host >> 16) & 255) + "." + ((host >> 8) & 255) + "." + (host & 255));
                route.put("rta-oif", oif);
                return route;
            }

            @Override
            public int size() {
                return n;
            }
        };
    }
}
