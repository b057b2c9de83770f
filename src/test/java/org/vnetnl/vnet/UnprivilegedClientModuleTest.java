package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The library in a process without privileges (user nobody, no capabilities at all): it can ECHO, read
 * statistics and listen to events, and every state-changing command fails with EPERM, said so in the exception,
 * and changes nothing.
 */
@Tag(ModuleSupport.TAG)
class UnprivilegedClientModuleTest {

    private static final String VNET0 = VnetClient.DEFAULT_IFNAME;

    @Test
    void withoutCapabilitiesReadingWorksAndEveryChangeIsEperm() throws Exception {
        ModuleSupport.assumeRoot("switching to user nobody");
        try (VnetClient root = VnetClient.open()) {
            root.setLink(VNET0, true);
            DeviceStats before = root.stats(VNET0);

            ModuleSupport.Result probe = ModuleSupport.execute(asNobody(UnprivilegedProbe.class, VNET0));

            System.out.print(probe.output());
            List<String> lines = probe.output().lines().toList();
            assertEquals(0, probe.status(), probe.output());
            for (String allowed : List.of("ECHO", "GET_STATS", "GET_STATS dump", "events")) {
                assertTrue(lines.contains("OK " + allowed), allowed + " must work: " + probe.output());
            }
            for (String refused : List.of("SET_LINK down", "SET_LINK up", "RESET_STATS")) {
                String line = lines.stream().filter(l -> l.startsWith("EPERM " + refused + ": ")).findFirst()
                        .orElseThrow(() -> new AssertionError(refused + " must fail with EPERM: " + probe.output()));
                // The exception names the errno, its meaning and the operation.
                assertTrue(line.contains("EPERM") && line.contains("Operation not permitted")
                        && line.contains(refused.split(" ")[0]), line);
            }
            assertEquals("DONE", lines.getLast());

            // Nothing changed: still up, counters not reset.
            DeviceStats after = root.stats(VNET0);
            assertTrue(after.up(), "the refused SET_LINK down took effect");
            assertTrue(after.txPackets() >= before.txPackets() && after.rxPackets() >= before.rxPackets(),
                    "counters went back: " + before + " -> " + after);
        }
    }

    /** A JVM running {@code main} as user nobody, without capabilities, on this test's class path. */
    private static List<String> asNobody(Class<?> main, String... arguments) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = ModuleSupport.libraryPath() + File.pathSeparator + location(main);
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
                // No performance data file: nobody has no home for it, and it is not needed.
                java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
