package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.vnet.tools.VnetEcho;

/**
 * What needs the machine rather than a connection: unloading the module under an open client, and the sample
 * application run as its own process (its output, and exactly two system calls per round trip under strace).
 */
@Tag(ModuleSupport.TAG)
class ModuleLifecycleModuleTest {

    @Test
    void unloadingTheModuleGivesACleanErrorAndANewClientWorksAfterReload() throws NetlinkException {
        String ko = ModuleSupport.moduleFile();
        ModuleSupport.assumeRoot("unloading the module");
        try (VnetClient before = VnetClient.open()) {
            assertEquals(1, before.echo("before", 1, true).value());
            ModuleSupport.run("rmmod", "vnet_nl");
            try {
                ModuleUnloadedException gone = assertThrows(ModuleUnloadedException.class,
                        () -> before.echo("after unload", 2, true));
                assertEquals("ENOENT", gone.errnoName());
                assertTrue(gone.getMessage().contains("unloaded"), gone.getMessage());
                assertThrows(FamilyNotFoundException.class, VnetClient::open);
            } finally {
                ModuleSupport.run("insmod", ko);
            }
            try (VnetClient after = VnetClient.open()) {
                assertEquals(3, after.echo("after reload", 3, false).value());
            }
            // The old client still fails cleanly, now telling that the module came back.
            ModuleUnloadedException reloaded = assertThrows(ModuleUnloadedException.class,
                    () -> before.echo("old client", 4, true));
            assertTrue(reloaded.getMessage().contains("reloaded"), reloaded.getMessage());
        }
    }

    /** The documented command: java --enable-native-access=org.vnetnl -p CLASSES:LIB -m org.vnetnl/...VnetEcho. */
    private static List<String> sampleApp(String... arguments) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=org.vnetnl", "-p",
                ModuleSupport.libraryPath(), "-m", "org.vnetnl/" + VnetEcho.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    @Test
    void theSampleAppPrintsTheReplyLikeTheCClient() throws Exception {
        ModuleSupport.Result result = ModuleSupport.execute(
                sampleApp("--msg", "hello", "--value", "42", "--flag", "1"));

        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().lines().anyMatch("ECHO msg=\"hello\" value=42 flag=1"::equals), result.output());

        ModuleSupport.Result rejected = ModuleSupport.execute(sampleApp("--flag", "2"));
        assertEquals(1, rejected.status(), rejected.output());
        assertTrue(rejected.output().contains("VNET_NL_ATTR_FLAG"), rejected.output());
    }

    @Test
    void aRoundTripIsExactlyOneSendAndOneReceive() throws Exception {
        assumeTrue(ModuleSupport.onPath("strace"), "strace is not installed (kernel-module/vm/install-deps installs it)");
        int echoes = 2_000;
        // Two runs that differ only in the number of echoes: everything else (start-up, family resolution, schema
        // check) cancels out of the difference.
        SyscallCounts one = countSyscalls(1);
        SyscallCounts many = countSyscalls(1 + echoes);

        assertEquals(echoes, many.sendto() - one.sendto(), "sendto per " + echoes + " echoes: " + one + " / " + many);
        // send(2) and recv(2) are the sendto and recvfrom system calls (without an address); a client that
        // joined no group reads without a message header.
        assertEquals(echoes, many.recvfrom() - one.recvfrom(),
                "recvfrom per " + echoes + " echoes: " + one + " / " + many);
        assertEquals(one.others(), many.others(), "other socket calls: " + one + " / " + many);
    }

    /** Calls counted by strace: sendto, recvfrom, and every other traced call by name. */
    private record SyscallCounts(long sendto, long recvfrom, java.util.Map<String, Long> others) {}

    private static SyscallCounts countSyscalls(int echoes) throws Exception {
        java.util.Map<String, Long> others = ModuleSupport.socketCalls(sampleApp("--msg", "counted", "--value", "1",
                "--flag", "0", "--count", Integer.toString(echoes)));
        long sendto = others.getOrDefault("sendto", 0L);
        long recvfrom = others.getOrDefault("recvfrom", 0L);
        others.remove("sendto");
        others.remove("recvfrom");
        return new SyscallCounts(sendto, recvfrom, others);
    }
}
