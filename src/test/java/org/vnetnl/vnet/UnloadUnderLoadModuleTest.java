package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The module unloaded while four threads echo as fast as they can: every call either answers or ends in a clean
 * {@link ModuleUnloadedException}, nothing hangs or crashes, the kernel logs no warning, and after the reload new
 * clients work. Ten times over.
 */
@Tag(ModuleSupport.TAG)
class UnloadUnderLoadModuleTest {

    private static final int THREADS = 4;
    private static final int REPETITIONS = Integer.getInteger("vnet.reliability.unloads", 10);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Kernel log lines that report a bug in the kernel or the module. */
    private static final Pattern KERNEL_PROBLEM = Pattern.compile(
            "WARNING:|BUG:|Oops|general protection|Call Trace:|KASAN|UBSAN|refcount_t:|lockup|blocked for more than");

    /** What one echoing thread saw: its successful echoes and how its last call ended. */
    private record Outcome(String thread, long echoes, Throwable end) {}

    @Test
    void echoingThreadsEndCleanlyWhenTheModuleIsUnloadedAndNewClientsWorkAfterReload() throws Exception {
        String ko = ModuleSupport.moduleFile();
        ModuleSupport.assumeRoot("unloading the module");
        int kernelLogStart = ModuleSupport.run("dmesg").split("\n").length;
        long totalEchoes = 0;

        for (int repetition = 1; repetition <= REPETITIONS; repetition++) {
            List<Outcome> outcomes = unloadUnderLoad(repetition, ko);
            for (Outcome outcome : outcomes) {
                String what = "repetition " + repetition + ", " + outcome.thread() + " after " + outcome.echoes()
                        + " echoes";
                ModuleUnloadedException end = assertInstanceOf(ModuleUnloadedException.class, outcome.end(),
                        () -> what + ": " + outcome.end());
                assertEquals("ENOENT", end.errnoName(), what);
                assertTrue(end.getMessage().contains("unloaded") || end.getMessage().contains("reloaded"),
                        what + ": " + end.getMessage());
                assertTrue(outcome.echoes() > 0, what);
                totalEchoes += outcome.echoes();
            }
            // After the reload, new clients on every thread work.
            runOnThreads("after reload " + repetition, (client, index) -> {
                assertEquals(index, client.echo("after reload", index, true).value());
                return 0;
            });
        }

        List<String> problems = ModuleSupport.run("dmesg").lines().skip(kernelLogStart)
                .filter(line -> KERNEL_PROBLEM.matcher(line).find()).toList();
        assertTrue(problems.isEmpty(), "kernel log: " + problems);
        System.out.printf("module unloaded %d times under %d echoing threads (%d echoes answered before the"
                + " unloads); every thread ended with ModuleUnloadedException%n", REPETITIONS, THREADS, totalEchoes);
    }

    /**
     * Starts the threads, lets each echo a while, unloads the module, collects how each thread ended, and loads
     * the module again.
     */
    private static List<Outcome> unloadUnderLoad(int repetition, String ko) throws Exception {
        CountDownLatch busy = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        Outcome[] outcomes = new Outcome[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            String name = "echo-" + repetition + "-" + t;
            threads.add(Thread.ofPlatform().name(name).start(() -> {
                AtomicLong echoes = new AtomicLong();
                Throwable end = null;
                try (VnetClient client = VnetClient.open(VnetClient.Options.defaults().withTimeout(TIMEOUT))) {
                    while (true) {
                        long value = echoes.get() & 0xFFFF_FFFFL;
                        if (client.echo("under load", value, true).value() != value) {
                            throw new AssertionError("wrong ECHO value");
                        }
                        if (echoes.incrementAndGet() == 20) {
                            busy.countDown();
                        }
                    }
                } catch (Throwable e) {
                    end = e;
                } finally {
                    if (echoes.get() < 20) {
                        busy.countDown();
                    }
                    outcomes[index] = new Outcome(name, echoes.get(), end);
                }
            }));
        }
        try {
            assertTrue(busy.await(2, TimeUnit.MINUTES), "the echoing threads did not get going");
            ModuleSupport.run("rmmod", "vnet_nl");
            for (Thread thread : threads) {
                thread.join(TimeUnit.MINUTES.toMillis(2));
                assertTrue(!thread.isAlive(), thread.getName() + " still runs after the unload: a call hangs");
            }
        } finally {
            for (Thread thread : threads) {
                thread.interrupt();
            }
            ModuleSupport.run("insmod", ko);
        }
        return List.of(outcomes);
    }

    @FunctionalInterface
    private interface ClientTask {
        long run(VnetClient client, int index) throws Exception;
    }

    /** Runs {@code task} with a new client on each of the threads, failing on the first error. */
    private static void runOnThreads(String what, ClientTask task) throws Exception {
        Throwable[] errors = new Throwable[THREADS];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            threads.add(Thread.ofPlatform().name(what + "-" + t).start(() -> {
                try (VnetClient client = VnetClient.open(VnetClient.Options.defaults().withTimeout(TIMEOUT))) {
                    task.run(client, index);
                } catch (Throwable e) {
                    errors[index] = e;
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        for (Throwable error : errors) {
            if (error != null) {
                throw new AssertionError(what + ": " + error, error);
            }
        }
    }
}
