package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A netlink socket that plays a script instead of talking to the kernel, as mdlayher/netlink's {@code nltest}
 * does for Go: each request sent is recorded and may queue the datagrams that answer it; the receive side hands
 * out queued datagrams, overruns and EAGAIN in order. Used through {@link GenlConnection}'s socket seam; safe for
 * the connection's threads (one receives while another sends).
 */
final class ScriptedSocket implements NetlinkSocket {

    static final int PORT = 4242;

    /** A datagram as the kernel would queue it: the bytes, the sender port and the multicast group. */
    record Datagram(byte[] bytes, int sender, int group) {}

    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private final List<byte[]> sent = new ArrayList<>();
    private Consumer<byte[]> onSend = request -> { };
    private int sender;
    private int group;
    private final List<Datagram> receivedMany = new ArrayList<>();
    /** System calls the connection made through this socket, as the kernel would count them. */
    int sendCalls;
    int receiveCalls;
    boolean closed;

    /** What to queue when a request is sent; it receives the request's bytes. */
    ScriptedSocket answering(Consumer<byte[]> script) {
        this.onSend = script;
        return this;
    }

    synchronized void queue(Datagram datagram) {
        queue.add(datagram);
    }

    /** The kernel dropped datagrams for this socket here (ENOBUFS). */
    synchronized void queueOverrun() {
        queue.add(NetlinkSocket.OVERRUN);
    }

    /** Nothing more is queued at this point (EAGAIN) until the connection reads again. */
    synchronized void queueGap() {
        queue.add(NetlinkSocket.AGAIN);
    }

    synchronized List<byte[]> sent() {
        return sent;
    }

    /** The sequence numbers of the requests in one datagram sent (a batch), in order. */
    static List<Integer> sequencesOf(byte[] datagram) {
        MemorySegment bytes = MemorySegment.ofArray(datagram);
        List<Integer> sequences = new ArrayList<>();
        for (int at = 0; at + NetlinkAlignment.NLMSG_HDRLEN <= datagram.length;
             at += NetlinkAlignment.nlmsgAlign(MessageHeader.length(bytes, at))) {
            sequences.add(MessageHeader.sequence(bytes, at));
        }
        return sequences;
    }

    static int sequenceOf(byte[] request) {
        return MemorySegment.ofArray(request).get(JAVA_INT_UNALIGNED, MessageHeader.SEQUENCE);
    }

    @Override
    public int portId() {
        return PORT;
    }

    @Override
    public synchronized long send(MemorySegment buffer, int length) {
        sendCalls++;
        byte[] request = buffer.asSlice(0, length).toArray(JAVA_BYTE);
        sent.add(request);
        onSend.accept(request);
        return length;
    }

    @Override
    public synchronized long receive(MemorySegment buffer, long offset, long capacity) {
        receiveCalls++;
        Object next = queue.poll();
        if (next == null) {
            return AGAIN;
        }
        if (next instanceof Long special) {
            return special;
        }
        Datagram datagram = (Datagram) next;
        MemorySegment.copy(datagram.bytes, 0, buffer, JAVA_BYTE, offset,
                (int) Math.min(capacity, datagram.bytes.length));
        sender = datagram.sender;
        group = datagram.group;
        return datagram.bytes.length;
    }

    /** As recvmmsg: the datagrams queued up to the first overrun, which the next call returns. */
    @Override
    public synchronized long receiveMany(MemorySegment buffer, long[] slots, long slotSize, int count) {
        receiveCalls++;
        receivedMany.clear();
        while (receivedMany.size() < count && queue.peek() instanceof Datagram datagram) {
            queue.poll();
            MemorySegment.copy(datagram.bytes, 0, buffer, JAVA_BYTE, slots[receivedMany.size()],
                    (int) Math.min(slotSize, datagram.bytes.length));
            receivedMany.add(datagram);
        }
        if (!receivedMany.isEmpty()) {
            return receivedMany.size();
        }
        Object next = queue.poll();
        return next == null ? AGAIN : (Long) next;
    }

    @Override
    public synchronized int receivedLength(int index) {
        return receivedMany.get(index).bytes.length;
    }

    @Override
    public synchronized int receivedSender(int index) {
        return receivedMany.get(index).sender;
    }

    @Override
    public synchronized int receivedGroup(int index) {
        return receivedMany.get(index).group;
    }

    @Override
    public synchronized int sender() {
        return sender;
    }

    @Override
    public synchronized int group() {
        return group;
    }

    @Override
    public int joinGroup(int group) {
        return 0;
    }

    @Override
    public int leaveGroup(int group) {
        return 0;
    }

    @Override
    public void await(long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(remaining, 1_000_000L));
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Building datagrams

    /** Concatenates netlink messages, each aligned, into one datagram from the kernel (sender 0). */
    static Datagram datagram(int group, byte[]... messages) {
        int total = 0;
        for (byte[] message : messages) {
            total += NetlinkAlignment.nlmsgAlign(message.length);
        }
        byte[] bytes = new byte[total];
        int at = 0;
        for (byte[] message : messages) {
            System.arraycopy(message, 0, bytes, at, message.length);
            at += NetlinkAlignment.nlmsgAlign(message.length);
        }
        return new Datagram(bytes, 0, group);
    }

    /** A generic netlink message with {@code padding} bytes of one binary attribute (type 1) when positive. */
    static byte[] genl(int type, int flags, int sequence, int command, int padding) {
        int length = MessageHeader.GENL_PAYLOAD + (padding > 0 ? NetlinkAlignment.nlaAlign(4 + padding) : 0);
        MemorySegment message = MemorySegment.ofArray(new byte[length]);
        MessageHeader.writeGenl(message, 0, type, flags, sequence, PORT, command, 1);
        if (padding > 0) {
            new AttributeWriter().wrap(message, MessageHeader.GENL_PAYLOAD, length - MessageHeader.GENL_PAYLOAD)
                    .putBytes(1, new byte[padding]);
        }
        MessageHeader.setLength(message, 0, length);
        return message.toArray(JAVA_BYTE);
    }

    /** NLMSG_ERROR with {@code error} (0: an acknowledgement) for {@code sequence}, the request header capped. */
    static byte[] ack(int sequence, int error) {
        int length = MessageHeader.ERROR_REQUEST + NetlinkAlignment.NLMSG_HDRLEN;
        MemorySegment message = MemorySegment.ofArray(new byte[length]);
        MessageHeader.writeGenl(message, 0, LibNl.NLMSG_ERROR(), LibNl.NLM_F_CAPPED(), sequence, PORT, 0, 0);
        MessageHeader.setLength(message, 0, length);
        message.set(JAVA_INT_UNALIGNED, MessageHeader.ERROR_CODE, error);
        return message.toArray(JAVA_BYTE);
    }

    /** NLMSG_DONE with status 0 for {@code sequence}. */
    static byte[] done(int sequence) {
        int length = NetlinkAlignment.NLMSG_HDRLEN + Integer.BYTES;
        MemorySegment message = MemorySegment.ofArray(new byte[length]);
        MessageHeader.writeGenl(message, 0, LibNl.NLMSG_DONE(), LibNl.NLM_F_MULTI(), sequence, PORT, 0, 0);
        MessageHeader.setLength(message, 0, length);
        message.set(JAVA_INT_UNALIGNED, NetlinkAlignment.NLMSG_HDRLEN, 0);
        return message.toArray(JAVA_BYTE);
    }
}
