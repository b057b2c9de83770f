package org.vnetnl.genl;

import org.vnetnl.internal.Errno;

/**
 * A wait for the outcome of one request: it answers to that request's sequence number alone and is named by its
 * operation. The failures such a wait reports on its own are worded here once.
 *
 * @param <R> what the wait keeps of its request
 */
abstract class OneRequestWait<R extends OneRequestWait.Sent> extends Pending {

    /** What a one-request wait needs to know of its request. */
    interface Sent {
        int sequence();

        /** How errors name the request. */
        String operation();
    }

    /** The request waited for; set before the wait is registered. */
    R request;

    @Override
    final int sequenceCount() {
        return 1;
    }

    @Override
    final int sequence(int index) {
        return request.sequence();
    }

    @Override
    final String operation() {
        return request.operation();
    }

    /** A datagram of {@code received} bytes did not fit the {@code capacity} it was read into. */
    final NetlinkException truncated(long received, long capacity) {
        return new NetlinkException(Errno.EMSGSIZE, request.operation(), request.sequence(), "a datagram of "
                + received + " bytes was truncated to " + capacity
                + " bytes: raise ConnectionOptions.receiveBufferSize");
    }

    /** The socket overran while the reply was awaited, and nothing more is queued. */
    final NetlinkException lostReply() {
        return new NetlinkException(Errno.ENOBUFS, request.operation(), request.sequence(),
                "the socket's receive buffer overran while the reply was awaited and nothing more is queued: the"
                        + " kernel dropped the reply (the request may have been carried out)");
    }

    /** Malformed data from the kernel fails the request it was meant for. */
    static NetlinkException badMessage(Sent request, MalformedMessageException cause) {
        NetlinkException e = new NetlinkException(Errno.EBADMSG, request.operation(), request.sequence(),
                cause.problem());
        e.initCause(cause);
        return e;
    }
}
