package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * The multicast notifications a connection received while it waited for a reply, kept in arrival order until
 * {@link GenlConnection#receiveNotification} asks for them, with every loss recorded where it happened in the
 * stream: a marker between the notifications before and after it. Pure Java, on copies of the messages.
 */
final class NotificationQueue {

    /** A kept notification, or (with {@code message == null}) a marker of notifications lost at that point. */
    private static final class Entry {
        final byte[] message;
        final int group;
        long socketOverruns;
        long queueDrops;

        Entry(byte[] message, int group) {
            this.message = message;
            this.group = group;
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int capacity;
    private int messages;
    private int takenGroup;

    /** A queue keeping at most {@code capacity} notifications; beyond that they are counted as dropped. */
    NotificationQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Keeps a copy of {@code source[offset, offset + length)}, received on {@code group}. */
    void hold(MemorySegment source, long offset, int length, int group) {
        if (messages >= capacity) {
            marker().queueDrops++;
            return;
        }
        byte[] copy = new byte[length];
        MemorySegment.copy(source, JAVA_BYTE, offset, copy, 0, length);
        entries.add(new Entry(copy, group));
        messages++;
    }

    /** Records that the socket lost notifications (ENOBUFS) after those kept so far. */
    void socketOverrun() {
        marker().socketOverruns++;
    }

    /** Whether nothing is kept, neither notification nor loss. */
    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** How many notifications are kept. */
    int size() {
        return messages;
    }

    /**
     * Removes the oldest entry: a notification is copied to the start of {@code target} and its length returned
     * ({@link #takenGroup()} then names its group); a loss is thrown.
     *
     * @return the length, or -1 when the queue is empty
     * @throws NotificationOverrunException when the oldest entry is a loss
     */
    int take(MemorySegment target) throws NotificationOverrunException {
        Entry head = entries.poll();
        if (head == null) {
            return -1;
        }
        if (head.message == null) {
            throw new NotificationOverrunException(head.socketOverruns, head.queueDrops);
        }
        messages--;
        MemorySegment.copy(head.message, 0, target, JAVA_BYTE, 0, head.message.length);
        takenGroup = head.group;
        return head.message.length;
    }

    /** The group of the notification the last {@link #take} returned. */
    int takenGroup() {
        return takenGroup;
    }

    /** The marker at the tail, so a loss is reported where it happened in the stream. */
    private Entry marker() {
        Entry last = entries.peekLast();
        if (last == null || last.message != null) {
            last = new Entry(null, 0);
            entries.add(last);
        }
        return last;
    }
}
