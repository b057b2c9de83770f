package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A connection on another netlink protocol than generic netlink (rtnetlink, NETLINK_ROUTE), against the host
 * kernel: raw requests, and the generic netlink controller refused, since its numbers mean other messages there.
 */
class RawConnectionTest {

    private static final int NETLINK_ROUTE = 0;
    /** linux/rtnetlink.h */
    private static final int RTM_GETLINK = 18;
    private static final int RTM_NEWLINK = 16;
    /** sizeof(struct ifinfomsg) */
    private static final int IFINFOMSG = 16;

    @Test
    void aLinkDumpAndALinkByIndexOverRtnetlink() throws NetlinkException {
        try (GenlConnection rt = GenlConnection.openRaw(NETLINK_ROUTE, ConnectionOptions.defaults())) {
            assertEquals(NETLINK_ROUTE, rt.protocol());
            rt.prepareRaw(RTM_GETLINK, NetlinkFlags.DUMP, IFINFOMSG, "getlink dump");
            int[] links = new int[1];
            DumpResult result = rt.dump(Duration.ofSeconds(5), DumpInterruptPolicy.retry(3), part -> {
                assertEquals(RTM_NEWLINK, part.familyId(), "a link comes as RTM_NEWLINK");
                links[0]++;
            });
            assertTrue(links[0] >= 1 && result.messages() == links[0], "links: " + links[0]);
            // Loopback is index 1 in every namespace: ifinfomsg's ifi_index is at offset 4 of the header.
            AttributeWriter w = rt.prepareRaw(RTM_GETLINK, NetlinkFlags.ACK, IFINFOMSG, "getlink lo");
            w.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 16 + 4, 1);
            GenlMessage lo = rt.transact(Duration.ofSeconds(5));
            assertEquals(RTM_NEWLINK, lo.familyId());
            assertEquals(1, lo.segment().get(ValueLayout.JAVA_INT_UNALIGNED, lo.offset() + 16 + 4));
            assertNull(rt.warning().orElse(null));
        }
    }

    @Test
    void theGenericNetlinkControllerIsRefusedOnAnotherProtocol() throws NetlinkException {
        try (GenlConnection rt = GenlConnection.openRaw(NETLINK_ROUTE, ConnectionOptions.defaults())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.family("nlctrl"));
            assertTrue(e.getMessage().contains("protocol 0"), e.getMessage());
        }
        try (GenlConnection genl = GenlConnection.open()) {
            assertEquals(16, genl.protocol());
            assertThrows(IllegalStateException.class, () -> genl.prepareRaw(RTM_GETLINK, 0, IFINFOMSG, null));
        }
        assertThrows(IllegalArgumentException.class, () -> GenlConnection.openRaw(32, ConnectionOptions.defaults()));
    }
}
