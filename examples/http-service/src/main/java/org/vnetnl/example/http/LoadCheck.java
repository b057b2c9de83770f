package org.vnetnl.example.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Drives {@link LinkService} as its clients would: {@code COUNT} requests from as many virtual threads (at most 256
 * open at once), a third of them the whole link list and the rest one link each, while another thread takes link
 * {@code TOGGLED} down and up {@code TOGGLES} times with {@code ip}. Each answer is checked against the links the
 * namespace has; at the end the service must have seen every change of the toggled link and report it up.
 *
 * <p>Arguments: the service's port, the namespace, COUNT, TOGGLED, TOGGLES, then the names of the namespace's
 * links. Prints one line per finding; exits 1 if any answer was wrong.
 */
public final class LoadCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadCheck() {}

    public static void main(String[] args) throws Exception {
        URI base = URI.create("http://127.0.0.1:" + args[0]);
        String namespace = args[1];
        int count = Integer.parseInt(args[2]);
        String toggled = args[3];
        int toggles = Integer.parseInt(args[4]);
        Set<String> names = new TreeSet<>(List.of(args).subList(5, args.length));

        HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        Semaphore open = new Semaphore(256);
        AtomicInteger right = new AtomicInteger();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        Thread toggler = Thread.ofPlatform().start(() -> toggle(namespace, toggled, toggles, wrong));
        long start = System.nanoTime();
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                String name = i % 3 == 0 ? null : List.copyOf(names).get(i % names.size());
                requests.submit(() -> {
                    open.acquireUninterruptibly();
                    try {
                        String problem = check(http, base, name, names);
                        if (problem == null) {
                            right.incrementAndGet();
                        } else {
                            wrong.add(problem);
                        }
                    } finally {
                        open.release();
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        toggler.join();
        System.out.printf("requests: %d of %d answered correctly, %.0f per second%n", right.get(), count,
                count / seconds);
        wrong.stream().limit(5).forEach(w -> System.out.println("wrong: " + w));

        // A link the namespace does not have is the kernel's ENODEV, answered as 404.
        HttpResponse<String> absent = http.send(HttpRequest.newBuilder(base.resolve("/links/absent0")).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("absent link: HTTP " + absent.statusCode());

        // Every change of the toggled link was announced; the last one says it is up again.
        JsonNode events = null;
        for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline; Thread.sleep(100)) {
            events = get(http, base.resolve("/events"));
            if ("up".equals(events.path("state").path(toggled).asText()) && events.get("link-events").asLong() >= 2L * toggles) {
                break;
            }
        }
        System.out.println("events: " + events.get("link-events").asLong() + " link notifications, " + toggled
                + " last announced " + events.path("state").path(toggled).asText("nothing"));
        boolean eventsRight = "up".equals(events.path("state").path(toggled).asText())
                && events.get("link-events").asLong() >= 2L * toggles;
        System.exit(wrong.isEmpty() && right.get() == count && absent.statusCode() == 404 && eventsRight ? 0 : 1);
    }

    /** One request and its check; null if the answer was right. */
    private static String check(HttpClient http, URI base, String name, Set<String> names) {
        try {
            JsonNode body = get(http, base.resolve(name == null ? "/links" : "/links/" + name));
            if (name != null) {
                return name.equals(body.path("ifname").asText()) ? null : "/links/" + name + " answered " + body;
            }
            Set<String> listed = new TreeSet<>();
            body.forEach(link -> listed.add(link.path("ifname").asText()));
            return listed.equals(names) ? null : "/links listed " + listed + ", the namespace has " + names;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return (name == null ? "/links" : "/links/" + name) + ": " + e;
        }
    }

    private static JsonNode get(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static void toggle(String namespace, String link, int times, ConcurrentLinkedQueue<String> wrong) {
        try {
            for (int i = 0; i < times; i++) {
                for (String state : List.of("down", "up")) {
                    Process ip = new ProcessBuilder("ip", "-n", namespace, "link", "set", link, state).inheritIO().start();
                    if (ip.waitFor() != 0) {
                        wrong.add("ip link set " + link + " " + state + " failed");
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            wrong.add("toggling " + link + ": " + e);
        }
    }
}
