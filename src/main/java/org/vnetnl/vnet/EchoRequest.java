package org.vnetnl.vnet;

import java.time.Duration;
import java.util.Objects;

import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.NetlinkException;

/**
 * An ECHO request being written, with each attribute optional: the typed face of the request writer generated
 * from the spec ({@code org.vnetnl.internal.vnet.EchoRequest}), which puts every value straight into the
 * client's native send buffer as it is given, without allocating. This class holds no request state of its own;
 * it names the attributes as users know them and returns the reply as an {@link EchoReply}. Obtained from
 * {@link VnetClient#prepareEcho()}, which starts a new request each time; the client reuses one instance per
 * thread.
 *
 * <pre>{@code
 * EchoReply reply = client.prepareEcho().message("hello").flag(true).send();
 * }</pre>
 *
 * <p>Values are sent as given: the module, not this client, enforces its limits (a message longer than
 * {@link VnetClient#MAX_MESSAGE_LENGTH} bytes, a flag byte other than 0 or 1 is rejected by the kernel with an
 * error naming the attribute). An attribute given twice is sent twice, and the module reads the last one. Any
 * other call on the client abandons the request; using it then throws {@link IllegalStateException}.
 */
public final class EchoRequest {

    private final VnetClient client;
    private org.vnetnl.internal.vnet.EchoRequest generated;

    EchoRequest(VnetClient client) {
        this.client = client;
    }

    EchoRequest start(org.vnetnl.internal.vnet.EchoRequest generated) {
        this.generated = generated;
        return this;
    }

    /** The generated request this one writes through. */
    org.vnetnl.internal.vnet.EchoRequest generated() {
        return generated;
    }

    /**
     * Adds VNET_NL_ATTR_MSG, encoded to UTF-8 character by character into the send buffer.
     *
     * @throws IllegalArgumentException if the text contains a NUL or an unpaired surrogate
     */
    public EchoRequest message(CharSequence text) {
        client.preparedEcho().msg(text);
        return this;
    }

    /**
     * Adds VNET_NL_ATTR_VALUE.
     *
     * @param value 0 to 4294967295 (0xFFFFFFFFL)
     * @throws IllegalArgumentException if the value does not fit in 32 unsigned bits
     */
    public EchoRequest value(long value) {
        client.preparedEcho().value(value);
        return this;
    }

    /** Adds VNET_NL_ATTR_FLAG as 1 or 0. */
    public EchoRequest flag(boolean flag) {
        return flagByte(flag ? 1 : 0);
    }

    /**
     * Adds VNET_NL_ATTR_FLAG with any byte value; the module accepts only 0 and 1 and rejects the others with
     * ERANGE. For exercising the module's validation; {@link #flag(boolean)} is the typed form.
     *
     * @param value 0 to 255
     */
    public EchoRequest flagByte(int value) {
        client.preparedEcho().flag(value);
        return this;
    }

    /**
     * The writer of the request's attributes, positioned after those given so far, to append attributes this
     * client has no method for (those of a newer module, or invalid ones to test the module's validation).
     * Valid until the request is sent.
     */
    public AttributeWriter attributes() {
        return client.preparedEcho().attributes();
    }

    /** Sends the request and waits for the reply, at most the client's default timeout. */
    public EchoReply send() throws NetlinkException {
        return send(client.timeout());
    }

    /**
     * Sends the request and waits for the reply.
     *
     * @return a reply of its own, read in place, valid until this thread's next call on the client
     * @throws NetlinkException the kernel's rejection, naming the attribute; a
     *         {@link org.vnetnl.genl.NetlinkTimeoutException} after {@code timeout}; a
     *         {@link ModuleUnloadedException} when the module is gone
     */
    public EchoReply send(Duration timeout) throws NetlinkException {
        return client.sendPreparedEcho(timeout, null);
    }

    /** As {@link #send()}, reading the reply into the caller's {@code into}: no allocation. */
    public EchoReply send(EchoReply into) throws NetlinkException {
        return send(client.timeout(), into);
    }

    /** As {@link #send(Duration)}, reading the reply into the caller's {@code into}: no allocation. */
    public EchoReply send(Duration timeout, EchoReply into) throws NetlinkException {
        Objects.requireNonNull(into, "into");
        return client.sendPreparedEcho(timeout, into);
    }
}
