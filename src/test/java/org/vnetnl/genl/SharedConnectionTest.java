package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_ID;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_NAME;
import static org.vnetnl.genl.Nlctrl.CTRL_CMD_GETFAMILY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** One connection on the host kernel shared by futures and threads, and closed under them. */
class SharedConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aThousandFuturesEachGetTheirOwnReply() throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            List<Family> families = connection.families(TIMEOUT);
            Family nlctrl = connection.family("nlctrl");
            List<CompletableFuture<GenlMessage>> futures = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                connection.prepare(nlctrl, CTRL_CMD_GETFAMILY)
                        .putString(CTRL_ATTR_FAMILY_NAME, families.get(i % families.size()).name());
                futures.add(connection.transactAsync(TIMEOUT));
            }
            for (int i = 0; i < futures.size(); i++) {
                AttributeReader reply = futures.get(i).get(30, TimeUnit.SECONDS).attributes();
                assertTrue(reply.seek(CTRL_ATTR_FAMILY_ID));
                assertEquals(families.get(i % families.size()).id(), reply.u16(), "future " + i);
            }
            assertEquals(0, connection.staleMessagesDiscarded());
            // The connection's blocking path still works once the futures are done.
            connection.prepare(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            assertTrue(connection.transact(TIMEOUT).attributes().seek(CTRL_ATTR_FAMILY_ID));
        }
    }

    /** Before: a foreign close left the waiting thread's interrupt status set in about 1 to 7 of 400 races. */
    @Test
    void closeFromAnotherThreadNeverSetsAnInterruptStatus() throws Exception {
        for (int round = 0; round < 400; round++) {
            GenlConnection connection = GenlConnection.open();
            CompletableFuture<Object[]> ended = new CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                Throwable failure = null;
                try {
                    connection.receiveNotification(Duration.ofSeconds(30));
                } catch (Throwable e) {
                    failure = e;
                }
                ended.complete(new Object[] {failure, Thread.currentThread().isInterrupted()});
            });
            if (round % 2 == 0) {
                while (waiter.getState() == Thread.State.RUNNABLE || waiter.getState() == Thread.State.NEW) {
                    Thread.onSpinWait();
                }
            }
            connection.close();
            Object[] outcome = ended.get(10, TimeUnit.SECONDS);
            if (outcome[0] != null) {
                // Closed before it started to wait: refused as closed; or while waiting: cancelled by close.
                assertTrue(outcome[0] instanceof IllegalStateException
                        || assertInstanceOf(NetlinkCancelledException.class, outcome[0]).byClose(),
                        String.valueOf(outcome[0]));
            }
            assertFalse((Boolean) outcome[1], "round " + round + ": the waiter's interrupt status was set");
        }
    }

    /**
     * Four dumps whose handlers each wait, at their first part, until all four have a first part: possible only
     * when they run at once, on the connection's socket and three extra ones (the kernel runs one dump per socket).
     */
    @Test
    void dumpsRunInParallelOnExtraSocketsClosedWithTheConnection() throws Exception {
        long descriptorsBefore = openDescriptors();
        List<String> expected;
        GenlConnection connection = GenlConnection.open(ConnectionOptions.defaults().withDumpSockets(3));
        try {
            expected = connection.families(TIMEOUT).stream().map(Family::name).sorted().toList();
            java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(4);
            List<CompletableFuture<List<String>>> dumps = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                CompletableFuture<List<String>> dumped = new CompletableFuture<>();
                dumps.add(dumped);
                Thread.ofPlatform().start(() -> {
                    try {
                        List<String> names = new ArrayList<>();
                        Family nlctrl = connection.family("nlctrl");
                        connection.prepareDump(nlctrl, CTRL_CMD_GETFAMILY);
                        connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> {
                            if (names.isEmpty()) {
                                allStarted.countDown();
                                try {
                                    if (!allStarted.await(20, TimeUnit.SECONDS)) {
                                        throw new IllegalStateException("the dumps did not run at once");
                                    }
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                            names.add(Family.parse(part).name());
                        });
                        dumped.complete(names.stream().sorted().toList());
                    } catch (Throwable e) {
                        dumped.completeExceptionally(e);
                    }
                });
            }
            for (CompletableFuture<List<String>> dumped : dumps) {
                assertEquals(expected, dumped.get(60, TimeUnit.SECONDS), "every dump complete");
            }
            assertEquals(3, connection.parts().dumpSockets().opened());
        } finally {
            connection.close();
        }
        assertEquals(descriptorsBefore, openDescriptors(), "the extra sockets are closed with the connection");
    }

    /** The collected form of a dump: copies that stay valid, the same families as the streamed form. */
    @Test
    void aCollectedDumpHoldsCopiesOfEveryPart() throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            List<String> streamed = connection.families(TIMEOUT).stream().map(Family::name).sorted().toList();
            connection.prepareDump(connection.family("nlctrl"), CTRL_CMD_GETFAMILY);
            List<GenlMessage> parts = connection.dumpAll(TIMEOUT, DumpInterruptPolicy.retry(3));
            connection.prepare(connection.family("nlctrl"), CTRL_CMD_GETFAMILY)
                    .putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            connection.transact(TIMEOUT);                       // the thread's buffer is reused: copies stay
            assertEquals(streamed, parts.stream().map(part -> Family.parse(part).name()).sorted().toList());
        }
    }

    /** A virtual thread per request: the buffers of the threads that ended serve the next ones. */
    @Test
    void threadsThatEndedPassTheirBuffersOn() throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            for (int i = 0; i < 500; i++) {
                Thread request = Thread.ofVirtual().start(() -> {
                    try {
                        connection.prepare(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
                        assertTrue(connection.transact(TIMEOUT).attributes().seek(CTRL_ATTR_FAMILY_ID));
                    } catch (NetlinkException e) {
                        throw new IllegalStateException(e);
                    }
                });
                request.join();
            }
            // This thread's (from the lookup above) and one that 500 threads in turn used.
            assertEquals(2, connection.parts().callers().made());
        }
    }

    private static long openDescriptors() throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> fds = java.nio.file.Files.list(
                java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
