package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three of the module's own shell checks ({@code kernel-module/tests/run-in-vm.sh}, which CI runs in the VM on each
 * supported kernel), run wherever the module tests run, so in the Vagrant machine too: pktgen must be refused the
 * sharing of one packet between transmissions (the device hands it to its receive path) and count a plain run
 * exactly; GET_STATS must return whole names while the device is renamed, and refuse a name mixed from the two it
 * is renamed between. Each check also requires a clean kernel
 * log. They need root (pktgen, renames, network configuration).
 */
@Tag(ModuleSupport.TAG)
class PktgenAndRenameModuleTest {

    private static final Path CHECKS = Path.of("kernel-module", "tests", "run-in-vm.sh").toAbsolutePath();

    /** Runs the named checks of run-in-vm.sh; every one must pass. */
    private static void runChecks(String... checks) {
        ModuleSupport.assumeRoot("pktgen, renaming devices");
        assertTrue(Files.isExecutable(CHECKS), CHECKS + " is missing");
        List<String> command = new ArrayList<>(List.of(CHECKS.toString()));
        command.addAll(List.of(checks));
        ModuleSupport.Result result = ModuleSupport.execute(command);
        System.out.print(result.output());
        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().lines().anyMatch(line -> line.matches("\\d+ passed, 0 failed")), result.output());
    }

    @Test
    void pktgenIsRefusedSkbSharingAndAPlainRunIsCountedExactly() {
        runChecks("pktgen");
    }

    @Test
    void getStatsDuringRenamesReturnsOnlyWholeNames() {
        runChecks("rename_vs_get_stats");
    }

    @Test
    void aNameMixedFromTwoRenamesIsAlwaysRefused() {
        runChecks("rename_vs_name_check");
    }
}
