package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.ScriptedSocket.ack;
import static org.vnetnl.genl.ScriptedSocket.datagram;
import static org.vnetnl.genl.ScriptedSocket.genl;
import static org.vnetnl.genl.ScriptedSocket.sequencesOf;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.Errno;

/**
 * How {@link GenlBatch} matches datagrams to its entries, without a kernel: a {@link ScriptedSocket} answers the
 * batch's one datagram with replies, errors, acknowledgements, stale replies, notifications, gaps and overruns,
 * and the test checks each entry's outcome and the system calls the connection made.
 */
class BatchSeamTest extends ScriptedConnectionFixture {

    private static final int FAMILY = 0x30;
    private static final int GROUP = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final int REPLY_SIZE = 4096;

    private GenlBatch batch;

    BatchSeamTest() {
        super("seam", FAMILY);
    }

    @BeforeEach
    void makeBatch() {
        batch = connection.newBatch(8, REPLY_SIZE);
    }

    /** Adds {@code count} requests, command i+1 for entry i, and answers the batch's datagram with {@code script}. */
    private void fill(int count, int flags, Consumer<List<Integer>> script) {
        socket.answering(request -> script.accept(sequencesOf(request)));
        for (int i = 0; i < count; i++) {
            batch.add(family, i + 1, flags, "seam " + (i + 1), null).putU32(1, i);
        }
    }

    /** A reply for {@code sequence} whose command says which entry it answers. */
    private static ScriptedSocket.Datagram reply(int sequence, int command) {
        return datagram(0, genl(FAMILY, 0, sequence, command, 0));
    }

    @Test
    void oneSendOneReceiveAndEachEntryWithItsOwnOutcome() throws NetlinkException {
        fill(4, 0, sequences -> {
            socket.queue(reply(sequences.get(0), 1));
            socket.queue(datagram(0, ack(sequences.get(1), -Errno.ENOENT)));
            socket.queue(reply(sequences.get(2), 3));
            socket.queue(reply(sequences.get(3), 4));
        });
        batch.execute(TIMEOUT);
        assertEquals(1, socket.sent().size(), "the requests went out in one datagram");
        assertEquals(4, sequencesOf(socket.sent().get(0)).size());
        assertEquals(1, socket.sendCalls);
        assertEquals(1, socket.receiveCalls, "every reply read in one receive");
        assertEquals(1, batch.reply(0).command());
        NetlinkException absent = assertThrows(NetlinkException.class, () -> batch.reply(1));
        assertEquals(Errno.ENOENT, absent.errno());
        assertEquals("seam 2", absent.operation());
        assertEquals(3, batch.reply(2).command());
        assertEquals(4, batch.reply(3).command());
        assertEquals(1, batch.failures());
    }

    @Test
    void repliesSpreadOverSeveralReceivesAndAcknowledgementsMakeEntriesComplete() throws NetlinkException {
        fill(8, NetlinkFlags.ACK, sequences -> {
            for (int i = 0; i < 8; i++) {
                if (i % 2 == 0) {
                    socket.queue(reply(sequences.get(i), i + 1)); // a reply, then its acknowledgement
                }
                socket.queue(datagram(0, ack(sequences.get(i), 0)));
                if (i == 3) {
                    socket.queueGap(); // the rest is queued only once the connection has waited
                }
            }
        });
        batch.execute(TIMEOUT);
        for (int i = 0; i < 8; i++) {
            if (i % 2 == 0) {
                assertEquals(i + 1, batch.reply(i).command(), "entry " + i);
            } else {
                assertNull(batch.reply(i), "entry " + i + " was only acknowledged");
            }
        }
        assertTrue(socket.receiveCalls >= 2, "after the gap the connection read again: " + socket.receiveCalls);
    }

    @Test
    void staleRepliesAreDiscardedAndNotificationsKept() throws NetlinkException {
        fill(2, 0, sequences -> {
            socket.queue(reply(sequences.get(0) - 5, 9));                          // from a request given up on
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 21, 0)));
            socket.queue(reply(sequences.get(0), 1));
            socket.queue(new ScriptedSocket.Datagram(reply(sequences.get(1), 9).bytes(), 77, 0)); // not the kernel
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 22, 0)));
            socket.queue(reply(sequences.get(1), 2));
        });
        batch.execute(TIMEOUT);
        assertEquals(1, batch.reply(0).command());
        assertEquals(2, batch.reply(1).command());
        assertEquals(2, connection.staleMessagesDiscarded());
        assertEquals(2, connection.pendingNotifications());
        assertEquals(21, connection.pollNotification().command());
        assertEquals(22, connection.pollNotification().command());
        AttributeReader first = batch.reply(0).attributes();
        fill(1, 0, sequences -> socket.queue(reply(sequences.get(0), 3)));
        batch.execute(TIMEOUT);
        assertThrows(IllegalStateException.class, first::next, "the batch received again");
    }

    @Test
    void anOverrunFailsTheEntriesWhoseRepliesWereDroppedAndNothingElse() throws NetlinkException {
        fill(4, 0, sequences -> {
            socket.queue(reply(sequences.get(0), 1));
            socket.queueOverrun(); // the replies to entries 1 and 2 were dropped
            socket.queue(reply(sequences.get(3), 4));
        });
        batch.execute(Duration.ofSeconds(30));
        assertEquals(1, batch.reply(0).command());
        assertEquals(4, batch.reply(3).command());
        for (int i = 1; i <= 2; i++) {
            assertEquals(Errno.ENOBUFS, batch.error(i).errno(), batch.error(i).getMessage());
            assertTrue(batch.error(i).getMessage().contains("socketReceiveBufferSize"), batch.error(i).getMessage());
        }
        assertEquals(2, batch.failures());
        assertNull(connection.pollNotification(), "no group joined: no notification was lost");
    }

    @Test
    void aTruncatedReplyFailsItsEntryWithEmsgsize() throws NetlinkException {
        fill(2, NetlinkFlags.ACK, sequences -> {
            socket.queue(datagram(0, genl(FAMILY, 0, sequences.get(0), 1, REPLY_SIZE)));
            socket.queue(datagram(0, ack(sequences.get(0), 0)));
            socket.queue(reply(sequences.get(1), 2));
            socket.queue(datagram(0, ack(sequences.get(1), 0)));
        });
        batch.execute(TIMEOUT);
        NetlinkException truncated = batch.error(0);
        assertEquals(Errno.EMSGSIZE, truncated.errno(), truncated.getMessage());
        assertTrue(truncated.getMessage().contains("replySize"), truncated.getMessage());
        assertEquals(2, batch.reply(1).command());
        assertEquals(0, connection.staleMessagesDiscarded(), "the acknowledgement behind it was its entry's");
    }

    @Test
    void anEntryWithoutAnswerTimesOutAloneAndItsLateReplyIsStaleNextRound() throws NetlinkException {
        AtomicReference<Integer> unanswered = new AtomicReference<>();
        fill(3, 0, sequences -> {
            socket.queue(reply(sequences.get(0), 1));
            socket.queue(reply(sequences.get(2), 3));
            unanswered.set(sequences.get(1));
        });
        batch.execute(Duration.ofMillis(50));
        assertEquals(1, batch.reply(0).command());
        assertInstanceOf(NetlinkTimeoutException.class, batch.error(1));
        assertEquals(3, batch.reply(2).command());

        fill(1, 0, sequences -> {
            socket.queue(reply(unanswered.get(), 2));
            socket.queue(reply(sequences.get(0), 1));
        });
        batch.execute(TIMEOUT);
        assertEquals(1, batch.reply(0).command());
        assertEquals(1, batch.size());
        assertEquals(1, connection.staleMessagesDiscarded());
    }

    @Test
    void closeFromAnotherThreadCancelsAWaitingBatch() throws Exception {
        fill(2, 0, sequences -> socket.queue(reply(sequences.get(0), 1)));
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            connection.close();
        });
        NetlinkCancelledException e = assertThrows(NetlinkCancelledException.class,
                () -> batch.execute(Duration.ofSeconds(30)));
        assertTrue(e.byClose());
        closer.join();
        assertTrue(socket.closed, "the socket was freed once execute returned");
        assertThrows(IllegalStateException.class, () -> batch.reply(0));
    }

    @Test
    void anInterruptCancelsAWaitingBatchAndTheBatchIsUsableAfterwards() throws NetlinkException {
        fill(1, 0, sequences -> { });
        Thread.currentThread().interrupt();
        NetlinkCancelledException e = assertThrows(NetlinkCancelledException.class, () -> batch.execute(TIMEOUT));
        assertTrue(Thread.interrupted(), "the interrupt status stays set");
        assertTrue(!e.byClose());
        assertThrows(IllegalStateException.class, () -> batch.reply(0), "no outcomes after a failed execute");
        fill(1, 0, sequences -> socket.queue(reply(sequences.get(0), 1)));
        batch.execute(TIMEOUT);
        assertEquals(1, batch.reply(0).command());
    }
}
