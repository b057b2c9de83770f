package org.vnetnl.genl;

/**
 * A thread's wait for the next multicast notification. Ready when the leader put one in this caller's own
 * receive buffer (when it is the leader itself), when the queue holds one, or when the connection closed.
 */
final class NotificationWait extends Pending {

    private final Caller caller;
    private boolean inPlace;
    private int offset;
    private int length;
    private int group;

    NotificationWait(Caller caller) {
        this.caller = caller;
    }

    void reset() {
        inPlace = false;
    }

    boolean hasMessage() {
        return inPlace;
    }

    /** The leader (this caller) read a notification into its own buffer, first in line: it stays there. */
    void deliverInPlace(int offset, int length, int group) {
        this.inPlace = true;
        this.offset = offset;
        this.length = length;
        this.group = group;
    }

    int inPlaceLength() {
        return length;
    }

    /** Takes the oldest kept notification into the start of the caller's buffer (under the exchange's lock). */
    int take(NotificationQueue queue) throws NotificationOverrunException {
        int taken = queue.take(caller.receiveBuffer);
        offset = 0;
        length = taken;
        group = queue.takenGroup();
        return taken;
    }

    int offset() {
        return offset;
    }

    int group() {
        return group;
    }

    @Override
    boolean isReady(Exchange exchange) {
        return inPlace || exchange.hasNotifications() || exchange.closedLocked();
    }

    @Override
    String operation() {
        return "receive notification";
    }
}
