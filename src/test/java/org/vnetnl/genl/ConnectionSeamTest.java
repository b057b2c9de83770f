package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.ScriptedSocket.ack;
import static org.vnetnl.genl.ScriptedSocket.datagram;
import static org.vnetnl.genl.ScriptedSocket.done;
import static org.vnetnl.genl.ScriptedSocket.genl;
import static org.vnetnl.genl.ScriptedSocket.sequenceOf;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Request matching, dumps and the notification queue of {@link GenlConnection} without a kernel: the connection
 * runs on a {@link ScriptedSocket} that answers each request with datagrams the test writes.
 */
class ConnectionSeamTest extends ScriptedConnectionFixture {

    private static final int FAMILY = 0x30;
    private static final int GROUP = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    ConnectionSeamTest() {
        super("seam", FAMILY);
    }

    @Test
    void aLateReplyIsDiscardedAndNotificationsDuringARequestAreKeptInOrder() throws NetlinkException {
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            socket.queue(datagram(0, genl(FAMILY, 0, sequence - 1, 9, 0)));          // late reply to an older request
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 21, 0), genl(FAMILY, 0, 0, 22, 0)));
            socket.queue(datagram(0, genl(FAMILY, 0, sequence, 5, 8)));
        });
        connection.prepare(family, 4);
        GenlMessage reply = connection.transact(TIMEOUT);
        assertEquals(5, reply.command());
        assertEquals(1, connection.staleMessagesDiscarded());
        assertEquals(2, connection.pendingNotifications());
        assertEquals(21, connection.receiveNotification(TIMEOUT).command());
        assertEquals(22, connection.pollNotification().command());
        assertNull(connection.pollNotification());
    }

    /** A kernel message on an acknowledgement of success (tc's "quantum of class 10010 is big") is kept. */
    @Test
    void aWarningOnSuccessIsKeptUntilTheNextRequest() throws NetlinkException {
        socket.answering(request -> socket.queue(datagram(0, warningAck(sequenceOf(request), "quantum is big"))));
        connection.prepare(family, 4, NetlinkFlags.ACK, "seam SET", null);
        assertNull(connection.transact(TIMEOUT));
        assertEquals(java.util.Optional.of("quantum is big"), connection.warning());
        socket.answering(request -> socket.queue(datagram(0, ack(sequenceOf(request), 0))));
        connection.prepare(family, 4, NetlinkFlags.ACK, "seam SET", null);
        assertNull(connection.transact(TIMEOUT));
        assertEquals(java.util.Optional.empty(), connection.warning());
    }

    /** An acknowledgement of success that carries the kernel's message (NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG). */
    private static byte[] warningAck(int sequence, String text) {
        byte[] plain = ack(sequence, 0);
        int length = plain.length + NetlinkAlignment.nlaAlign(4 + text.length() + 1);
        MemorySegment message = MemorySegment.ofArray(new byte[length]);
        MemorySegment.copy(MemorySegment.ofArray(plain), 0, message, 0, plain.length);
        message.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, MessageHeader.FLAGS,
                (short) (LibNl.NLM_F_CAPPED() | LibNl.NLM_F_ACK_TLVS()));
        new AttributeWriter().wrap(message, plain.length, length - plain.length)
                .putString(LibNl.NLMSGERR_ATTR_MSG(), text);
        MessageHeader.setLength(message, 0, length);
        return message.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Test
    void aUnicastFromAnotherPortIsNotTakenForTheReply() throws NetlinkException {
        // The kernel socket refuses such datagrams (ForeignSenderTest); a socket that reports a sender other than
        // the kernel gets the connection's own check: right sequence, type and port, still discarded.
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            byte[] forged = genl(FAMILY, 0, sequence, 9, 0);
            socket.queue(new ScriptedSocket.Datagram(forged, 777, 0));
            socket.queue(datagram(0, genl(FAMILY, 0, sequence, 5, 0)));
        });
        connection.prepare(family, 4);
        assertEquals(5, connection.transact(TIMEOUT).command());
        assertEquals(1, connection.staleMessagesDiscarded());
    }

    @Test
    void anOverrunWhileAReplyIsAwaitedFailsAtOnceWhenNothingMoreIsQueued() throws NetlinkException {
        socket.answering(request -> socket.queueOverrun());
        connection.prepare(family, 4);
        long start = System.nanoTime();
        NetlinkException e = assertThrows(NetlinkException.class, () -> connection.transact(Duration.ofSeconds(30)));
        assertEquals(LibNl.ENOBUFS(), e.errno(), e.getMessage());
        // Before: it waited for the whole timeout, then reported a timeout.
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "failed without waiting out 30 s");
        assertNull(connection.pollNotification(), "no group joined: no notification was lost");
    }

    @Test
    void theAcknowledgementOfAReplyThatFillsTheReceiveBufferStillFits() throws NetlinkException {
        int capacity = connection.options().receiveBufferSize();
        int padding = capacity - MessageHeader.GENL_PAYLOAD - 4 - 200; // leaves 200 bytes, well under 1 KiB
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            socket.queue(datagram(0, genl(FAMILY, 0, sequence, 5, padding)));
            socket.queue(datagram(0, ack(sequence, 0)));
        });
        connection.prepare(family, 4, NetlinkFlags.ACK, "seam SET", null);
        // Before: EMSGSIZE "leaves no room for its acknowledgement", after the kernel had applied the change.
        GenlMessage reply = connection.transact(TIMEOUT);
        assertNotNull(reply);
        assertEquals(5, reply.command());
        assertTrue(reply.length() > capacity - 256, "the reply fills the buffer: " + reply.length());
    }

    @Test
    void aDumpAbandonedByItsHandlerIsReadToItsEndBeforeTheNextRequest() throws NetlinkException {
        List<Integer> sequences = new ArrayList<>();
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            sequences.add(sequence);
            boolean dump = (MemorySegment.ofArray(request).get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED,
                    MessageHeader.FLAGS) & LibNl.NLM_F_DUMP()) == LibNl.NLM_F_DUMP();
            if (dump) {
                // Two datagrams; the second one is only queued by the kernel once the first is read, here at once.
                socket.queue(datagram(0, genl(FAMILY, LibNl.NLM_F_MULTI(), sequence, 1, 0),
                        genl(FAMILY, LibNl.NLM_F_MULTI(), sequence, 1, 0)));
                socket.queue(datagram(0, genl(FAMILY, LibNl.NLM_F_MULTI(), sequence, 1, 0), done(sequence)));
            } else {
                socket.queue(datagram(0, genl(FAMILY, 0, sequence, 2, 0)));
            }
        });
        connection.prepareDump(family, 1);
        assertThrows(IllegalStateException.class, () -> connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> {
            throw new IllegalStateException("refused");
        }));
        connection.prepare(family, 2);
        assertEquals(2, connection.transact(TIMEOUT).command(), "the rest of the dump was read and dropped first");
        assertEquals(3, connection.staleMessagesDiscarded(), "the two remaining parts and the NLMSG_DONE");

        connection.prepareDump(family, 1);
        DumpResult result = connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> { });
        assertEquals(3, result.messages());
        assertEquals(3, sequences.size());
    }

    @Test
    void anInterruptedDumpIsSentAgainUnderANewSequenceNumber() throws NetlinkException {
        List<Integer> sequences = new ArrayList<>();
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            int flags = LibNl.NLM_F_MULTI() | (sequences.isEmpty() ? LibNl.NLM_F_DUMP_INTR() : 0);
            sequences.add(sequence);
            socket.queue(datagram(0, genl(FAMILY, flags, sequence, 1, 0), done(sequence)));
        });
        connection.prepareDump(family, 1);
        int[] restarts = {0};
        DumpResult result = connection.dump(TIMEOUT, DumpInterruptPolicy.retry(2), new DumpHandler() {
            @Override
            public void onMessage(GenlMessage part) {
            }

            @Override
            public void onRestart() {
                restarts[0]++;
            }
        });
        assertEquals(2, result.attempts());
        assertEquals(1, restarts[0]);
        assertEquals(2, sequences.size());
        assertTrue(sequences.get(1) != sequences.get(0), sequences.toString());
    }

    @Test
    void closeFreesTheSocketOnce() {
        connection.close();
        connection.close();
        assertTrue(socket.closed);
        assertThrows(IllegalStateException.class, () -> connection.prepare(family, 1));
    }
}
