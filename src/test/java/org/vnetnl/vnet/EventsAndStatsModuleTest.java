package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.internal.Errno;

/** Events and statistics against the real module. */
@Tag(ModuleSupport.TAG)
class EventsAndStatsModuleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String VNET0 = VnetClient.DEFAULT_IFNAME;

    private VnetClient client;

    @BeforeEach
    void open() throws NetlinkException {
        client = VnetClient.open(VnetClient.Options.defaults().withTimeout(TIMEOUT));
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static Echo echoOf(String message, long value, boolean flag) {
        return new Echo(Optional.of(message), OptionalLong.of(value), Optional.of(flag));
    }

    @Test
    void eventsFromAnotherClientArriveInOrder() throws Exception {
        client.subscribe();
        int count = 200;
        // The sender runs at most WINDOW events ahead of this reader, so that the socket's receive buffer never
        // overflows however slowly this side runs (an overrun is reported, and tested, elsewhere).
        int window = 25;
        AtomicInteger consumed = new AtomicInteger();
        CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
            try (VnetClient other = VnetClient.open()) {
                for (int i = 0; i < count; i++) {
                    long deadline = System.nanoTime() + TIMEOUT.toNanos();
                    while (i - consumed.get() >= window && System.nanoTime() < deadline) {
                        Thread.sleep(1); // not a spin: in the VM both threads may share one host CPU
                    }
                    other.echo("from another client", i, i % 3 == 0);
                }
            } catch (NetlinkException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < count; i++) {
            assertEquals(echoOf("from another client", i, i % 3 == 0), client.nextEvent(), "event " + i);
            consumed.incrementAndGet();
        }
        sender.get();
        assertThrows(NetlinkTimeoutException.class, () -> client.nextEvent(Duration.ofMillis(200)));
    }

    @Test
    void eventsThatArriveDuringAnEchoAreKeptInOrder() throws Exception {
        client.subscribe();
        try (VnetClient other = VnetClient.open()) {
            // Events published while this client waits for its own replies: the other client's, then its own.
            for (int i = 0; i < 50; i++) {
                other.echo("other", i, false);
                assertEquals(i, client.echo("own", i, true).value());
            }
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(echoOf("other", i, false), client.nextEvent(), "event " + (2 * i));
            assertEquals(echoOf("own", i, true), client.nextEvent(), "event " + (2 * i + 1));
        }
    }

    @Test
    void anEchoWithoutAttributesIsAnEventWithoutAttributes() throws NetlinkException {
        client.subscribe();
        client.prepareEcho().send();

        assertEquals(new Echo(Optional.empty(), OptionalLong.empty(), Optional.empty()), client.nextEvent());
    }

    @Test
    void linkChangesAreEvents() throws NetlinkException {
        ModuleSupport.assumeRoot("SET_LINK");
        DeviceStats device = client.stats(VNET0);
        client.setLink(VNET0, false);
        client.subscribe();

        client.setLink(VNET0, true);
        client.setLink(VNET0, false);

        assertEquals(new LinkEvent(device.ifindex(), VNET0, true), client.nextEvent());
        assertEquals(new LinkEvent(device.ifindex(), VNET0, false), client.nextEvent());
        assertEquals(false, client.stats(VNET0).up());
    }

    @Test
    void statsCountTheTrafficOnVnet0() throws Exception {
        ModuleSupport.assumeRoot("configuring vnet0");
        // No IPv6 on the device: its autoconfiguration traffic would add to the counters.
        ModuleSupport.run("sysctl", "-qw", "net.ipv6.conf." + VNET0 + ".disable_ipv6=1");
        ModuleSupport.run("ip", "addr", "replace", "192.0.2.1/24", "dev", VNET0);
        ModuleSupport.run("ip", "link", "set", VNET0, "up");
        client.resetStats(VNET0);
        DeviceStats before = client.stats(VNET0);
        assertEquals(0, before.txPackets(), before.toString());

        int datagrams = 7;
        int payload = 100;
        try (DatagramSocket socket = new DatagramSocket()) {
            // A loopback device: each datagram goes out and comes back in, where no one takes it.
            InetAddress peer = InetAddress.getByName("192.0.2.2");
            for (int i = 0; i < datagrams; i++) {
                socket.send(new DatagramPacket(new byte[payload], payload, peer, 9));
            }
        }
        DeviceStats after = waitForTx(before.txPackets() + datagrams);

        long frame = 14 + 20 + 8 + payload; // Ethernet, IPv4 and UDP headers
        assertEquals(datagrams, after.txPackets() - before.txPackets(), after.toString());
        assertEquals(datagrams, after.rxPackets() - before.rxPackets(), after.toString());
        assertEquals(datagrams * frame, after.txBytes() - before.txBytes(), after.toString());
        assertEquals(datagrams * frame, after.rxBytes() - before.rxBytes(), after.toString());
        assertEquals(0, after.txDropped() - before.txDropped(), after.toString());
        assertTrue(after.up());
        assertEquals(VNET0, after.ifname());
        assertEquals(after, client.stats(after.ifindex()));

        List<DeviceStats> all = client.allStats();
        assertTrue(all.stream().anyMatch(d -> d.ifname().equals(VNET0) && d.txPackets() == after.txPackets()),
                all.toString());
    }

    private DeviceStats waitForTx(long packets) throws NetlinkException, InterruptedException {
        // Transmission is synchronous, reception goes through the CPU's backlog: allow it a moment.
        DeviceStats stats = client.stats(VNET0);
        for (int i = 0; i < 100 && (stats.txPackets() < packets || stats.rxPackets() < packets); i++) {
            Thread.sleep(20);
            stats = client.stats(VNET0);
        }
        return stats;
    }

    @Test
    void statsOfADeviceThatIsNotVnetAreRefused() throws IOException {
        NetlinkException error = assertThrows(NetlinkException.class, () -> client.stats("lo"));

        assertEquals(Errno.EOPNOTSUPP, error.errno(), error.getMessage());
        assertEquals(Optional.of("the device is not a vnet device"), error.extAckMessage());
        assertEquals(Optional.of("VNET_NL_ATTR_IFNAME"), error.attributeName());
        NetlinkException noDevice = assertThrows(NetlinkException.class, () -> client.stats("nosuchdev0"));
        assertEquals("ENODEV", noDevice.errnoName(), noDevice.getMessage());
    }

    @Test
    void eventsNeedASubscription() {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> client.nextEvent());
        assertTrue(error.getMessage().contains("subscribe()"), error.getMessage());
    }

    @Test
    void theEventTypesAreTyped() throws NetlinkException {
        client.subscribe();
        client.echo("typed", 1, true);
        VnetEvent event = client.nextEvent();
        String text = switch (event) {
            case Echo echo -> echo.toString();
            case LinkEvent link -> link.toString();
            case UnknownEvent unknown -> unknown.toString();
        };
        assertInstanceOf(Echo.class, event);
        assertEquals("ECHO msg=\"typed\" value=1 flag=1", text);
    }
}
