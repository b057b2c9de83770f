package org.vnetnl.genl;

import java.time.Duration;

import org.vnetnl.internal.Errno;

/**
 * A blocking call's deadline passed before the awaited message arrived (errno ETIMEDOUT). The connection stays
 * usable: a reply that arrives late is recognised by its sequence number and discarded.
 */
public final class NetlinkTimeoutException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    NetlinkTimeoutException(String operation, int sequence, Duration timeout) {
        super(Errno.ETIMEDOUT, operation, sequence, "no answer within " + timeout.toMillis() + " ms");
        this.timeout = timeout;
    }

    /** The timeout the call was given. */
    public Duration timeout() {
        return timeout;
    }
}
