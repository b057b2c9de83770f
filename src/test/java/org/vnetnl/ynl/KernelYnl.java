package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The kernel's own YNL (its specs, {@code tools/net/ynl/cli.py} and the Python library), the oracle of the spec
 * tests. Taken from Debian's {@code linux-source-6.12} package: installed when missing (as root), and the parts
 * this project uses extracted once by {@code kernel-module/linux-source} (into the folder pom.xml names, outside the build
 * folder, so reruns start at once), or read from the kernel tree given as {@code LINUX_SRC}. Tests that need it skip with the reason when it cannot be had (no root,
 * no apt).
 */
public final class KernelYnl {

    static final String PACKAGE = "linux-source-6.12";
    static final Path TARBALL = Path.of("/usr/src/linux-source-6.12.tar.xz");
    /** Debian's interpreter, which has python3-yaml; a python3 earlier on PATH may not. */
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private static Path root;

    private KernelYnl() {}

    /** The folder holding {@code Documentation/netlink} and {@code tools/net/ynl}. */
    public static synchronized Path root() throws IOException, InterruptedException {
        if (root != null) {
            return root;
        }
        if (!Files.isRegularFile(TARBALL) && System.getenv("LINUX_SRC") == null) {
            aptInstall(PACKAGE);
        }
        // The one extraction of the project (LINUX_SRC, or the package's parts once into the pom's vnet.ynlSource).
        Path script = Path.of("").toAbsolutePath().resolve("kernel-module/linux-source");
        Process p = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IOException(script + " exited " + p.exitValue());
        }
        if (run(List.of(PYTHON.toString(), "-c", "import yaml"), false) != 0) {
            aptInstall("python3-yaml");
        }
        root = Path.of(out);
        return root;
    }

    /** The kernel's spec of {@code family} (file name without .yaml). */
    public static Path spec(String family) throws IOException, InterruptedException {
        return root().resolve("Documentation/netlink/specs/" + family + ".yaml");
    }

    /** Every spec of the generic netlink protocols (not netlink-raw). */
    public static List<Path> genetlinkSpecs() throws IOException, InterruptedException {
        List<Path> specs = new ArrayList<>();
        try (Stream<Path> files = Files.list(root().resolve("Documentation/netlink/specs"))) {
            for (Path p : files.sorted().toList()) {
                if (p.toString().endsWith(".yaml")
                        && !Files.readString(p, StandardCharsets.UTF_8).contains("\nprotocol: netlink-raw")) {
                    specs.add(p);
                }
            }
        }
        return specs;
    }

    static Path cli() throws IOException, InterruptedException {
        return root().resolve("tools/net/ynl/cli.py");
    }

    private static void aptInstall(String pkg) throws IOException, InterruptedException {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/apt-get")),
                pkg + " is missing and cannot be installed here (needs root and apt-get): apt-get install " + pkg);
        List<String> install = List.of("apt-get", "-o", "DPkg::Lock::Timeout=900", "install", "-y",
                "--no-install-recommends", pkg);
        if (run(install, false) != 0) {
            run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=900", "update"));
            run(install);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        int status = run(command, true);
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited " + status);
        }
    }

    private static int run(List<String> command, boolean inheritOutput) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (inheritOutput) {
            pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return p.exitValue();
    }
}
