package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * {@link YnlClient#callEach} on the host's generic netlink controller, with a send buffer so small that a round
 * holds two or three requests: requests that grow past the room left are moved to the next round, and every
 * request is sent exactly once, in order (each asks for a family that does not exist, so each is refused with
 * ENOENT, and the refusals name them all).
 */
class CallEachTest {

    /** The smallest send buffer a connection takes: its headers and 64 bytes. */
    private static final int SMALL_SEND_BUFFER = MessageHeader.GENL_PAYLOAD + 64;

    @Test
    void requestsThatOutgrowTheirRoundGoToTheNextOneAndEveryOneIsSentOnceInOrder() throws Exception {
        YnlSpec nlctrl = SpecLoader.load(KernelYnl.spec("nlctrl"));
        List<Map<String, Object>> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Two short names, then a long one, which does not fit behind them: 28, 28 and 40 bytes each.
            String name = i % 3 == 2 ? "absent-family-" + (char) ('a' + i % 26) : "q" + (char) ('a' + i % 26);
            requests.add(Map.of("family-name", name));
        }
        try (GenlConnection connection = GenlConnection.open(
                ConnectionOptions.defaults().withSendBufferSize(SMALL_SEND_BUFFER));
             YnlClient client = YnlClient.on(nlctrl, connection)) {
            List<Long> refused = new ArrayList<>();
            long sent = client.callEach("getfamily", requests, 0, (index, error) -> {
                assertEquals("ENOENT", error.errnoName(), error.getMessage());
                refused.add(index);
            });
            assertEquals(requests.size(), sent);
            List<Long> all = new ArrayList<>();
            for (long i = 0; i < requests.size(); i++) {
                all.add(i);
            }
            assertEquals(all, refused);
            assertEquals(0, connection.staleMessagesDiscarded(), "every reply matched its request");

            // A request larger than the whole send buffer fails on its own, named, after the rounds before it.
            List<Map<String, Object>> tooLarge = List.of(Map.of("family-name", "q"),
                    Map.of("family-name", "x".repeat(100)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.callEach("getfamily", tooLarge, 0, (index, error) -> { }));
            assertTrue(e.getMessage().startsWith("request 1 of nlctrl getfamily does not fit"), e.getMessage());
            NetlinkException first = assertThrows(NetlinkException.class,
                    () -> client.callEach("getfamily", requests, 0));
            assertTrue(first.getMessage().contains("(request 0)"), first.getMessage());
        }
    }
}
