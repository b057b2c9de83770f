package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.ynl.client.Notification;
import org.vnetnl.ynl.client.YnlClient;

/**
 * One {@link YnlClient} shared by many threads on the host kernel: every reply must answer the request of the
 * thread that sent it (each asks for another family, and the reply names the family it describes), every dump
 * must be complete, and a thread waiting for a notification must hold up nobody.
 */
class SharedClientTest {

    private static Path specs;
    private static YnlClient nlctrl;
    /** The host's families, name to id, as one dump saw them. */
    private static Map<String, Integer> families;
    private static List<String> names;

    @BeforeAll
    static void open() throws Exception {
        specs = KernelYnl.root().resolve("Documentation/netlink/specs");
        nlctrl = YnlClient.open(SpecLoader.load(specs.resolve("nlctrl.yaml")));
        families = new TreeMap<>();
        try (GenlConnection connection = GenlConnection.open()) {
            for (Family family : connection.families(Duration.ofSeconds(5))) {
                families.put(family.name(), family.id());
            }
        }
        names = List.copyOf(families.keySet());
        assumeTrue(names.size() >= 3, "the host kernel has fewer than 3 generic netlink families: " + names);
    }

    @AfterAll
    static void close() {
        if (nlctrl != null) {
            nlctrl.close();
        }
    }

    /** Asks for family {@code name} and checks that the reply describes it. */
    private static void getFamily(String name) throws Exception {
        Map<String, Object> reply = nlctrl.call("getfamily", Map.of("family-name", name));
        assertEquals(name, reply.get("family-name"), "a reply answered another thread's request");
        assertEquals(families.get(name), ((Number) reply.get("family-id")).intValue());
    }

    private static void runAll(ExecutorService threads, int count, int calls) throws Exception {
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            int thread = t;
            futures.add(threads.submit(() -> {
                for (int i = 0; i < calls; i++) {
                    getFamily(names.get((thread + i) % names.size()));
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get(120, TimeUnit.SECONDS);
        }
        assertEquals(count * calls, done.get());
    }

    @Test
    void sixteenPlatformThreadsMakeFiveHundredCallsEach() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            runAll(threads, 16, 500);
        }
    }

    @Test
    void twoThousandVirtualThreadsMakeTenCallsEach() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            runAll(threads, 2_000, 10);
        }
    }

    @Test
    void eightThreadsMixingDumpsAndCallsSeeEveryDumpComplete() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean dumps = t % 2 == 0;
                int thread = t;
                futures.add(threads.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        if (dumps && i % 4 == 0) {
                            List<Map<String, Object>> all = nlctrl.dump("getfamily", Map.of());
                            Map<String, Integer> seen = new TreeMap<>();
                            for (Map<String, Object> part : all) {
                                seen.put((String) part.get("family-name"), ((Number) part.get("family-id")).intValue());
                            }
                            assertEquals(families, seen, "a dump lost or mixed up parts");
                        } else {
                            getFamily(names.get((thread + i) % names.size()));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void twoHundredCallsFinishWhileAnotherThreadWaitsForANotification() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a network namespace");
        String namespace = "vnetnl-shared-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", namespace);
        try (YnlClient netdev = YnlClient.openInNamespace(SpecLoader.load(specs.resolve("netdev.yaml")), namespace)) {
            netdev.subscribe("mgmt");
            CompletableFuture<Notification> heard = new CompletableFuture<>();
            Thread listener = Thread.ofPlatform().start(() -> {
                try {
                    heard.complete(netdev.nextNotification(Duration.ofSeconds(60)));
                } catch (Throwable e) {
                    heard.completeExceptionally(e);
                }
            });
            while (listener.getState() != Thread.State.TIMED_WAITING && listener.getState() != Thread.State.WAITING) {
                Thread.sleep(1);
            }
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Map<String, Object>>> calls = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    calls.add(threads.submit(() -> netdev.call("dev-get", Map.of("ifindex", 1))));
                }
                for (Future<Map<String, Object>> call : calls) {
                    assertEquals(1, ((Number) call.get(60, TimeUnit.SECONDS).get("ifindex")).intValue());
                }
            }
            assertFalse(heard.isDone(), "no notification yet: the listener still waits");
            run("ip", "-n", namespace, "link", "add", "nsa", "type", "veth", "peer", "name", "nsb");
            assertEquals("dev-add-ntf", heard.get(20, TimeUnit.SECONDS).name());
        } finally {
            run("ip", "netns", "delete", namespace);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor() == 0, String.join(" ", command) + ": " + output);
    }
}
