package org.vnetnl.vnet;

/**
 * A notification of a command this client does not know, published by a newer module: passed on rather than
 * dropped, so that nothing the kernel sends is lost silently.
 *
 * @param command the generic netlink command
 * @param version the family version the module sent it with
 */
public record UnknownEvent(int command, int version) implements VnetEvent {

    @Override
    public String toString() {
        return "UNKNOWN cmd=" + command + " version=" + version;
    }
}
