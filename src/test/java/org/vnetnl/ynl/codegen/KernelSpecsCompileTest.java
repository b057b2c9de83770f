package org.vnetnl.ynl.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * Every spec Linux 6.12 ships (generic netlink, genetlink-legacy with fixed headers, and the netlink-raw families:
 * rtnetlink's and nftables) generates, and the output compiles with the JDK's javac, warnings failing. A spec
 * the generator refuses fails here with the generator's message.
 */
class KernelSpecsCompileTest {

    /** The 19 specs of 6.12, by file name; the kernel tree must still hold every one. */
    private static final List<String> SPECS_OF_6_12 = List.of("devlink", "dpll", "ethtool", "fou", "handshake",
            "mptcp_pm", "netdev", "nfsd", "nftables", "nlctrl", "ovs_datapath", "ovs_flow", "ovs_vport", "rt_addr",
            "rt_link", "rt_route", "tc", "tcp_metrics", "team");

    static List<String> specs() throws Exception {
        List<String> present = KernelYnl.allSpecs().stream()
                .map(p -> p.getFileName().toString().replace(".yaml", "")).toList();
        assertTrue(present.containsAll(SPECS_OF_6_12), "the kernel tree lacks some of " + SPECS_OF_6_12 + ": " + present);
        return present;
    }

    @ParameterizedTest
    @MethodSource("specs")
    void generatesAndCompiles(String name, @TempDir Path dir) throws Exception {
        YnlSpec spec = SpecLoader.load(KernelYnl.spec(name));
        String javaPackage = "org.vnetnl.codegen.kernel." + name.replace('-', '_');
        List<Path> files = JavaGenerator.write(spec, javaPackage, dir.resolve("src"));
        assertTrue(files.size() > 3, name + ": " + files);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path library = Path.of(AttributeReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        // The JDK's javac with every lint warning an error (the test module does not read java.compiler).
        JavaGeneratorTest.compile(dir.resolve("src"), classes, library);
        try (Stream<Path> out = Files.walk(classes)) {
            assertTrue(out.anyMatch(p -> p.getFileName().toString().endsWith("Client.class")), name + ": no client");
        }
    }
}
