package org.vnetnl.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vnetnl.bench.ffm.CHeaders;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;

/**
 * Throughput of CTRL_CMD_GETFAMILY("nlctrl") round trips when threads share one {@link GenlConnection}, against a
 * connection per thread (JMH's {@code -t N} sets the platform threads):
 *
 * <ul>
 *   <li>{@link #sharedConnection}: every JMH thread on the one connection of the trial.</li>
 *   <li>{@link #connectionPerThread}: each JMH thread on a connection of its own (what C does with a socket per
 *       thread, {@code bench/c/rt-threads}).</li>
 *   <li>{@link #virtualThreads}: one invocation starts {@link #VIRTUAL_THREADS} virtual threads on the one
 *       connection, each doing {@link #CALLS_PER_VIRTUAL_THREAD} round trips, and waits for all of them; its
 *       score is round trips per second (run it with {@code -t 1}).</li>
 *   <li>{@link #asyncWindow}: one thread sends {@link #ASYNC_WINDOW} requests with {@code transactAsync}, then
 *       waits for their futures; round trips per second, and with {@code -prof gc} the bytes allocated per async
 *       call (the future, the reply's copy, the timeout's task).</li>
 * </ul>
 *
 * Each reply's family id is checked, as in {@link GenlRoundTripBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SharedConnectionBenchmark {

    static final int VIRTUAL_THREADS = 1000;
    static final int CALLS_PER_VIRTUAL_THREAD = 10;
    /** The connection's default limit of calls in flight: a window this wide never waits to be sent. */
    static final int ASYNC_WINDOW = 32;

    private GenlConnection shared;
    private Family family;

    @Setup(Level.Trial)
    public void open() throws NetlinkException {
        shared = GenlConnection.open();
        family = shared.family(Payloads.NLCTRL_FAMILY);
    }

    @TearDown(Level.Trial)
    public void close() {
        shared.close();
    }

    /** A connection of the JMH thread's own. */
    @State(Scope.Thread)
    public static class OwnConnection {
        GenlConnection connection;
        Family family;

        @Setup(Level.Trial)
        public void open() throws NetlinkException {
            connection = GenlConnection.open();
            family = connection.family(Payloads.NLCTRL_FAMILY);
        }

        @TearDown(Level.Trial)
        public void close() {
            connection.close();
        }
    }

    @Benchmark
    public int sharedConnection() throws NetlinkException {
        return getFamily(shared, family);
    }

    @Benchmark
    public int connectionPerThread(OwnConnection own) throws NetlinkException {
        return getFamily(own.connection, own.family);
    }

    @Benchmark
    @OperationsPerInvocation(VIRTUAL_THREADS * CALLS_PER_VIRTUAL_THREAD)
    public void virtualThreads() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable calls = () -> {
            try {
                for (int i = 0; i < CALLS_PER_VIRTUAL_THREAD; i++) {
                    getFamily(shared, family);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        Thread[] threads = new Thread[VIRTUAL_THREADS];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofVirtual().start(calls);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a virtual thread's round trip failed", failure.get());
        }
    }

    @Benchmark
    @OperationsPerInvocation(ASYNC_WINDOW)
    public int asyncWindow() throws NetlinkException {
        @SuppressWarnings("unchecked")
        CompletableFuture<GenlMessage>[] futures = new CompletableFuture[ASYNC_WINDOW];
        for (int i = 0; i < ASYNC_WINDOW; i++) {
            shared.prepare(family, CHeaders.CTRL_CMD_GETFAMILY())
                    .putString(CHeaders.CTRL_ATTR_FAMILY_NAME(), Payloads.NLCTRL_FAMILY);
            futures[i] = shared.transactAsync(Payloads.TIMEOUT);
        }
        int id = 0;
        for (CompletableFuture<GenlMessage> future : futures) {
            id = familyId(future.join(), family);
        }
        return id;
    }

    static int getFamily(GenlConnection connection, Family family) throws NetlinkException {
        connection.prepare(family, CHeaders.CTRL_CMD_GETFAMILY())
                .putString(CHeaders.CTRL_ATTR_FAMILY_NAME(), Payloads.NLCTRL_FAMILY);
        return familyId(connection.transact(Payloads.TIMEOUT), family);
    }

    private static int familyId(GenlMessage reply, Family family) {
        AttributeReader attributes = reply.attributes();
        int id = attributes.seek(CHeaders.CTRL_ATTR_FAMILY_ID()) ? attributes.u16() : -1;
        if (id != family.id()) {
            throw new IllegalStateException("GETFAMILY returned family id " + id + ", expected " + family.id());
        }
        return id;
    }
}
