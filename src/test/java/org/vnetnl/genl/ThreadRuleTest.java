package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.ScriptedSocket.datagram;
import static org.vnetnl.genl.ScriptedSocket.genl;
import static org.vnetnl.genl.ScriptedSocket.sequenceOf;
import static org.vnetnl.genl.ScriptedSocket.sequencesOf;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The package's thread rule (see its documentation): a batch and the views handed out are used by one thread at a
 * time, and may pass from thread to thread through something that orders them; a view's validity is a matter of
 * time whichever thread reads it; the batch refuses, best effort, an {@code execute} or a {@code close} that
 * overlaps another thread's {@code execute}. On a {@link ScriptedSocket}.
 */
class ThreadRuleTest extends ScriptedConnectionFixture {

    private static final int FAMILY = 0x32;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    ThreadRuleTest() {
        super("threads", FAMILY);
    }

    /** Answers each request of a datagram with a reply whose command is its request's. */
    private void answerEach(byte[] request) {
        for (int sequence : sequencesOf(request)) {
            socket.queue(datagram(0, genl(FAMILY, 0, sequence, 20 + sequencesOf(request).indexOf(sequence), 0)));
        }
    }

    /** Runs {@code action} on a thread of its own and waits for it: what it did happens before what follows. */
    private static void onAnotherThread(ThrowingAction action) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread.ofPlatform().start(() -> {
            try {
                action.run();
            } catch (Exception e) {
                failure.set(e);
            }
        }).join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private interface ThrowingAction {
        void run() throws Exception;
    }

    @Test
    void aBatchPassesFromThreadToThreadOneAtATime() throws Exception {
        socket.answering(this::answerEach);
        try (GenlBatch batch = connection.newBatch(4)) {
            onAnotherThread(() -> batch.add(family, 1).putU32(1, 7));
            onAnotherThread(() -> batch.add(family, 1).putU32(1, 8));
            onAnotherThread(() -> batch.execute(TIMEOUT));
            assertEquals(20, batch.reply(0).command());
            assertEquals(21, batch.reply(1).command());
            GenlMessage kept = batch.reply(1);
            onAnotherThread(() -> assertEquals(21, kept.command(), "read by another thread after a hand-over"));
        }
    }

    @Test
    void aViewsValidityIsAMatterOfTimeWhicheverThreadReadsIt() throws Exception {
        socket.answering(request -> socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), 5, 0))));
        connection.prepare(family, 1);
        GenlMessage reply = connection.transact(TIMEOUT);
        onAnotherThread(() -> assertEquals(5, reply.command(), "handed over before its thread called again"));
        connection.prepare(family, 1);
        assertEquals(5, connection.transact(TIMEOUT).command());
        onAnotherThread(() -> assertThrows(IllegalStateException.class, reply::command));
    }

    @Test
    void anExecuteOrACloseOverlappingAnotherThreadsExecuteIsRefused() throws Exception {
        AtomicReference<byte[]> unanswered = new AtomicReference<>();
        socket.answering(unanswered::set);
        GenlBatch batch = connection.newBatch(4);
        batch.add(family, 1);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread executing = Thread.ofPlatform().start(() -> {
            try {
                batch.execute(TIMEOUT);
            } catch (Exception e) {
                failure.set(e);
            }
        });
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (unanswered.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(unanswered.get() != null, "the batch was sent");
        IllegalStateException second = assertThrows(IllegalStateException.class, () -> batch.execute(TIMEOUT));
        assertTrue(second.getMessage().contains("another thread"), second.getMessage());
        assertThrows(IllegalStateException.class, batch::close, "its memory is in use by the execute");
        answerEach(unanswered.get());
        executing.join();
        assertNull(failure.get());
        assertEquals(20, batch.reply(0).command());
        batch.close();
        assertThrows(IllegalStateException.class, () -> batch.reply(0), "closed");
    }
}
