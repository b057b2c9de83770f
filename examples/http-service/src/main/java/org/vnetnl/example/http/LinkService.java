package org.vnetnl.example.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.client.Notification;
import org.vnetnl.ynl.client.YnlClient;

/**
 * An HTTP front to the links of one network namespace, in the design a service would choose: ONE rtnetlink client,
 * opened in the namespace, shared by a virtual thread per request and by an event thread that follows the
 * namespace's link changes on the same socket.
 *
 * <ul>
 *   <li>{@code GET /links}: every link (a getlink dump), as JSON;</li>
 *   <li>{@code GET /links/NAME}: one link by name (a getlink request), 404 if the kernel has none;</li>
 *   <li>{@code GET /events}: how many link notifications the event thread has read, and each link's last
 *       announced state.</li>
 * </ul>
 *
 * Arguments: the kernel's {@code rt_link.yaml}, the namespace, the port (0 for any). It prints
 * {@code listening: PORT} once it serves, and stops when its standard input closes.
 */
public final class LinkService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final YnlClient links;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread events;
    private final AtomicLong linkEvents = new AtomicLong();
    private final Map<String, String> announcedState = new ConcurrentHashMap<>();
    private volatile boolean closing;

    LinkService(Path spec, String namespace, int port) throws IOException, NetlinkException {
        links = YnlClient.openInNamespace(SpecLoader.load(spec), namespace);
        try {
            links.subscribe("rtnlgrp-link");
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        } catch (IOException | NetlinkException | RuntimeException e) {
            links.close();
            throw e;
        }
        server.setExecutor(handlers);
        server.createContext("/links", this::serveLinks);
        server.createContext("/events", exchange -> send(exchange, 200,
                Map.of("link-events", linkEvents.get(), "state", new TreeMap<>(announcedState))));
        events = Thread.ofPlatform().name("link-events").daemon().unstarted(this::followLinkEvents);
    }

    void start() {
        events.start();
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serveLinks(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/links".length()).replaceFirst("^/", "");
        try {
            if (name.isEmpty()) {
                List<Map<String, Object>> all = new ArrayList<>();
                for (Map<String, Object> link : links.dump("getlink", Map.of())) {
                    all.add(summary(link));
                }
                send(exchange, 200, all);
            } else {
                send(exchange, 200, summary(links.call("getlink", Map.of("ifname", name))));
            }
        } catch (NetlinkException e) {
            send(exchange, e.errnoName().equals("ENODEV") ? 404 : 502, Map.of("error", e.getMessage()));
        } catch (IllegalArgumentException e) { // refused by the spec before anything was sent (a bad name)
            send(exchange, 400, Map.of("error", e.getMessage()));
        }
    }

    private static Map<String, Object> summary(Map<String, Object> link) {
        return Map.of("ifindex", link.get("ifi-index"), "ifname", link.get("ifname"), "mtu", link.get("mtu"),
                "up", isUp(link));
    }

    private static boolean isUp(Map<String, Object> link) {
        return link.get("ifi-flags") instanceof List<?> flags && flags.contains("up");
    }

    /** The event thread: reads the link group's notifications from the socket the handlers send on. */
    private void followLinkEvents() {
        while (!closing) {
            Notification n;
            try {
                n = links.nextNotification(Duration.ofMillis(500));
            } catch (NetlinkTimeoutException e) {
                continue;
            } catch (NetlinkException | IllegalStateException e) {
                if (!closing) {
                    System.err.println("link events stopped: " + e.getMessage());
                }
                return;
            }
            if (n.msg().get("ifname") instanceof String ifname) {
                announcedState.put(ifname, isUp(n.msg()) ? "up" : "down");
                linkEvents.incrementAndGet();
            }
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing = true;
        server.stop(0);
        handlers.close();
        links.close();
        try {
            events.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LinkService RT_LINK_SPEC NAMESPACE PORT");
            System.exit(2);
        }
        try (LinkService service = new LinkService(Path.of(args[0]), args[1], Integer.parseInt(args[2]))) {
            service.start();
            System.out.println("listening: " + service.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the standard input closes
            }
        }
    }
}
