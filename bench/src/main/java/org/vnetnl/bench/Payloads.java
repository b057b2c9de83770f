package org.vnetnl.bench;

import java.nio.file.Path;
import java.time.Duration;

import org.vnetnl.bench.ffm.CHeaders;

/**
 * What every round-trip benchmark sends, the same as the C baselines (bench/c/roundtrip.h): change both
 * together. Each benchmark sends one request, receives its reply and reads one attribute of it: the family id
 * of a CTRL_CMD_GETFAMILY reply, the echoed VALUE of a vnet_nl ECHO reply, which changes with every request so
 * that a stale reply cannot pass for the right one.
 */
final class Payloads {

    /** Target names, as in {@code --target} of the C clients and in the report. */
    static final String NLCTRL = "nlctrl";
    static final String VNET = "vnet";
    static final String ETHTOOL = "ethtool";

    /** The family whose CTRL_CMD_GETFAMILY the nlctrl target asks for: the controller itself. */
    static final String NLCTRL_FAMILY = "nlctrl";
    /** CTRL_CMD_GETFAMILY is version 1 of the controller's protocol for the C clients; keep them equal. */
    static final int NLCTRL_VERSION = 1;

    static final String VNET_FAMILY = CHeaders.VNET_NL_FAMILY_NAME().getString(0);
    static final String ECHO_MESSAGE = "vnet-nl round trip";
    static final int ECHO_FLAG = 1;

    /** Far above any round trip; only a lost reply would reach it. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** The ethtool target's family, and its request: channels-get of one device, named in the request. */
    static final String ETHTOOL_FAMILY = "ethtool";
    static final String ETHTOOL_OPERATION = "channels-get";

    private Payloads() {}

    /** For the benchmarks that talk to nlctrl or vnet_nl (the ethtool target is the facade's alone). */
    static boolean isVnet(String target) {
        return switch (target) {
            case NLCTRL -> false;
            case VNET -> true;
            default -> throw new IllegalArgumentException("target must be " + NLCTRL + " or " + VNET + ", got "
                    + target);
        };
    }

    /**
     * The kernel's YNL specs, the source of the ethtool and YNL benchmarks' numbers: {@code -Dvnet.ynlSpecs}, which
     * bench/run sets to the specs of {@code kernel-module/linux-source}'s tree.
     */
    static Path specs() {
        String specs = System.getProperty("vnet.ynlSpecs");
        if (specs == null) {
            throw new IllegalStateException("-Dvnet.ynlSpecs=DIR (the kernel's Documentation/netlink/specs) is not"
                    + " set: run the benchmarks with bench/run");
        }
        return Path.of(specs);
    }

    /** {@code -Dvnet.benchNetns=NAME}: the network namespace (where the veth device is), or null for this one. */
    static String netns() {
        return System.getProperty("vnet.benchNetns");
    }

    /** {@code -Dvnet.benchDevice}: the device the ethtool requests name (default veth0, as bench/c/roundtrip.h). */
    static String device() {
        return System.getProperty("vnet.benchDevice", "veth0");
    }
}
