package org.vnetnl.vnet;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.GenlConnection;

/**
 * Runs the module tests (JUnit tag {@value ModuleSupport#TAG}) for {@code mvn verify}, in its integration-test
 * phase, wherever the vnet_nl module can be had:
 * <ol>
 * <li>the family is registered on this machine (a Vagrant box, a host with the module loaded): the tests run
 *     here, in one JUnit console launcher;</li>
 * <li>otherwise, on Linux with the VM runner's prerequisites: the same launcher runs inside the VM
 *     ({@code kernel-module/vm/run}), which builds and loads the module; one JVM for all tests, since JVM
 *     start-up is what is slow there;</li>
 * <li>otherwise the tests are skipped with one loud line saying why and how to run them, or, with
 *     {@code -Dvnet.requireModule=true}, the build fails.</li>
 * </ol>
 * The exit status is the launcher's (non-zero when a test failed), which fails the build.
 *
 * <p>Arguments: the project directory, the JUnit console launcher jar, the class path of the tests,
 * {@code requireModule} (true/false).
 */
public final class ModuleTestRun {

    private static final String HOW = "to run them: load the module on this machine (make -C kernel-module modules"
            + " && insmod kernel-module/vnet_nl.ko), or install the VM runner's packages"
            + " (kernel-module/vm/install-deps) so that mvn verify runs them in a VM;"
            + " -Dvnet.requireModule=true turns this skip into a failure";

    private ModuleTestRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ModuleTestRun PROJECT_DIR CONSOLE_LAUNCHER_JAR TEST_CLASS_PATH REQUIRE_MODULE");
            System.exit(2);
        }
        Path project = Path.of(args[0]);
        String launcherJar = args[1];
        String classPath = args[2];
        boolean requireModule = Boolean.parseBoolean(args[3]);
        String java = ProcessHandle.current().info().command().orElse("java");

        // The tests run on a copy of the compiled classes, in the VM runner's writable work folder: the guest
        // sees it at the same path, and a build started meanwhile in the same tree cannot change them mid-run.
        Path work = Path.of(System.getenv().getOrDefault("VNET_VM_WORK", project.resolve(".vm/work").toString()));
        Path snapshot = work.resolve("module-tests-" + ProcessHandle.current().pid());
        classPath = snapshot(classPath, snapshot);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(snapshot)));

        List<String> launcher = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-jar",
                launcherJar, "execute", "--disable-banner", "--disable-ansi-colors", "--details=tree",
                "--class-path", classPath, "--select-package", ModuleTestRun.class.getPackageName(),
                "--include-tag", ModuleSupport.TAG, "--fail-if-no-tests"));

        String notHere = familyMissingReason();
        if (notHere == null) {
            System.out.println("[INFO] vnet_nl module tests: the family is registered on this machine, running here");
            launcher.addAll(List.of("--reports-dir", project.resolve("target/module-test-reports").toString()));
            System.exit(run(launcher, project));
        }
        Path runner = project.resolve("kernel-module/vm/run");
        String noVm = vmMissingReason(runner);
        if (noVm == null) {
            System.out.println("[INFO] vnet_nl module tests: " + notHere + "; running them in the VM ("
                    + project.relativize(runner) + ")");
            List<String> inVm = new ArrayList<>(List.of(runner.toString(), "--timeout", "1500"));
            inVm.addAll(launcher);
            long started = System.nanoTime();
            int status = run(inVm, project);
            System.out.printf("[INFO] vnet_nl module tests in the VM: exit status %d after %.0f s%n", status,
                    (System.nanoTime() - started) / 1e9);
            System.exit(status);
        }
        String line = "vnet_nl MODULE TESTS NOT RUN: " + notHere + ", and the VM runner cannot run here (" + noVm
                + "); " + HOW;
        if (requireModule) {
            System.out.println("[ERROR] " + line);
            System.exit(1);
        }
        System.out.println("[WARNING] " + line);
    }

    /** Null when vnet_nl is registered here, otherwise why not. */
    private static String familyMissingReason() {
        try (GenlConnection connection = GenlConnection.open()) {
            connection.family(VnetClient.FAMILY_NAME);
            return null;
        } catch (FamilyNotFoundException e) {
            return "the " + VnetClient.FAMILY_NAME + " family is not registered on this machine";
        } catch (Exception | LinkageError e) {
            return "generic netlink is not usable here (" + e.getMessage() + ")";
        }
    }

    /** Null when the VM runner can work on this machine, otherwise what is missing. */
    private static String vmMissingReason(Path runner) throws IOException {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return "it needs Linux";
        }
        if (!Files.isExecutable(runner)) {
            return runner + " is missing";
        }
        if (!onPath("qemu-system-x86_64")) {
            return "qemu-system-x86_64 is not installed";
        }
        try (Stream<Path> kernels = Files.list(Path.of("/boot"))) {
            if (kernels.noneMatch(p -> p.getFileName().toString().startsWith("vmlinuz-"))) {
                return "no kernel image in /boot (linux-image-amd64)";
            }
        } catch (IOException e) {
            return "/boot is not readable";
        }
        try (Stream<Path> trees = Files.list(Path.of("/lib/modules"))) {
            if (trees.noneMatch(p -> Files.isDirectory(p.resolve("build")))) {
                return "no kernel headers in /lib/modules/*/build (linux-headers-amd64)";
            }
        } catch (IOException e) {
            return "/lib/modules is not readable";
        }
        return null;
    }

    /**
     * Copies each class path entry to {@code snapshot}; returns the class path of the copies. An entry
     * {@code dir/*} stands for the jars in {@code dir}, as on java's own class path.
     */
    private static String snapshot(String classPath, Path snapshot) throws IOException {
        List<String> copies = new ArrayList<>();
        int index = 0;
        for (Path source : entries(classPath)) {
            Path target = snapshot.resolve(index++ + "-" + source.getFileName());
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path copy = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(file, copy);
                    }
                }
            }
            copies.add(target.toString());
        }
        return String.join(File.pathSeparator, copies);
    }

    private static List<Path> entries(String classPath) throws IOException {
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.endsWith(File.separator + "*")) {
                try (Stream<Path> jars = Files.list(Path.of(entry.substring(0, entry.length() - 2)))) {
                    jars.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(entries::add);
                }
            } else {
                entries.add(Path.of(entry));
            }
        }
        return entries;
    }

    private static void delete(Path tree) {
        try (Stream<Path> files = Files.walk(tree)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            System.err.println("[WARNING] cannot remove " + tree + ": " + e.getMessage());
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int run(List<String> command, Path directory) throws IOException, InterruptedException {
        return new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start().waitFor();
    }
}
