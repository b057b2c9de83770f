package org.vnetnl.vnet;

import java.time.Duration;

import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.vnet.VnetNl;

/**
 * An ECHO request being written, with each attribute optional: a flyweight over the request writer generated
 * from the spec, which puts every value straight into the client's native send buffer as it is given, without
 * allocating. Obtained from
 * {@link VnetClient#prepareEcho()}, which starts a new request each time; the client reuses one instance.
 *
 * <pre>{@code
 * EchoReply reply = client.prepareEcho().message("hello").flag(true).send();
 * }</pre>
 *
 * <p>Values are sent as given: the module, not this client, enforces its limits (a message longer than
 * {@link VnetClient#MAX_MESSAGE_LENGTH} bytes, a flag byte other than 0 or 1 is rejected by the kernel with an
 * error naming the attribute). Each attribute can be given once per request. Any other call on the client
 * abandons the request; {@link #send()} then throws {@link IllegalStateException}.
 */
public final class EchoRequest {

    // Names for messages, as the spec and the uapi header spell them.
    private static final String FLAG_NAME = VnetNl.Policy.ECHO.nameOf(VnetNl.Attr.FLAG);
    private static final String MSG_NAME = VnetNl.Policy.ECHO.nameOf(VnetNl.Attr.MSG);
    private static final String VALUE_NAME = VnetNl.Policy.ECHO.nameOf(VnetNl.Attr.VALUE);

    private final VnetClient client;
    private org.vnetnl.internal.vnet.EchoRequest request;
    private long generation = -1;
    private boolean hasMessage;
    private boolean hasValue;
    private boolean hasFlag;

    EchoRequest(VnetClient client) {
        this.client = client;
    }

    EchoRequest start(org.vnetnl.internal.vnet.EchoRequest request, long generation) {
        this.request = request;
        this.generation = generation;
        hasMessage = false;
        hasValue = false;
        hasFlag = false;
        return this;
    }

    private org.vnetnl.internal.vnet.EchoRequest request() {
        if (!client.isCurrent(generation)) {
            throw new IllegalStateException("this EchoRequest was abandoned by another call on the client (or was"
                    + " already sent): call prepareEcho() again");
        }
        return request;
    }

    /**
     * Adds VNET_NL_ATTR_MSG, encoded to UTF-8 character by character into the send buffer.
     *
     * @throws IllegalArgumentException if the text contains a NUL or an unpaired surrogate
     * @throws IllegalStateException    if the request already has a message
     */
    public EchoRequest message(CharSequence text) {
        org.vnetnl.internal.vnet.EchoRequest echo = request();
        if (hasMessage) {
            throw new IllegalStateException("the request already has " + MSG_NAME);
        }
        echo.msg(text);
        hasMessage = true;
        return this;
    }

    /**
     * Adds VNET_NL_ATTR_VALUE.
     *
     * @param value 0 to 4294967295 (0xFFFFFFFFL)
     * @throws IllegalArgumentException if the value does not fit in 32 unsigned bits
     */
    public EchoRequest value(long value) {
        org.vnetnl.internal.vnet.EchoRequest echo = request();
        if (hasValue) {
            throw new IllegalStateException("the request already has " + VALUE_NAME);
        }
        echo.value(value);
        hasValue = true;
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
        org.vnetnl.internal.vnet.EchoRequest echo = request();
        if (hasFlag) {
            throw new IllegalStateException("the request already has " + FLAG_NAME);
        }
        echo.flag(value);
        hasFlag = true;
        return this;
    }

    /**
     * The writer of the request's attributes, positioned after those given so far, to append attributes this
     * client has no method for (those of a newer module, or invalid ones to test the module's validation).
     * Valid until the request is sent.
     */
    public AttributeWriter attributes() {
        return request().attributes();
    }

    /** Sends the request and waits for the reply, at most the client's default timeout. */
    public EchoReply send() throws NetlinkException {
        return send(client.timeout());
    }

    /**
     * Sends the request and waits for the reply.
     *
     * @return the reply, read in place and valid until the next call on the client
     * @throws NetlinkException the kernel's rejection, naming the attribute; a
     *         {@link org.vnetnl.genl.NetlinkTimeoutException} after {@code timeout}; a
     *         {@link ModuleUnloadedException} when the module is gone
     */
    public EchoReply send(Duration timeout) throws NetlinkException {
        return client.sendEcho(request(), timeout);
    }
}
