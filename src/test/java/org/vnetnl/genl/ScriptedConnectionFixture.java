package org.vnetnl.genl;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.libnl.LibNl;

/**
 * What the tests over a {@link ScriptedSocket} share: a connection on the scripted socket (no extra dump sockets,
 * so every datagram goes through the script), opened before each test and closed after it, and a family with the
 * test's name and id as the controller would describe it. A test class's own {@code @BeforeEach} runs after the
 * connection is open.
 */
abstract class ScriptedConnectionFixture {

    final ScriptedSocket socket = new ScriptedSocket();
    GenlConnection connection;
    Family family;

    private final String familyName;
    private final int familyId;

    ScriptedConnectionFixture(String familyName, int familyId) {
        this.familyName = familyName;
        this.familyId = familyId;
    }

    @BeforeEach
    final void openOnScriptedSocket() throws NetlinkException {
        connection = new GenlConnection(ConnectionOptions.defaults().withDumpSockets(0), (arena, options) -> socket);
        family = family(familyName, familyId);
    }

    @AfterEach
    final void closeConnection() {
        connection.close();
    }

    /** A family as the controller's reply to CTRL_CMD_GETFAMILY describes it, at version 1. */
    static Family family(String name, int id) {
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
