package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Misuse and faults on the host kernel ({@code nlctrl}, {@code ethtool}): each test names what once went wrong.
 */
class GenlConnectionMisuseTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private GenlConnection connection;
    private Family nlctrl;

    @BeforeEach
    void open() throws NetlinkException {
        connection = GenlConnection.open();
        nlctrl = connection.family("nlctrl");
    }

    @AfterEach
    void close() {
        connection.close();
    }

    /** The policy dump of every ethtool policy: hundreds of messages, several datagrams. */
    private void prepareLongDump() throws NetlinkException {
        Family ethtool = connection.family("ethtool");
        connection.prepare(nlctrl, LibNl.CTRL_CMD_GETPOLICY(), NetlinkFlags.DUMP, null, null)
                .putU16(LibNl.CTRL_ATTR_FAMILY_ID(), ethtool.id());
    }

    private static final class Refusal extends RuntimeException {
        Refusal() {
            super("the handler refuses");
        }
    }

    @Test
    void aDumpWhoseHandlerThrowsDoesNotBreakTheDumpsAfterIt() throws NetlinkException {
        // The kernel sizes dump parts by the reader's buffer: with 8 KiB the policy dump takes several datagrams.
        connection.close();
        connection = GenlConnection.open(ConnectionOptions.defaults().withReceiveBufferSize(8192));
        nlctrl = connection.family("nlctrl");
        prepareLongDump();
        int[] seen = {0};
        DumpResult whole = connection.dump(TIMEOUT, DumpInterruptPolicy.retry(3), part -> seen[0]++);
        assertTrue(whole.messages() >= 200, "a dump of several 8 KiB datagrams (200 messages on 6.12, more later): "
                + whole.messages() + " messages");

        for (int round = 0; round < 3; round++) {
            prepareLongDump();
            assertThrows(Refusal.class, () -> connection.dump(TIMEOUT, DumpInterruptPolicy.retry(3), part -> {
                throw new Refusal();
            }));
            // Before: EBUSY or ENOBUFS here, every time, as the kernel's first dump still ran.
            List<Family> families = connection.families(TIMEOUT);
            assertTrue(families.stream().anyMatch(f -> f.name().equals("nlctrl")), families.toString());
        }
        prepareLongDump();
        assertEquals(whole.messages(), connection.dump(TIMEOUT, DumpInterruptPolicy.retry(3), part -> { }).messages());
    }

    @Test
    void aRequestWithANestedAttributeLeftOpenIsNotSent() throws NetlinkException {
        AttributeWriter request = connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY());
        request.beginNested(LibNl.CTRL_ATTR_OPS());
        request.putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> connection.transact(TIMEOUT));
        assertTrue(e.getMessage().contains("nested attribute is still open"), e.getMessage());

        connection.prepareDump(nlctrl, LibNl.CTRL_CMD_GETFAMILY()).beginNested(LibNl.CTRL_ATTR_OPS());
        assertThrows(IllegalStateException.class,
                () -> connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> { }));
        assertEquals(0x10, connection.family("nlctrl").id());
    }

    @Test
    void theRequestWriterCannotBePointedAtOtherMemory() {
        AttributeWriter request = connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY());
        MemorySegment elsewhere = MemorySegment.ofArray(new byte[50_000]);
        assertThrows(IllegalStateException.class, () -> request.wrap(elsewhere, 0, 50_000));
        // Before: the writer followed, and send() sent 50,000 bytes out of an 84-byte buffer.
        assertTrue(request.remaining() < connection.options().sendBufferSize());
    }

    @Test
    void controllerQueriesLeaveAPreparedRequestAloneAndARequestIsSentOnce() throws NetlinkException {
        connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY()).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
        Family ethtool = connection.family("ethtool");           // not cached: asks the kernel
        connection.families(TIMEOUT);
        connection.controller().policy(ethtool, 1, TIMEOUT);
        GenlMessage reply = connection.transact(TIMEOUT);
        AttributeReader attributes = reply.attributes();
        assertTrue(attributes.seek(LibNl.CTRL_ATTR_FAMILY_NAME()));
        assertEquals("nlctrl", attributes.string(), "the reply answers the request prepared first");

        IllegalStateException again = assertThrows(IllegalStateException.class, () -> connection.transact(TIMEOUT));
        assertTrue(again.getMessage().contains("no request prepared"), again.getMessage());
    }

    @Test
    void aDumpHandlerCannotStartAnotherDump() throws NetlinkException {
        connection.prepareDump(nlctrl, LibNl.CTRL_CMD_GETFAMILY());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL,
                        part -> connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, inner -> { })));
        assertTrue(e.getMessage().contains("dump handler"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> {
            connection.prepareDump(nlctrl, LibNl.CTRL_CMD_GETFAMILY());
            connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> connection.transact(TIMEOUT));
        });
        assertFalse(connection.families(TIMEOUT).isEmpty(), "usable afterwards");
    }

    @Test
    void aReplyAlreadyQueuedIsReadWhateverTheTimeout() throws NetlinkException {
        for (Duration timeout : List.of(Duration.ZERO, Duration.ofNanos(1), Duration.ofMillis(1))) {
            connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY()).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
            GenlMessage reply = connection.transact(timeout);
            assertEquals(LibNl.CTRL_CMD_NEWFAMILY(), reply.command(), timeout.toString());
        }
    }

    @Test
    void aReplyAndItsAttributesFailOnceTheConnectionReceivedAgain() throws NetlinkException {
        connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY()).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
        GenlMessage reply = connection.transact(TIMEOUT);
        AttributeReader attributes = reply.attributes();
        assertTrue(attributes.next());
        connection.families(TIMEOUT);
        // Before: these read the last part of the family dump, silently.
        assertThrows(IllegalStateException.class, attributes::next);
        assertThrows(IllegalStateException.class, attributes::type);
        assertThrows(IllegalStateException.class, reply::command);
        connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY()).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
        GenlMessage copy = connection.transact(TIMEOUT).copy();
        connection.families(TIMEOUT);
        assertEquals(LibNl.CTRL_CMD_NEWFAMILY(), copy.command(), "a copy stays valid");
    }

    @Test
    void anEmptyPollReturnsNullWithoutAnException() throws NetlinkException {
        assertNull(connection.pollNotification());
        assertThrows(NetlinkTimeoutException.class, () -> connection.receiveNotification(Duration.ZERO));
    }

    @Test
    void libraryConditionsCarryNoInventedErrno() {
        DumpInterruptedException interrupted = new DumpInterruptedException("nlctrl dump", 3, 2);
        assertEquals(0, interrupted.errno());
        assertEquals("", interrupted.errnoName());
        assertTrue(interrupted.getMessage().startsWith("nlctrl dump failed: dump interrupted"),
                interrupted.getMessage());
    }

    /** SO_RCVBUF and SO_SNDBUF of our socket, as {@code ss} reports them (the kernel doubles what was set). */
    private static long[] socketBuffers(int portId) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-f", "netlink", "-a", "-m", "-n").redirectErrorStream(true).start();
        String output = new String(ss.getInputStream().readAllBytes());
        ss.waitFor();
        // iproute2 6.15 (Debian 13) prints no skmem for netlink sockets at all, netlink_diag loaded or not.
        assumeTrue(output.contains("skmem:"), "this ss shows no netlink socket memory (iproute2 6.15 does not)");
        Matcher line = Pattern.compile(":" + portId + "\\s.*?skmem:\\(([^)]*)\\)", Pattern.DOTALL).matcher(output);
        assertTrue(line.find(), "ss lists port " + portId + ":\n" + output);
        Matcher rb = Pattern.compile("rb(\\d+)").matcher(line.group(1));
        Matcher tb = Pattern.compile("tb(\\d+)").matcher(line.group(1));
        assertTrue(rb.find() && tb.find(), line.group(1));
        return new long[] {Long.parseLong(rb.group(1)), Long.parseLong(tb.group(1))};
    }

    @Test
    void theSocketKeepsTheSystemDefaultBuffersUnlessToldOtherwise() throws Exception {
        long rmemDefault = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_default")).get(0).trim());
        long wmemDefault = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core/wmem_default")).get(0).trim());
        long[] buffers = socketBuffers(connection.portId());
        // Before: libnl's 32 KiB for both, whatever the Options said.
        assertEquals(2 * rmemDefault, buffers[0], "SO_RCVBUF: the system default, doubled by the kernel");
        assertTrue(buffers[1] >= 2 * wmemDefault, "SO_SNDBUF " + buffers[1]);

        try (GenlConnection large = GenlConnection.open(ConnectionOptions.defaults()
                .withSendBufferSize(400_000).withSocketReceiveBufferSize(300_000))) {
            long[] set = socketBuffers(large.portId());
            assertEquals(600_000, set[0]);
            assertTrue(set[1] >= 800_000, "SO_SNDBUF " + set[1]);
            // A request beyond libnl's 64 KiB cap reaches the kernel, which answers it.
            AttributeWriter request = large.prepare(large.family("nlctrl"), LibNl.CTRL_CMD_GETFAMILY());
            request.putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
            for (int i = 0; i < 2; i++) {
                request.putBytes(LibNl.CTRL_ATTR_HDRSIZE() + 100, new byte[60_000]);
            }
            GenlMessage reply;
            try {
                reply = large.transact(TIMEOUT);
                assertNotNull(reply);
            } catch (NetlinkException e) {
                assertTrue(e.errno() != LibNl.EMSGSIZE() && !e.getMessage().contains("sendto"), e.getMessage());
            }
        }
    }

    @Test
    void openInNamespaceRejectsANulAndNamesAFileThatIsNoNetworkNamespace() {
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                () -> GenlConnection.openInNamespace("/proc/self/ns/net\0junk", ConnectionOptions.defaults()));
        assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
        NetlinkException notNet = assertThrows(NetlinkException.class,
                () -> GenlConnection.openInNamespace("/proc/self/ns/uts", ConnectionOptions.defaults()));
        assertEquals(LibNl.EINVAL(), notNet.errno());
        assertTrue(notNet.getMessage().contains("not a network namespace"), notNet.getMessage());
    }
}
