package org.vnetnl.vnet;

import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.MalformedMessageException;

/**
 * The reply to an ECHO, read in place from the client's receive buffer: no copy, no allocation. A reply is
 * valid only until the next call on that client. The client reuses one instance: after the next ECHO the same
 * object shows the new reply, after any other call reading it throws {@link IllegalStateException}. Keep what is
 * needed with the copy accessors ({@link #copyMessage(byte[])}, {@link #message()}) or {@link #toEcho()}.
 *
 * <p>Each attribute is present only if the request carried it.
 */
public final class EchoReply {

    // Names for messages, as the spec and the uapi header spell them.
    private static final String FLAG_NAME = VnetSpec.family().attributeName(VnetClient.ATTR_FLAG);
    private static final String MSG_NAME = VnetSpec.family().attributeName(VnetClient.ATTR_MSG);
    private static final String VALUE_NAME = VnetSpec.family().attributeName(VnetClient.ATTR_VALUE);

    private final VnetClient client;
    private final AttributeReader field = new AttributeReader();
    private long generation = -1;
    private GenlMessage message;
    private long messageAt = -1;
    private int messageSize;
    private long value;
    private boolean hasValue;
    private int flag;
    private boolean hasFlag;

    EchoReply(VnetClient client) {
        this.client = client;
    }

    /** Points the view at {@code reply}: one pass over its attributes, remembering where each one is. */
    EchoReply wrap(GenlMessage reply, long generation) {
        this.message = reply;
        this.generation = generation;
        messageAt = -1;
        hasValue = false;
        hasFlag = false;
        AttributeReader attributes = reply.attributes();
        while (attributes.next()) {
            int type = attributes.type();
            if (type == VnetClient.ATTR_MSG) {
                // Checked here, so that a malformed reply fails now rather than in a later accessor.
                attributes.stringLength();
                messageAt = attributes.offset();
                messageSize = (int) (attributes.payloadOffset() + attributes.payloadLength() - messageAt);
            } else if (type == VnetClient.ATTR_VALUE) {
                value = attributes.u32();
                hasValue = true;
            } else if (type == VnetClient.ATTR_FLAG) {
                flag = attributes.u8();
                hasFlag = true;
            }
        }
        return this;
    }

    private void checkValid() {
        if (!client.isCurrent(generation)) {
            throw new IllegalStateException("this EchoReply is no longer valid: the client was used again (or"
                    + " closed) since it was received; copy what you need before the next call");
        }
    }

    private AttributeReader messageField() {
        checkValid();
        if (messageAt < 0) {
            throw new NoSuchElementException("the reply has no " + MSG_NAME + " (the request carried none)");
        }
        field.wrap(message.segment(), messageAt, messageSize);
        if (!field.next()) {
            throw new MalformedMessageException(messageAt, MSG_NAME + " vanished from the reply");
        }
        return field;
    }

    /** Whether the reply carries VNET_NL_ATTR_MSG. */
    public boolean hasMessage() {
        checkValid();
        return messageAt >= 0;
    }

    /** Length of the message in UTF-8 bytes, without the NUL. No allocation. */
    public int messageLength() {
        return messageField().stringLength();
    }

    /** Whether the message is exactly {@code expected}, compared byte by byte in UTF-8. No allocation. */
    public boolean messageEquals(String expected) {
        return messageField().stringEquals(expected);
    }

    /**
     * Copies the message's UTF-8 bytes, without the NUL, to the start of {@code destination}. No allocation.
     *
     * @return the number of bytes copied
     * @throws IllegalArgumentException if {@code destination} is too short (at most
     *                                  {@link VnetClient#MAX_MESSAGE_LENGTH} bytes are ever needed)
     */
    public int copyMessage(byte[] destination) {
        return messageField().copyString(destination);
    }

    /** The message as a new String. Allocates. */
    public String message() {
        AttributeReader text = messageField();
        byte[] bytes = new byte[text.stringLength()];
        text.copyString(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the reply carries VNET_NL_ATTR_VALUE. */
    public boolean hasValue() {
        checkValid();
        return hasValue;
    }

    /** VNET_NL_ATTR_VALUE, 0 to 4294967295. */
    public long value() {
        checkValid();
        if (!hasValue) {
            throw new NoSuchElementException("the reply has no " + VALUE_NAME + " (the request carried none)");
        }
        return value;
    }

    /** Whether the reply carries VNET_NL_ATTR_FLAG. */
    public boolean hasFlag() {
        checkValid();
        return hasFlag;
    }

    /** VNET_NL_ATTR_FLAG: whether it is set (the module only accepts 0 and 1). */
    public boolean flag() {
        checkValid();
        if (!hasFlag) {
            throw new NoSuchElementException("the reply has no " + FLAG_NAME + " (the request carried none)");
        }
        return flag != 0;
    }

    /** The netlink sequence number of the request this answers. */
    public int sequence() {
        checkValid();
        return message.sequence();
    }

    /** An immutable copy on the Java heap, valid for as long as it is referenced. Allocates. */
    public Echo toEcho() {
        checkValid();
        return new Echo(messageAt >= 0 ? Optional.of(message()) : Optional.empty(),
                hasValue ? OptionalLong.of(value) : OptionalLong.empty(),
                hasFlag ? Optional.of(flag != 0) : Optional.empty());
    }

    @Override
    public String toString() {
        return client.isCurrent(generation) ? toEcho().toString() : "EchoReply[no longer valid]";
    }
}
