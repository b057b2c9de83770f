package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.libnl.LibNl;

/**
 * The facade against the kernel this machine runs: no module needed, the controller family {@code nlctrl}
 * and the families built into the kernel are always there.
 */
class GenlConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private GenlConnection connection;

    @BeforeEach
    void open() throws NetlinkException {
        connection = GenlConnection.open();
    }

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void resolvesTheControllerFamily() throws NetlinkException {
        Family nlctrl = connection.family("nlctrl");

        assertEquals(LibNl.GENL_ID_CTRL(), nlctrl.id());
        assertEquals(0x10, nlctrl.id());
        assertEquals("nlctrl", nlctrl.name());
        assertTrue(nlctrl.version() >= 1);
        Family.Operation getFamily = nlctrl.operation(LibNl.CTRL_CMD_GETFAMILY()).orElseThrow();
        assertTrue(getFamily.hasDoit());
        assertTrue(getFamily.hasDumpit());
        assertFalse(getFamily.requiresAdmin());
        assertTrue(nlctrl.multicastGroup("notify").isPresent(), nlctrl.toString());
        assertTrue(connection.family("nlctrl") == nlctrl, "resolved families are cached");
    }

    @Test
    void familyDumpMatchesGenlCtrlList() throws Exception {
        Map<Integer, String> expected = genlCtrlList();
        List<Family> families = connection.families(TIMEOUT);

        Map<Integer, String> actual = new TreeMap<>();
        for (Family family : families) {
            actual.put(family.id(), describe(family));
        }
        assertEquals(expected, actual);
        assertTrue(actual.size() >= 3, "a kernel registers several families: " + actual.keySet());
    }

    @Test
    void unknownFamilyIsADistinctException() {
        FamilyNotFoundException e = assertThrows(FamilyNotFoundException.class,
                () -> connection.family("no_such_family"));
        assertEquals("no_such_family", e.familyName());
        assertEquals(LibNl.ENOENT(), e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertTrue(e.getMessage().contains("no_such_family"), e.getMessage());
        assertTrue(e.sequence() != 0);
    }

    @Test
    void unknownCommandFailsWithEopnotsupp() throws NetlinkException {
        Family nlctrl = connection.family("nlctrl");
        connection.prepare(nlctrl, 0xEE);

        NetlinkException e = assertThrows(NetlinkException.class, () -> connection.transact(TIMEOUT));
        assertEquals(LibNl.EOPNOTSUPP(), e.errno());
        assertEquals("EOPNOTSUPP", e.errnoName());
        assertEquals("nlctrl command 238", e.operation());
        assertTrue(e.getMessage().startsWith("nlctrl command 238 failed: EOPNOTSUPP"), e.getMessage());
        assertTrue(e.sequence() != 0 && e.getMessage().endsWith("(seq " + Integer.toUnsignedString(e.sequence()) + ")"),
                e.getMessage());
        // The connection stays usable after an error.
        assertEquals(0x10, connection.family("nlctrl").id());
    }

    @Test
    void policyViolationCarriesTheKernelsExtendedAckAndNamesTheAttribute() throws NetlinkException {
        Family nlctrl = connection.family("nlctrl");
        AttributePolicy schema = AttributePolicy.builder()
                .string(LibNl.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME", LibNl.GENL_NAMSIZ() - 1)
                .build();
        AttributeWriter attrs = connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY(), 0, "GETFAMILY", schema);
        attrs.putU16(LibNl.CTRL_ATTR_FAMILY_ID(), nlctrl.id());
        // A name without its NUL terminator: the kernel's policy (NLA_NUL_STRING) rejects it.
        attrs.putU32(LibNl.CTRL_ATTR_FAMILY_NAME(), 0x41414141);

        NetlinkException e = assertThrows(NetlinkException.class, () -> connection.transact(TIMEOUT));
        assertEquals(LibNl.EINVAL(), e.errno());
        assertTrue(e.extAckMessage().isPresent(), "the kernel explains policy failures: " + e.getMessage());
        // Headers (16 + 4) then the 8-byte u16 attribute: the name attribute starts at byte 28.
        assertEquals(28, e.extAckOffset().orElseThrow(), e.getMessage());
        assertEquals(LibNl.CTRL_ATTR_FAMILY_NAME(), e.attributeType().orElseThrow());
        assertEquals("CTRL_ATTR_FAMILY_NAME", e.attributeName().orElseThrow());
        assertTrue(e.getMessage().contains("CTRL_ATTR_FAMILY_NAME"), e.getMessage());
        assertTrue(e.getMessage().contains(e.extAckMessage().get()), e.getMessage());
    }

    @Test
    void acknowledgedRequestReturnsTheReplyAndConsumesTheAck() throws NetlinkException {
        Family nlctrl = connection.family("nlctrl");
        connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY(), NetlinkFlags.ACK, null, null)
                .putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");

        GenlMessage reply = connection.transact(TIMEOUT);

        assertNotNull(reply);
        assertEquals(LibNl.CTRL_CMD_NEWFAMILY(), reply.command());
        AttributeReader attrs = reply.attributes();
        assertTrue(attrs.seek(LibNl.CTRL_ATTR_FAMILY_NAME()));
        assertTrue(attrs.stringEquals("nlctrl"));
        // Had the ACK been left in the socket, the next request would see it first.
        assertEquals(0x10, Family.parse(requestNlctrl()).id());
    }

    @Test
    void receiveWithNothingPendingTimesOutWithinItsDeadlineAndTheConnectionStillWorks() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        long start = System.nanoTime();
        NetlinkTimeoutException e = assertThrows(NetlinkTimeoutException.class,
                () -> connection.receiveNotification(timeout));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(elapsedMillis >= 300, "returned after " + elapsedMillis + " ms, before its deadline");
        assertTrue(elapsedMillis < 300 + 2_000, "returned " + elapsedMillis + " ms after a 300 ms deadline");
        assertEquals(LibNl.ETIMEDOUT(), e.errno());
        assertEquals(timeout, e.timeout());
        assertThrows(NetlinkTimeoutException.class, () -> connection.receiveNotification(Duration.ZERO));
        assertEquals(0x10, Family.parse(requestNlctrl()).id());
    }

    @Test
    void anotherThreadUsesTheSameConnection() throws Exception {
        CompletableFuture<Object> fromOtherThread = new CompletableFuture<>();
        Thread other = new Thread(() -> {
            try {
                connection.forgetFamily("nlctrl");
                fromOtherThread.complete(connection.family("nlctrl").id());
            } catch (Throwable t) {
                fromOtherThread.complete(t);
            }
        }, "other");
        other.start();
        assertEquals(0x10, fromOtherThread.get(), "before: WrongThreadException");
        assertEquals(0x10, connection.family("nlctrl").id(), "and from the thread that opened it");
    }

    @Test
    void closedConnectionRefusesCallsAndClosesIdempotently() {
        connection.close();
        connection.close();
        assertTrue(connection.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> connection.family("nlctrl"));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void requestWithoutPrepareIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> connection.transact(TIMEOUT));
        assertTrue(e.getMessage().contains("prepare"), e.getMessage());
    }

    @Test
    void manyOpenCloseCyclesLeakNoDescriptors() throws NetlinkException, IOException {
        long before = openDescriptors();
        for (int i = 0; i < 10_000; i++) {
            try (GenlConnection c = GenlConnection.open()) {
                if (i % 1000 == 0) {
                    assertEquals(0x10, c.family("nlctrl").id());
                }
            }
        }
        assertEquals(before, openDescriptors());
    }

    @Test
    void dumpStreamsEveryPartAndReportsCompletion() throws NetlinkException {
        Family nlctrl = connection.family("nlctrl");
        connection.prepareDump(nlctrl, LibNl.CTRL_CMD_GETFAMILY());
        List<String> names = new ArrayList<>();

        DumpResult result = connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL,
                message -> names.add(Family.parse(message).name()));

        assertEquals(names.size(), result.messages());
        assertEquals(1, result.attempts());
        assertFalse(result.interrupted());
        assertTrue(names.contains("nlctrl"), names.toString());
        assertEquals(0x10, Family.parse(requestNlctrl()).id(), "nothing of the dump is left in the socket");
    }

    private GenlMessage requestNlctrl() throws NetlinkException {
        connection.prepare(connection.family("nlctrl"), LibNl.CTRL_CMD_GETFAMILY())
                .putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
        return connection.transact(TIMEOUT);
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** One line per family, the same fields genl-ctrl-list -d prints. */
    private static String describe(Family family) {
        StringBuilder text = new StringBuilder(family.name()).append(" version ").append(family.version())
                .append(" hdrsize ").append(family.headerSize()).append(" maxattr ").append(family.maxAttribute());
        for (Family.Operation op : family.operations()) {
            text.append(" op 0x").append(Integer.toHexString(op.command())).append('<');
            List<String> caps = new ArrayList<>();
            if ((op.flags() & LibNl.GENL_ADMIN_PERM()) != 0) {
                caps.add("admin_perm");
            }
            if (op.hasDoit()) {
                caps.add("has_doit");
            }
            if (op.hasDumpit()) {
                caps.add("has_dump");
            }
            if (op.hasPolicy()) {
                caps.add("has_policy");
            }
            if ((op.flags() & LibNl.GENL_UNS_ADMIN_PERM()) != 0) {
                caps.add("uns_admin_perm");
            }
            text.append(String.join(",", caps)).append('>');
        }
        family.multicastGroups().forEach((name, id) -> text.append(" grp ").append(name).append(" 0x")
                .append(Integer.toHexString(id)));
        return text.toString();
    }

    /** Runs libnl's own tool (libnl-utils) and parses its detailed listing into the same form. */
    private static Map<Integer, String> genlCtrlList() throws IOException, InterruptedException,
            ExecutionException {
        Process process;
        try {
            process = new ProcessBuilder("genl-ctrl-list", "-d").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("genl-ctrl-list is needed for this test: apt-get install libnl-utils", e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        Pattern familyLine = Pattern.compile("^0x([0-9a-f]+) (\\S+) version (\\d+)$");
        Pattern sizes = Pattern.compile("^\\s+hdrsize (\\d+) maxattr (\\d+)$");
        Pattern op = Pattern.compile("^\\s+op \\S+ \\(0x([0-9a-f]+)\\) <([^>]*)>$");
        Pattern group = Pattern.compile("^\\s+grp (\\S+) \\(0x([0-9a-f]+)\\)$");
        Map<Integer, String> families = new TreeMap<>();
        Integer id = null;
        StringBuilder text = null;
        for (String line : output.split("\n")) {
            Matcher m;
            if ((m = familyLine.matcher(line)).matches()) {
                if (id != null) {
                    families.put(id, text.toString());
                }
                id = Integer.parseInt(m.group(1), 16);
                text = new StringBuilder(m.group(2)).append(" version ").append(m.group(3));
            } else if ((m = sizes.matcher(line)).matches()) {
                text.append(" hdrsize ").append(m.group(1)).append(" maxattr ").append(m.group(2));
            } else if ((m = op.matcher(line)).matches()) {
                // libnl 3.7 has no name for GENL_UNS_ADMIN_PERM and prints it as an empty item: "has_policy,>".
                String caps = m.group(2).endsWith(",") ? m.group(2) + "uns_admin_perm" : m.group(2);
                text.append(" op 0x").append(Integer.toHexString(Integer.parseInt(m.group(1), 16))).append('<')
                        .append(caps).append('>');
            } else if ((m = group.matcher(line)).matches()) {
                text.append(" grp ").append(m.group(1)).append(" 0x")
                        .append(Integer.toHexString(Integer.parseInt(m.group(2), 16)));
            } else if (!line.isBlank()) {
                throw new AssertionError("unexpected genl-ctrl-list line: " + line);
            }
        }
        if (id != null) {
            families.put(id, text.toString());
        }
        return families;
    }
}
