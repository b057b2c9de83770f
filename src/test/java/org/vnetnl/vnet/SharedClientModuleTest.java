package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One client shared by threads against the module: ECHOs from several threads while another thread listens to
 * the events those ECHOs publish, on the same socket. Every thread gets its own reply, and the listener hears every
 * event, each thread's in the order it sent them.
 */
@Tag(ModuleSupport.TAG)
class SharedClientModuleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int THREADS = 4;
    private static final int ECHOES = 50;

    @Test
    void eventsArriveWhileRequestsRunOnTheSameClient() throws Exception {
        try (VnetClient client = VnetClient.open(VnetClient.Options.defaults().withTimeout(TIMEOUT))) {
            client.subscribe();
            CompletableFuture<List<Echo>> heard = CompletableFuture.supplyAsync(() -> {
                List<Echo> events = new ArrayList<>();
                try {
                    while (events.size() < THREADS * ECHOES) {
                        if (client.nextEvent(TIMEOUT) instanceof Echo echo) {
                            events.add(echo);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return events;
            }, Executors.newVirtualThreadPerTaskExecutor());
            try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
                List<Future<?>> senders = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    senders.add(threads.submit(() -> {
                        for (int i = 0; i < ECHOES; i++) {
                            long value = thread * 1_000L + i;
                            EchoReply reply = client.echo("thread " + thread, value, i % 2 == 0);
                            assertEquals(value, reply.value(), "a reply answered another thread's ECHO");
                            assertTrue(reply.messageEquals("thread " + thread));
                        }
                        return null;
                    }));
                }
                for (Future<?> sender : senders) {
                    sender.get(120, TimeUnit.SECONDS);
                }
            }
            List<Echo> events = heard.get(120, TimeUnit.SECONDS);
            Map<Integer, List<Long>> byThread = new HashMap<>();
            for (Echo event : events) {
                long value = event.value().orElseThrow();
                byThread.computeIfAbsent((int) (value / 1_000), k -> new ArrayList<>()).add(value % 1_000);
            }
            for (int t = 0; t < THREADS; t++) {
                List<Long> expected = new ArrayList<>();
                for (long i = 0; i < ECHOES; i++) {
                    expected.add(i);
                }
                assertEquals(expected, byThread.get(t), "thread " + t + "'s events, in the order it sent them");
            }
        }
    }
}
