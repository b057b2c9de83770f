package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.Errno;

/**
 * ECHO batches against the real module: every entry's outcome the same as a single {@code echo} of it, two
 * system calls per batch (strace), nothing allocated per batch.
 */
@Tag(ModuleSupport.TAG)
class EchoBatchModuleTest {

    private VnetClient client;

    @BeforeEach
    void open() throws NetlinkException {
        client = VnetClient.open();
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** A single echo's outcome, as text: the reply's fields or the error. */
    private String single(String message, long value, boolean flag) {
        try {
            return describe(client.echo(message, value, flag));
        } catch (NetlinkException e) {
            return e.errnoName() + " " + e.attributeName().orElse("");
        }
    }

    private static String describe(EchoReply reply) {
        return reply.message() + "/" + reply.value() + "/" + reply.flag();
    }

    @Test
    void eachEntryGetsWhatASingleEchoGets() throws NetlinkException {
        String tooLong = "x".repeat(VnetClient.MAX_MESSAGE_LENGTH + 1);
        List<Object[]> asked = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String message = i == 5 || i == 17 ? tooLong : i % 3 == 0 ? "" : "entry " + i + " \u00e9\u4e2d";
            asked.add(new Object[] {message, i == 7 ? 0xFFFF_FFFFL : (long) i * 1000, i % 2 == 0});
        }
        EchoBatch batch = client.newEchoBatch(asked.size());
        for (int round = 0; round < 3; round++) {
            for (Object[] entry : asked) {
                batch.add((String) entry[0], (Long) entry[1], (Boolean) entry[2]);
            }
            batch.execute();
            assertEquals(2, batch.failures());
            NetlinkException rejected = batch.error(5);
            assertNotNull(rejected);
            assertEquals(Errno.EINVAL, rejected.errno(), rejected.getMessage());
            assertTrue(rejected.extAckMessage().isPresent(), rejected.getMessage());
            assertEquals("VNET_NL_ATTR_MSG", rejected.attributeName().orElseThrow(), rejected.getMessage());
            assertEquals(org.vnetnl.internal.vnet.EchoRequest.OPERATION, rejected.operation());
            List<String> batched = new ArrayList<>();
            for (int i = 0; i < asked.size(); i++) {
                NetlinkException error = batch.error(i);
                batched.add(error == null ? describe(batch.reply(i))
                        : error.errnoName() + " " + error.attributeName().orElse(""));
            }
            List<String> singles = new ArrayList<>();
            for (Object[] entry : asked) {
                singles.add(single((String) entry[0], (Long) entry[1], (Boolean) entry[2]));
            }
            // The singles are calls on the client: the batch's outcomes were read before them.
            assertEquals(singles, batched, "round " + round);
        }
    }

    @Test
    void repliesAreValidUntilTheBatchsNextRound() throws NetlinkException {
        EchoBatch batch = client.newEchoBatch(2);
        batch.add("a", 1, true).add("b", 2, false);
        batch.execute();
        EchoReply first = batch.reply(0);
        assertEquals(2, batch.reply(1).value());
        client.echo("single", 3, true);   // received into the thread's own buffer, not the batch's
        assertEquals(1, first.value(), "a batch's replies stay in its own memory");
        assertEquals(2, batch.reply(1).value());
        batch.add("c", 4, true);
        assertThrows(IllegalStateException.class, () -> batch.reply(0), "no outcomes in a round not executed");
        batch.execute();
        EchoReply view = batch.reply(0, new EchoReply());
        assertEquals(4, batch.reply(0).value());
        assertThrows(IllegalStateException.class, first::value, "a reply of the round before, never this round's");
        assertEquals(4, view.value());
    }

    @Test
    void aBatchIsOneSendtoAndOneRecvmmsg() throws Exception {
        assumeTrue(ModuleSupport.onPath("strace"), "strace is not installed (kernel-module/vm/install-deps installs it)");
        int batches = 200;
        // Two runs that differ only in the number of batches: start-up and family resolution cancel out.
        Map<String, Long> one = ModuleSupport.socketCalls(probe("count", "1"));
        Map<String, Long> many = ModuleSupport.socketCalls(probe("count", Integer.toString(1 + batches)));
        assertEquals(batches, many.getOrDefault("sendto", 0L) - one.getOrDefault("sendto", 0L),
                "sendto per " + batches + " batches: " + one + " / " + many);
        assertEquals(batches, many.getOrDefault("recvmmsg", 0L) - one.getOrDefault("recvmmsg", 0L),
                "recvmmsg per " + batches + " batches: " + one + " / " + many);
        one.remove("sendto");
        one.remove("recvmmsg");
        many.remove("sendto");
        many.remove("recvmmsg");
        assertEquals(one, many, "other socket calls");
    }

    @Test
    void aBatchAllocatesNothing() throws Exception {
        List<String> command = probe("allocation");
        // The full compiler even where the test JVM runs without it (the VM): its escape analysis is what keeps
        // the FFM calls free of allocation, as in applications.
        command.add(1, "-XX:TieredStopAtLevel=4");
        ModuleSupport.Result result = ModuleSupport.execute(command);
        assertEquals(0, result.status(), result.output());
        List<String> lines = result.output().strip().lines().toList();
        long allocated = Long.parseLong(lines.get(lines.size() - 1).strip());
        // A 16-byte object per batch would be 80 KB.
        assertTrue(allocated < 16 * 1024, EchoBatchProbe.MEASURED + " batches of " + EchoBatchProbe.SIZE
                + " allocated " + allocated + " bytes");
    }

    private static List<String> probe(String... arguments) throws Exception {
        String launcher = ProcessHandle.current().info().command().orElseThrow();
        String classPath = ModuleSupport.libraryPath() + File.pathSeparator
                + Path.of(EchoBatchProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(launcher, "--enable-native-access=ALL-UNNAMED", "-cp",
                classPath, EchoBatchProbe.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }
}
