package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.ScriptedSocket.datagram;
import static org.vnetnl.genl.ScriptedSocket.genl;
import static org.vnetnl.genl.ScriptedSocket.sequenceOf;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.Errno;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.libnl.LibNl;

/**
 * One connection used by several threads at once, over a scripted socket: replies out of order, multicast in
 * between, overruns, late replies and a close while calls wait. Every reply must reach the thread whose request
 * it answers.
 */
class SharedConnectionSeamTest extends ScriptedConnectionFixture {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int FAMILY = 0x30;
    private static final int GROUP = 7;

    SharedConnectionSeamTest() {
        super("seam", FAMILY);
    }

    /** The command byte of a request as sent. */
    private static int commandOf(byte[] request) {
        return MemorySegment.ofArray(request).get(java.lang.foreign.ValueLayout.JAVA_BYTE,
                MessageHeader.GENL_COMMAND) & 0xFF;
    }

    @Test
    void repliesInReverseOrderReachTheThreadsThatAskedForThem() throws Exception {
        int threads = 4;
        List<byte[]> held = new ArrayList<>();
        // The replies come once every thread has sent, last request first.
        socket.answering(request -> {
            held.add(request);
            if (held.size() == threads) {
                for (int i = threads - 1; i >= 0; i--) {
                    byte[] r = held.get(i);
                    socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(r), commandOf(r) + 100, 0)));
                }
            }
        });
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int command = t + 1;
            CompletableFuture<Integer> answer = new CompletableFuture<>();
            answers.add(answer);
            Thread.ofPlatform().start(() -> {
                try {
                    connection.prepare(family, command);
                    answer.complete(connection.transact(TIMEOUT).command());
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            });
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(t + 101, answers.get(t).get(20, TimeUnit.SECONDS), "thread " + t + " got its own reply");
        }
        assertEquals(0, connection.staleMessagesDiscarded());
    }

    @Test
    void multicastBetweenRepliesIsKeptForTheListener() throws NetlinkException {
        assertEquals(0, connection.parts().exchange().joinGroup(GROUP));
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 21, 0)));
            socket.queue(datagram(0, genl(FAMILY, 0, sequence, 5, 0)));
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 22, 0)));
        });
        connection.prepare(family, 4);
        assertEquals(5, connection.transact(TIMEOUT).command());
        assertEquals(1, connection.pendingNotifications(), "the one read before the reply");
        assertEquals(21, connection.pollNotification().command());
        assertEquals(22, connection.pollNotification().command());
        assertNull(connection.pollNotification());
    }

    @Test
    void anOverrunFailsTheCallAndIsReportedOnceToListenersOfAGroup() throws NetlinkException {
        assertEquals(0, connection.parts().exchange().joinGroup(GROUP));
        socket.answering(request -> socket.queueOverrun());
        connection.prepare(family, 4);
        NetlinkException e = assertThrows(NetlinkException.class, () -> connection.transact(TIMEOUT));
        assertEquals(Errno.ENOBUFS, e.errno(), e.getMessage());
        assertThrows(NotificationOverrunException.class, connection::pollNotification);
        assertNull(connection.pollNotification(), "reported once");
        socket.answering(request -> socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), 5, 0))));
        connection.prepare(family, 4);
        assertEquals(5, connection.transact(TIMEOUT).command(), "the connection keeps working");
    }

    @Test
    void aLateReplyAfterATimeoutIsCountedStaleAndTheNextCallGetsItsOwn() throws NetlinkException {
        List<Integer> unanswered = new ArrayList<>();
        socket.answering(request -> unanswered.add(sequenceOf(request)));
        connection.prepare(family, 4);
        assertThrows(NetlinkTimeoutException.class, () -> connection.transact(Duration.ofMillis(50)));
        socket.answering(request -> {
            socket.queue(datagram(0, genl(FAMILY, 0, unanswered.get(0), 9, 0)));
            socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), 5, 0)));
        });
        connection.prepare(family, 4);
        assertEquals(5, connection.transact(TIMEOUT).command());
        assertEquals(1, connection.staleMessagesDiscarded());
    }

    @Test
    void closeDuringCallsEndsEveryOneAndTouchesNoInterruptStatus() throws Exception {
        socket.answering(request -> { });
        int threads = 3;
        CountDownLatch sent = new CountDownLatch(threads);
        List<CompletableFuture<Object[]>> outcomes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            CompletableFuture<Object[]> outcome = new CompletableFuture<>();
            outcomes.add(outcome);
            (t % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform()).start(() -> {
                Throwable failure = null;
                try {
                    connection.prepare(family, 4);
                    sent.countDown();
                    connection.transact(Duration.ofSeconds(60));
                } catch (Throwable e) {
                    failure = e;
                }
                outcome.complete(new Object[] {failure, Thread.currentThread().isInterrupted()});
            });
        }
        assertTrue(sent.await(10, TimeUnit.SECONDS));
        Thread.sleep(100);
        connection.close();
        for (CompletableFuture<Object[]> outcome : outcomes) {
            Object[] result = outcome.get(10, TimeUnit.SECONDS);
            NetlinkCancelledException cancelled = assertInstanceOf(NetlinkCancelledException.class, result[0]);
            assertTrue(cancelled.byClose());
            assertFalse((Boolean) result[1], "close never interrupts a thread");
        }
        assertTrue(socket.closed, "freed once every thread left its call");
    }

    @Test
    void aThreadWaitingForANotificationHoldsUpNoRequest() throws Exception {
        assertEquals(0, connection.parts().exchange().joinGroup(GROUP));
        CompletableFuture<Integer> heard = new CompletableFuture<>();
        Thread listener = Thread.ofPlatform().start(() -> {
            try {
                heard.complete(connection.receiveNotification(Duration.ofSeconds(30)).command());
            } catch (Throwable e) {
                heard.completeExceptionally(e);
            }
        });
        while (listener.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        socket.answering(request -> socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request),
                commandOf(request) + 1, 0))));
        for (int i = 0; i < 200; i++) {
            connection.prepare(family, i % 100);
            assertEquals(i % 100 + 1, connection.transact(TIMEOUT).command());
        }
        assertFalse(heard.isDone());
        socket.answering(request -> {
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 42, 0)));
            socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), 1, 0)));
        });
        connection.prepare(family, 0);
        assertEquals(1, connection.transact(TIMEOUT).command());
        assertEquals(42, heard.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aDumpOnOneThreadAndCallsOnAnotherInterleave() throws Exception {
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            boolean dump = (MemorySegment.ofArray(request).get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED,
                    MessageHeader.FLAGS) & LibNl.NLM_F_DUMP()) == LibNl.NLM_F_DUMP();
            if (dump) {
                for (int i = 0; i < 50; i++) {
                    socket.queue(datagram(0, genl(FAMILY, LibNl.NLM_F_MULTI(), sequence, 1, 0)));
                }
                socket.queue(datagram(0, ScriptedSocket.done(sequence)));
            } else {
                socket.queue(datagram(0, genl(FAMILY, 0, sequence, commandOf(request) + 1, 0)));
            }
        });
        CompletableFuture<DumpResult> dumped = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                connection.prepareDump(family, 1);
                dumped.complete(connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> Thread.yield()));
            } catch (Throwable e) {
                dumped.completeExceptionally(e);
            }
        });
        for (int i = 0; i < 100; i++) {
            connection.prepare(family, 3);
            assertEquals(4, connection.transact(TIMEOUT).command());
        }
        assertEquals(50, dumped.get(20, TimeUnit.SECONDS).messages());
        assertEquals(0, connection.staleMessagesDiscarded());
    }

    @Test
    void futuresCompleteWithTheirOwnRepliesInAnyOrder() throws Exception {
        List<byte[]> held = new ArrayList<>();
        socket.answering(request -> {
            held.add(request);
            if (held.size() == 3) {
                for (int i = 2; i >= 0; i--) {
                    byte[] r = held.get(i);
                    socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(r), commandOf(r) + 100, 0)));
                }
            }
        });
        List<CompletableFuture<GenlMessage>> futures = new ArrayList<>();
        for (int command = 1; command <= 3; command++) {
            connection.prepare(family, command);
            futures.add(connection.transactAsync(TIMEOUT));
        }
        for (int i = 0; i < 3; i++) {
            GenlMessage reply = futures.get(i).get(10, TimeUnit.SECONDS);
            assertEquals(i + 101, reply.command(), "future " + i + " got its own reply");
        }
        assertEquals(0, connection.staleMessagesDiscarded());
    }

    @Test
    void aCancelledFutureEndsItsCallAloneAndItsLateReplyIsStale() throws Exception {
        List<Integer> sequences = new ArrayList<>();
        socket.answering(request -> sequences.add(sequenceOf(request)));
        connection.prepare(family, 1);
        CompletableFuture<GenlMessage> cancelled = connection.transactAsync(TIMEOUT);
        connection.prepare(family, 2);
        CompletableFuture<GenlMessage> kept = connection.transactAsync(TIMEOUT);
        assertTrue(cancelled.cancel(true));
        socket.queue(datagram(0, genl(FAMILY, 0, sequences.get(0), 101, 0)));
        socket.queue(datagram(0, genl(FAMILY, 0, sequences.get(1), 102, 0)));
        assertEquals(102, kept.get(10, TimeUnit.SECONDS).command());
        assertEquals(1, connection.staleMessagesDiscarded(), "the cancelled call's reply");
    }

    @Test
    void aFutureTimesOutAloneAndCloseFailsTheRest() throws Exception {
        socket.answering(request -> { });
        connection.prepare(family, 1);
        CompletableFuture<GenlMessage> quick = connection.transactAsync(Duration.ofMillis(50));
        connection.prepare(family, 2);
        CompletableFuture<GenlMessage> slow = connection.transactAsync(Duration.ofSeconds(60));
        java.util.concurrent.ExecutionException timedOut = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> quick.get(10, TimeUnit.SECONDS));
        assertInstanceOf(NetlinkTimeoutException.class, timedOut.getCause());
        assertFalse(slow.isDone());
        connection.close();
        java.util.concurrent.ExecutionException closed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> slow.get(10, TimeUnit.SECONDS));
        assertTrue(assertInstanceOf(NetlinkCancelledException.class, closed.getCause()).byClose());
    }

    @Test
    void aThreadAloneMakesTwoSystemCallsPerRoundTrip() throws NetlinkException {
        socket.answering(request -> socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), 5, 0))));
        for (int i = 0; i < 10; i++) {
            connection.prepare(family, 4);
            assertEquals(5, connection.transact(TIMEOUT).command());
        }
        assertEquals(10, socket.sendCalls);
        assertEquals(10, socket.receiveCalls, "the caller read its own reply: no hand-off, no extra read");
    }
}
