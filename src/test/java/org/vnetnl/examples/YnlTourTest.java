package org.vnetnl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The README's "Any family from its spec" section, compiled and run against the host kernel with the kernel's own
 * specs (regions between {@code // tour:NAME} and {@code // end}, checked by ReadmeSnippetsTest).
 */
class YnlTourTest {

    @Test
    void tour() throws Exception {
        Path specs = KernelYnl.root().resolve("Documentation/netlink/specs");
        List<String> printed = new ArrayList<>();
        // tour:ynl-dump
        YnlSpec netdev = SpecLoader.load(specs.resolve("netdev.yaml"));
        try (YnlClient client = YnlClient.open(netdev)) {
            for (Map<String, Object> device : client.dump("dev-get", Map.of())) {
                printed.add(device.get("ifindex") + " " + device.get("xdp-features"));   // flags by name
            }
            Map<String, Object> lo = client.call("dev-get", Map.of("ifindex", 1));
            // end
            assertEquals(1L, lo.get("ifindex"));
            try {
                client.call("dev-get", Map.of("ifindex", 0));
            } catch (IllegalArgumentException e) {
                printed.add(e.getMessage());
            }
        }
        // tour:ynl-errors
        try (YnlClient ethtool = YnlClient.open(SpecLoader.load(specs.resolve("ethtool.yaml")))) {
            ethtool.call("channels-get", "{\"header\": {\"dev-name\": \"nosuch0\"}}");
        } catch (NetlinkException e) {
            printed.add(e.errnoName() + " " + e.extAckMessage().orElse("") + " at " + e.attributeName().orElse("?"));
        }
        // end
        assertTrue(printed.contains("ifindex: 0 is below the minimum 1 the spec allows"), printed.toString());
        assertTrue(printed.contains("ENODEV no device matches name at header.dev-name"), printed.toString());
        assertTrue(printed.stream().anyMatch(p -> p.startsWith("1 [")), printed.toString());
    }
}
