package org.vnetnl.genl;

import java.lang.foreign.Arena;

/**
 * Opens one socket of a connection, in the arena given: the kernel's for a netlink protocol, or, in the seam
 * tests, a scripted one.
 */
@FunctionalInterface
interface SocketOpener {

    NetlinkSocket open(Arena arena, ConnectionOptions options) throws NetlinkException;

    /** The kernel's generic netlink socket. */
    SocketOpener GENERIC = (arena, options) ->
            new NativeNetlinkSocket(arena, options.socketReceiveBufferSize(), options.sendBufferSize());

    /**
     * The kernel's socket of netlink {@code protocol}: NETLINK_GENERIC for generic netlink.
     *
     * @throws IllegalArgumentException if {@code protocol} is not 0..31
     */
    static SocketOpener kernel(int protocol) {
        if (protocol < 0 || protocol > 31) {
            throw new IllegalArgumentException("netlink protocols are 0..31, got " + protocol);
        }
        return protocol == NativeNetlinkSocket.NETLINK_GENERIC ? GENERIC : (arena, options) ->
                new NativeNetlinkSocket(arena, protocol, options.socketReceiveBufferSize(), options.sendBufferSize());
    }
}
