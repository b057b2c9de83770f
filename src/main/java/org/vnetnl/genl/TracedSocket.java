package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

/**
 * A socket that shows every datagram it receives to a {@link ReceiveTrace} and otherwise is the socket under it:
 * made only when a connection's options ask for a trace, so an untraced connection pays nothing for it.
 */
final class TracedSocket implements NetlinkSocket {

    private final NetlinkSocket socket;
    private final ReceiveTrace trace;

    TracedSocket(NetlinkSocket socket, ReceiveTrace trace) {
        this.socket = socket;
        this.trace = trace;
    }

    @Override
    public long receive(MemorySegment buffer, long offset, long capacity) {
        long length = socket.receive(buffer, offset, capacity);
        if (length >= 0) {
            trace.received(buffer.asSlice(offset, Math.min(length, capacity)).asReadOnly(), length);
        }
        return length;
    }

    @Override
    public long receiveMany(MemorySegment buffer, long[] slots, long slotSize, int count) {
        long read = socket.receiveMany(buffer, slots, slotSize, count);
        for (int i = 0; i < read; i++) {
            int length = socket.receivedLength(i);
            trace.received(buffer.asSlice(slots[i], Math.min(length, slotSize)).asReadOnly(), length);
        }
        return read;
    }

    @Override
    public int portId() {
        return socket.portId();
    }

    @Override
    public long send(MemorySegment buffer, int length) {
        return socket.send(buffer, length);
    }

    @Override
    public int receivedLength(int index) {
        return socket.receivedLength(index);
    }

    @Override
    public int receivedSender(int index) {
        return socket.receivedSender(index);
    }

    @Override
    public int receivedGroup(int index) {
        return socket.receivedGroup(index);
    }

    @Override
    public int sender() {
        return socket.sender();
    }

    @Override
    public int group() {
        return socket.group();
    }

    @Override
    public int joinGroup(int group) {
        return socket.joinGroup(group);
    }

    @Override
    public int leaveGroup(int group) {
        return socket.leaveGroup(group);
    }

    @Override
    public void await(long deadline) {
        socket.await(deadline);
    }

    @Override
    public void close() {
        socket.close();
    }
}
