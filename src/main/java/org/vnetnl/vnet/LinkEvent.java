package org.vnetnl.vnet;

import java.util.Objects;

/**
 * A vnet device went up or down (VNET_NL_CMD_LINK_EVENT).
 *
 * @param ifindex the device's interface index
 * @param ifname  the device's name
 * @param up      whether the device is now administratively up
 */
public record LinkEvent(int ifindex, String ifname, boolean up) implements VnetEvent {

    public LinkEvent {
        Objects.requireNonNull(ifname, "ifname");
    }

    /** Formats it like the C sample client: {@code LINK_EVENT ifindex=3 ifname="vnet0" link_up=1}. */
    @Override
    public String toString() {
        return "LINK_EVENT ifindex=" + Integer.toUnsignedString(ifindex) + " ifname=\"" + ifname + "\" link_up="
                + (up ? 1 : 0);
    }
}
