package org.vnetnl.genl;

import org.vnetnl.internal.Errno;

/**
 * Notifications were lost because they arrived faster than they were read (errno ENOBUFS: the socket's
 * receive buffer overflowed, or the connection's own queue of notifications held back during requests was
 * full). Thrown once per overrun by {@link GenlConnection#receiveNotification}; the next call receives the
 * notifications that arrived after it. The kernel does not say how many were lost.
 */
public final class NotificationOverrunException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final long socketOverruns;
    private final long queueDrops;

    NotificationOverrunException(long socketOverruns, long queueDrops) {
        super(Errno.ENOBUFS, "receive notification", 0, describe(socketOverruns, queueDrops));
        this.socketOverruns = socketOverruns;
        this.queueDrops = queueDrops;
    }

    /** How many times the kernel reported ENOBUFS since the last report (each means at least one loss). */
    public long socketOverruns() {
        return socketOverruns;
    }

    /** Exactly how many notifications were dropped because the connection's pending queue was full. */
    public long queueDrops() {
        return queueDrops;
    }

    private static String describe(long socketOverruns, long queueDrops) {
        StringBuilder text = new StringBuilder("notifications lost:");
        if (socketOverruns > 0) {
            text.append(" socket receive buffer overran ").append(socketOverruns)
                    .append(socketOverruns == 1 ? " time" : " times")
                    .append(" (an unknown number lost each time; read faster or raise the receive buffer size)");
        }
        if (queueDrops > 0) {
            text.append(socketOverruns > 0 ? ";" : "").append(' ').append(queueDrops)
                    .append(" dropped from the queue held back during requests (raise maxPendingNotifications)");
        }
        return text.toString();
    }
}
