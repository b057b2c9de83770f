package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNlForTests;

/**
 * The attribute codec repeats a few netlink constants instead of reading them from generated bindings, so that
 * it does not load libnl (see {@link NetlinkAlignment}). This test holds them in agreement with the system
 * headers, read through the tests' own bindings ({@link LibNlForTests}).
 */
class AttributeConstantsTest {

    @Test
    void flagsMatchTheSystemHeaders() {
        assertEquals(LibNlForTests.NLA_F_NESTED(), AttributeReader.NLA_F_NESTED);
        assertEquals(LibNlForTests.NLA_F_NET_BYTEORDER(), AttributeReader.NLA_F_NET_BYTEORDER);
        assertEquals(LibNlForTests.NLA_TYPE_MASK() & 0xFFFF, AttributeReader.NLA_TYPE_MASK);
    }

    @Test
    void headerSizesAndAlignmentMatchTheSystemHeaders() {
        assertEquals(LibNlForTests.NLA_ALIGNTO(), NetlinkAlignment.NLA_ALIGNTO);
        assertEquals(LibNlForTests.NLMSG_ALIGNTO(), NetlinkAlignment.NLMSG_ALIGNTO);
        assertEquals(LibNlForTests.NLA_HDRLEN(), NetlinkAlignment.NLA_HDRLEN);
        assertEquals(LibNlForTests.NLMSG_HDRLEN(), NetlinkAlignment.NLMSG_HDRLEN);
        assertEquals(LibNlForTests.GENL_HDRLEN(), NetlinkAlignment.GENL_HDRLEN);
    }

    @Test
    void alignmentRoundsUpToFour() {
        int[] expected = {0, 4, 4, 4, 4, 8, 8, 8, 8, 12};
        for (int length = 0; length < expected.length; length++) {
            assertEquals(expected[length], NetlinkAlignment.nlaAlign(length));
            assertEquals(expected[length], NetlinkAlignment.nlmsgAlign(length));
            assertEquals(expected[length], NetlinkAlignment.nlaAlign((long) length));
            assertEquals(expected[length], NetlinkAlignment.nlmsgAlign((long) length));
        }
        assertEquals(65_536, NetlinkAlignment.nlaAlign(65_535));
        assertEquals(0x1_0000_0000L, NetlinkAlignment.nlaAlign(0xFFFF_FFFDL));
    }
}
