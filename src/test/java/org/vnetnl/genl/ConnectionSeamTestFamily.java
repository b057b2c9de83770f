package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.libnl.LibNl;

/** A family as the controller would describe it, for tests over a scripted socket. */
final class ConnectionSeamTestFamily {

    private ConnectionSeamTestFamily() {}

    static Family of(int id) {
        return of("seam", id);
    }

    static Family of(String name, int id) {
        MemorySegment message = MemorySegment.ofArray(new byte[128]);
        AttributeWriter attributes = new AttributeWriter().wrap(message, MessageHeader.GENL_PAYLOAD,
                128 - MessageHeader.GENL_PAYLOAD);
        attributes.putU16(LibNl.CTRL_ATTR_FAMILY_ID(), id).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), name)
                .putU32(LibNl.CTRL_ATTR_VERSION(), 1);
        MessageHeader.writeGenl(message, 0, LibNl.GENL_ID_CTRL(), 0, 1, 0, LibNl.CTRL_CMD_NEWFAMILY(), 1);
        int length = (int) attributes.position();
        MessageHeader.setLength(message, 0, length);
        return Family.parse(new GenlMessage().wrap(message, 0, length, 0));
    }
}
