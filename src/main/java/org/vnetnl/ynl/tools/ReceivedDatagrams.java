package org.vnetnl.ynl.tools;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.vnetnl.genl.ReceiveTrace;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * {@code --dbg-small-recv}'s trace: every datagram received, printed as the kernel's {@code cli.py} prints it
 * ({@code Recv: read N bytes, M messages}, then each message's length, flags and type, and the status of an
 * error or done message), on standard error.
 */
final class ReceivedDatagrams implements ReceiveTrace {

    private final PrintStream out;

    ReceivedDatagrams(PrintStream out) {
        this.out = out;
    }

    @Override
    public void received(MemorySegment datagram, long length) {
        StringBuilder messages = new StringBuilder();
        int count = 0;
        long size = datagram.byteSize();
        for (long at = 0; at + NetlinkAlignment.NLMSG_HDRLEN <= size; count++) {
            int messageLength = MessageHeader.length(datagram, at);
            if (messageLength < NetlinkAlignment.NLMSG_HDRLEN) {
                break; // a malformed or cut message: the connection reports it
            }
            int type = MessageHeader.type(datagram, at);
            long payload = Math.min(at + messageLength, size) - at - NetlinkAlignment.NLMSG_HDRLEN;
            messages.append(String.format("   nl_len = %d (%d) nl_flags = 0x%x nl_type = %d%n", messageLength,
                    payload, MessageHeader.flags(datagram, at), type));
            if ((type == LibNl.NLMSG_ERROR() || type == LibNl.NLMSG_DONE()) && payload >= Integer.BYTES) {
                int status = datagram.get(ValueLayout.JAVA_INT_UNALIGNED, at + NetlinkAlignment.NLMSG_HDRLEN);
                if (status != 0) {
                    messages.append("\terror: ").append(status).append(System.lineSeparator());
                }
            }
            at += NetlinkAlignment.nlmsgAlign(messageLength);
        }
        synchronized (out) {
            out.print("Recv: read " + length + " bytes, " + count + " messages" + System.lineSeparator() + messages);
            out.flush();
        }
    }
}
