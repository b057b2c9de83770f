package org.vnetnl.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The spec-driven client, {@link YnlClient}, on the operations the kernel's C and Python YNL libraries are
 * measured on: request from named values, reply decoded into named values, per operation.
 *
 * <ul>
 *   <li>{@code nlctrl-getfamily}: getfamily do of "nlctrl";</li>
 *   <li>{@code netdev-dev-get-dump}: dev-get dump, every device of the namespace;</li>
 *   <li>{@code ethtool-channels-get}: channels-get do of {@code -Dvnet.benchDevice} (a device with channels, e.g.
 *       a veth).</li>
 * </ul>
 * Specs, namespace and device as {@link Payloads#specs()}, {@link Payloads#netns()} and {@link Payloads#device()}.
 */
public class YnlClientBenchmark extends RoundTripBenchmark {

    @Param({"nlctrl-getfamily", "netdev-dev-get-dump", "ethtool-channels-get"})
    public String operation;

    private YnlClient client;
    private Map<String, Object> request;

    @Setup(Level.Trial)
    public void open() throws IOException, NetlinkException {
        Path specs = Payloads.specs();
        String family = switch (operation) {
            case "nlctrl-getfamily" -> "nlctrl";
            case "netdev-dev-get-dump" -> "netdev";
            default -> "ethtool";
        };
        String netns = Payloads.netns();
        var spec = SpecLoader.load(specs.resolve(family + ".yaml"));
        client = netns == null ? YnlClient.open(spec) : YnlClient.openInNamespace(spec, netns);
        request = switch (operation) {
            case "nlctrl-getfamily" -> Map.of("family-name", "nlctrl");
            case "netdev-dev-get-dump" -> Map.of();
            default -> Map.of("header", Map.of("dev-name", Payloads.device()));
        };
        // Fails the trial at once, with the kernel's reason, when the device or family is missing.
        roundTrip();
    }

    @TearDown(Level.Trial)
    public void close() {
        client.close();
    }

    @Benchmark
    public Object roundTrip() throws NetlinkException {
        return switch (operation) {
            case "nlctrl-getfamily" -> client.call("getfamily", request).get("family-id");
            case "netdev-dev-get-dump" -> {
                List<Map<String, Object>> devices = client.dump("dev-get", request);
                yield devices.size();
            }
            default -> client.call("channels-get", request).get("combined-count");
        };
    }
}
