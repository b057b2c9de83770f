package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.genl.NotificationOverrunException;

/**
 * A listener that does not keep up: the events it loses are reported as a typed overrun where they were lost,
 * never silently, and the events after the loss arrive again.
 */
@Tag(ModuleSupport.TAG)
class EventOverrunModuleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The smallest SO_RCVBUF the kernel grants is about 2 KiB; a few ECHO events fill it. */
    private static final int SMALL_SOCKET_BUFFER = 4096;
    private static final int FLOOD = 200;

    private static VnetClient.Options listenerOptions(ConnectionOptions connection) {
        return VnetClient.Options.defaults().withTimeout(TIMEOUT).withConnection(connection);
    }

    /** Sends {@code count} ECHOs from a client of another thread, numbered from {@code first}. */
    private static void flood(String text, int first, int count) throws Exception {
        CompletableFuture.runAsync(() -> {
            try (VnetClient sender = VnetClient.open()) {
                for (int i = first; i < first + count; i++) {
                    sender.echo(text, i, false);
                }
            } catch (NetlinkException e) {
                throw new IllegalStateException(e);
            }
        }).get();
    }

    @Test
    void aListenerThatStopsReadingGetsAnOverrunThenTheEventsAfterIt() throws Exception {
        ConnectionOptions small = ConnectionOptions.defaults()
                .withSocketReceiveBufferSize(SMALL_SOCKET_BUFFER);
        try (VnetClient listener = VnetClient.open(listenerOptions(small))) {
            listener.subscribe();
            // The listener reads nothing while another client floods: the kernel drops what does not fit.
            flood("flood", 0, FLOOD);

            int before = 0;
            long lastValue = -1;
            NotificationOverrunException overrun = null;
            while (overrun == null) {
                try {
                    Echo event = (Echo) listener.nextEvent(TIMEOUT);
                    assertTrue(event.value().getAsLong() > lastValue, "events out of order");
                    lastValue = event.value().getAsLong();
                    before++;
                } catch (NotificationOverrunException e) {
                    overrun = e;
                }
            }
            assertTrue(before < FLOOD, before + " events before the overrun: nothing was lost?");
            assertTrue(overrun.socketOverruns() >= 1, overrun.getMessage());
            assertEquals("ENOBUFS", overrun.errnoName());
            assertTrue(overrun.getMessage().contains("receive buffer"), overrun.getMessage());
            System.out.printf("overrun detected after %d of %d events: %s%n", before, FLOOD, overrun.getMessage());

            // Whatever was queued before the overflow is gone or read; what comes now arrives in full.
            drain(listener);
            flood("after the overrun", 1000, 3);
            for (int i = 1000; i < 1003; i++) {
                assertEquals(new Echo(Optional.of("after the overrun"), OptionalLong.of(i), Optional.of(false)),
                        listener.nextEvent(TIMEOUT));
            }
        }
    }

    /** Reads until nothing more is queued, overruns included; events arrive in order after it. */
    private static void drain(VnetClient listener) throws NetlinkException {
        while (true) {
            try {
                listener.nextEvent(Duration.ofMillis(300));
            } catch (NotificationOverrunException e) {
                // A second overrun of the same flood: also reported, also fine.
            } catch (NetlinkTimeoutException e) {
                return;
            }
        }
    }

    @Test
    void aLargerSocketBufferAbsorbsTheSameBurst() throws Exception {
        // The burst that overran 4 KiB fits in 1 MiB: the buffer size is the listener's to choose. The kernel
        // caps SO_RCVBUF at net.core.rmem_max (about 208 KiB by default), which holds the 100 events sent here.
        ConnectionOptions large = ConnectionOptions.defaults().withSocketReceiveBufferSize(1 << 20);
        int burst = 100;
        try (VnetClient listener = VnetClient.open(listenerOptions(large))) {
            listener.subscribe();
            flood("burst", 0, burst);
            for (int i = 0; i < burst; i++) {
                Echo event = (Echo) listener.nextEvent(TIMEOUT);
                assertEquals(i, event.value().getAsLong());
            }
            assertThrows(NetlinkTimeoutException.class, () -> listener.nextEvent(Duration.ofMillis(200)));
        }
    }

    @Test
    void eventsHeldDuringARequestBeyondTheLimitAreCountedExactly() throws Exception {
        int held = 10;
        ConnectionOptions limited = ConnectionOptions.defaults().withMaxPendingNotifications(held)
                .withSocketReceiveBufferSize(1 << 20);
        try (VnetClient listener = VnetClient.open(listenerOptions(limited))) {
            listener.subscribe();
            int burst = 50;
            flood("held", 0, burst);
            // The listener's own request reads past the burst to reach its reply; its own ECHO is an event too,
            // published before the reply. It keeps the first 10 and counts the rest.
            assertEquals(7, listener.echo("own", 7, true).value());

            for (int i = 0; i < held; i++) {
                assertEquals(i, ((Echo) listener.nextEvent(TIMEOUT)).value().getAsLong());
            }
            NotificationOverrunException overrun = assertThrows(NotificationOverrunException.class,
                    () -> listener.nextEvent(TIMEOUT));
            assertEquals(burst + 1 - held, overrun.queueDrops(), overrun.getMessage());
            assertEquals(0, overrun.socketOverruns(), overrun.getMessage());
            assertTrue(overrun.getMessage().contains("maxPendingNotifications"), overrun.getMessage());

            flood("after the drop", 100, 1);
            assertEquals(100, ((Echo) listener.nextEvent(TIMEOUT)).value().getAsLong());
        }
    }
}
