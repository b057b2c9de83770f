package org.vnetnl.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test makes for itself ({@code ip netns add}, loopback up) and deletes on close, with
 * iproute2 run inside it: the oracle the rtnetlink tests compare with. Tests that need one are skipped where they
 * are not root.
 */
public final class NetNamespace implements AutoCloseable {

    private final String name;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** Makes {@code vnetnl-PURPOSE-PID}; a namespace of that name left by a killed run is replaced. */
    public static NetNamespace create(String purpose) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")), "makes a network namespace: run as root");
        String name = "vnetnl-" + purpose + "-" + ProcessHandle.current().pid();
        run(List.of("ip", "netns", "del", name), false);
        sh("ip", "netns", "add", name);
        NetNamespace made = new NetNamespace(name);
        made.ip("link", "set", "lo", "up");
        return made;
    }

    public String name() {
        return name;
    }

    /** {@code ip -n NAME ARGS...}; its output, or an IOException with it if ip failed. */
    public String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command, true);
    }

    /** The index of device {@code device} in the namespace, as ip shows it. */
    public int ifindex(String device) throws IOException, InterruptedException {
        String line = ip("-o", "link", "show", device);
        return Integer.parseInt(line.substring(0, line.indexOf(':')).trim());
    }

    /** Runs a command (not in the namespace); its output, or an IOException with it if it failed. */
    public static String sh(String... command) throws IOException, InterruptedException {
        return run(List.of(command), true);
    }

    private static String run(List<String> command, boolean check) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 2 minutes");
        }
        if (check && p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        sh("ip", "netns", "del", name);
    }
}
