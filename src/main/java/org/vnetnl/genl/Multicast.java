package org.vnetnl.genl;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A connection's multicast side: joining and leaving groups, by a family's group name or by number, and handing
 * each thread its next notification in a view of its own.
 */
final class Multicast {

    private final Exchange exchange;

    Multicast(Exchange exchange) {
        this.exchange = exchange;
    }

    /**
     * Joins ({@code join}) or leaves the multicast group {@code groupName} of {@code family}.
     *
     * @throws IllegalArgumentException if the family has no such group
     */
    void change(Family family, String groupName, boolean join) throws NetlinkException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(groupName, "groupName");
        OptionalInt group = family.multicastGroup(groupName);
        if (group.isEmpty()) {
            throw new IllegalArgumentException("family " + family.name() + " has no multicast group \"" + groupName
                    + "\"; its groups are " + family.multicastGroups().keySet());
        }
        change(group.getAsInt(), join, (join ? "join " : "leave ") + family.name() + " group \"" + groupName + "\"");
    }

    /**
     * Joins ({@code join}) or leaves multicast group number {@code group}.
     *
     * @throws IllegalArgumentException if {@code group} is not positive
     */
    void change(int group, boolean join) throws NetlinkException {
        if (group <= 0) {
            throw new IllegalArgumentException("netlink group numbers start at 1, got " + group);
        }
        change(group, join, (join ? "join" : "leave") + " group " + group);
    }

    private void change(int group, boolean join, String operation) throws NetlinkException {
        exchange.enter();
        try {
            int rc = join ? exchange.joinGroup(group) : exchange.leaveGroup(group);
            if (rc < 0) {
                throw new NetlinkException(-rc, operation, 0, "setsockopt failed");
            }
        } finally {
            exchange.exit();
        }
    }

    /**
     * The calling thread's next notification, waiting at most {@code timeout}.
     *
     * @throws NetlinkTimeoutException when none came
     */
    GenlMessage receive(Caller me, Duration timeout) throws NetlinkException {
        GenlMessage next = next(me, Calls.checkTimeout(timeout));
        if (next == null) {
            throw new NetlinkTimeoutException("receive notification", 0, timeout);
        }
        return next;
    }

    /**
     * The calling thread's next notification, waiting at most {@code timeoutNanos}; null when none came.
     *
     * @throws IllegalStateException when called from a dump handler
     */
    GenlMessage next(Caller me, long timeoutNanos) throws NetlinkException {
        exchange.enter();
        try {
            Calls.refuseInDump(me, "receive notifications");
            me.generation.advance();
            int length = exchange.nextNotification(me, timeoutNanos);
            if (length < 0) {
                return null;
            }
            NotificationWait w = me.notificationWait;
            // A view of its own: one kept past the thread's next call fails rather than show a later message.
            return new GenlMessage().wrap(me.receiveBuffer, w.offset(), length, w.group(), me.generation);
        } finally {
            exchange.exit();
        }
    }
}
