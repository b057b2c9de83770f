package org.vnetnl.vnet;

import java.util.Objects;

/**
 * The counters of one vnet device (VNET_NL_CMD_GET_STATS), since the module was loaded or since the last
 * {@link VnetClient#resetStats(String)}. Counters are unsigned 64-bit values: use
 * {@link Long#toUnsignedString(long)} for values that could exceed {@link Long#MAX_VALUE}.
 *
 * @param ifindex   the device's interface index
 * @param ifname    the device's name
 * @param up        whether the device is administratively up
 * @param rxPackets packets received
 * @param txPackets packets transmitted
 * @param rxBytes   bytes received
 * @param txBytes   bytes transmitted
 * @param rxDropped received packets dropped
 * @param txDropped packets dropped on transmit
 */
public record DeviceStats(int ifindex, String ifname, boolean up, long rxPackets, long txPackets, long rxBytes,
                          long txBytes, long rxDropped, long txDropped) {

    public DeviceStats {
        Objects.requireNonNull(ifname, "ifname");
    }

    /** Formats it like the C sample client's GET_STATS line. */
    @Override
    public String toString() {
        return "GET_STATS ifindex=" + Integer.toUnsignedString(ifindex) + " ifname=\"" + ifname + "\" link_up="
                + (up ? 1 : 0) + " rx_packets=" + Long.toUnsignedString(rxPackets) + " tx_packets="
                + Long.toUnsignedString(txPackets) + " rx_bytes=" + Long.toUnsignedString(rxBytes) + " tx_bytes="
                + Long.toUnsignedString(txBytes) + " rx_dropped=" + Long.toUnsignedString(rxDropped)
                + " tx_dropped=" + Long.toUnsignedString(txDropped);
    }
}
