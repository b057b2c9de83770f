package org.vnetnl.vnet;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The attributes of an ECHO message, copied to the Java heap: the reply to a request
 * ({@link EchoReply#toEcho()}) or the event the module publishes for every ECHO it answers. Each attribute is
 * present only if the request carried it.
 *
 * @param message VNET_NL_ATTR_MSG, a string of at most {@link VnetClient#MAX_MESSAGE_LENGTH} UTF-8 bytes
 * @param value   VNET_NL_ATTR_VALUE, an unsigned 32-bit integer (0 to 4294967295)
 * @param flag    VNET_NL_ATTR_FLAG
 */
public record Echo(Optional<String> message, OptionalLong value, Optional<Boolean> flag) implements VnetEvent {

    public Echo {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(flag, "flag");
        if (value.isPresent() && (value.getAsLong() < 0 || value.getAsLong() > 0xFFFF_FFFFL)) {
            throw new IllegalArgumentException("value " + value.getAsLong() + " is not an unsigned 32-bit integer");
        }
    }

    /** Formats it like the C sample client: {@code ECHO msg="hello" value=42 flag=1}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ECHO");
        message.ifPresent(m -> text.append(" msg=\"").append(m).append('"'));
        value.ifPresent(v -> text.append(" value=").append(v));
        flag.ifPresent(f -> text.append(" flag=").append(f ? 1 : 0));
        return text.toString();
    }
}
