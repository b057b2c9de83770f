package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Stopping a blocked receive from another thread, virtual threads that wait on netlink, and connections nobody
 * closed: on the host kernel, with connections that receive nothing (no group joined), so every wait is real.
 */
class CancellationTest {

    /** Far longer than any test waits: a receive that ends did so because it was stopped. */
    private static final Duration LONG = Duration.ofSeconds(60);

    /** Runs a listener on {@code thread}, reporting its connection once it is open and what ended its wait. */
    private record Listener(CompletableFuture<GenlConnection> opened, CompletableFuture<Throwable> ended,
                            CompletableFuture<Boolean> interruptStatus) {
        static Listener start(Thread.Builder builder) {
            Listener listener = new Listener(new CompletableFuture<>(), new CompletableFuture<>(),
                    new CompletableFuture<>());
            builder.start(() -> {
                try (GenlConnection connection = GenlConnection.open()) {
                    LISTENERS.put(connection, Thread.currentThread());
                    listener.opened.complete(connection);
                    connection.receiveNotification(LONG);
                    listener.ended.complete(null);
                } catch (Throwable t) {
                    listener.opened.completeExceptionally(t);
                    listener.ended.complete(t);
                }
                listener.interruptStatus.complete(Thread.currentThread().isInterrupted());
            });
            return listener;
        }
    }

    /** Waits until {@code thread} is parked in its receive (WAITING or TIMED_WAITING). */
    private static void awaitParked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the receiver never parked: " + thread.getState());
            Thread.sleep(5);
        }
    }

    @Test
    void interruptEndsABlockedReceiveAndKeepsTheInterruptStatus() throws Exception {
        for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            Listener listener = Listener.start(builder);
            Thread owner = ownerOf(listener.opened.get(10, TimeUnit.SECONDS));
            awaitParked(owner);
            owner.interrupt();
            Throwable ended = listener.ended.get(10, TimeUnit.SECONDS);
            NetlinkCancelledException cancelled = assertInstanceOf(NetlinkCancelledException.class, ended);
            assertTrue(!cancelled.byClose());
            assertEquals(0, cancelled.errno());
            assertTrue(listener.interruptStatus.get(10, TimeUnit.SECONDS), "the interrupt status stays set");
        }
    }

    @Test
    void closeFromAnotherThreadStopsABlockedReceiveAndFreesTheConnection() throws Exception {
        for (Thread.Builder builder : List.of(Thread.ofPlatform(), Thread.ofVirtual())) {
            Listener listener = Listener.start(builder);
            GenlConnection connection = listener.opened.get(10, TimeUnit.SECONDS);
            awaitParked(ownerOf(connection));
            connection.close();                       // before: WrongThreadException
            assertTrue(connection.isClosed());
            NetlinkCancelledException cancelled = assertInstanceOf(NetlinkCancelledException.class,
                    listener.ended.get(10, TimeUnit.SECONDS));
            assertTrue(cancelled.byClose());
        }
    }

    /**
     * As many virtual threads as the scheduler has carriers, each blocked in a receive: an unrelated virtual task
     * must still run. Before, each blocked receive pinned its carrier (recvmsg in native code), and the task
     * waited for a receive timeout.
     */
    @Test
    void virtualThreadsWaitingOnNetlinkLeaveTheirCarriersFree() throws Exception {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        int receivers = carriers + 1;
        List<Listener> listeners = new ArrayList<>();
        List<GenlConnection> connections = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            Listener listener = Listener.start(Thread.ofVirtual());
            listeners.add(listener);
            connections.add(listener.opened.get(10, TimeUnit.SECONDS));
        }
        for (GenlConnection connection : connections) {
            awaitParked(ownerOf(connection));
        }
        long start = System.nanoTime();
        CountDownLatch ran = new CountDownLatch(1);
        Thread.ofVirtual().start(ran::countDown);
        // Far below the receivers' 60 s: if they held the carriers, the task could not run before then.
        assertTrue(ran.await(20, TimeUnit.SECONDS), "an unrelated virtual task could not run");
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        System.out.println("[carriers] " + receivers + " virtual receivers blocked on " + carriers
                + " carriers; an unrelated virtual task ran after " + micros + " us");
        for (int i = 0; i < receivers; i++) {
            assertTrue(!listeners.get(i).ended.isDone(), "receiver " + i + " still waits");
            connections.get(i).close();
            assertInstanceOf(NetlinkCancelledException.class, listeners.get(i).ended.get(10, TimeUnit.SECONDS));
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Threads that open a connection and die without closing it: the Cleaner releases them once unreachable. */
    @Test
    void connectionsWhoseOwnerDiedAreReleasedAfterGc() throws Exception {
        System.gc();
        long before = openDescriptors();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Thread thread = Thread.ofPlatform().start(() -> {
                try {
                    GenlConnection abandoned = GenlConnection.open();
                    abandoned.family("nlctrl");
                    abandoned.families(LONG);   // a dump: an extra socket, released with the connection
                } catch (NetlinkException e) {
                    throw new IllegalStateException(e);
                }
            });
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long leaked = openDescriptors() - before; // some may be released already, by a GC meanwhile
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long now;
        do {
            System.gc();
            Thread.sleep(50);
            now = openDescriptors();
        } while (now - before > 5 && System.nanoTime() < deadline);
        System.out.println("[cleaner] descriptors: " + before + " before, " + (before + leaked)
                + " with 200 abandoned connections, " + now + " after GC");
        assertTrue(now - before <= 5, "descriptors after GC: " + now + ", before: " + before);
    }

    /** The thread that listens on each connection a {@link Listener} opened. */
    private static final java.util.Map<GenlConnection, Thread> LISTENERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Thread ownerOf(GenlConnection connection) {
        return LISTENERS.get(connection);
    }
}
