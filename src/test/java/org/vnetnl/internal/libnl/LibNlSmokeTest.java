package org.vnetnl.internal.libnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Checks that the generated bindings link against the installed libnl-3/libnl-genl-3 (by soname) and
 * talk to the running kernel: if a symbol, a signature or the library loading were wrong, these calls
 * would fail to link, crash or return nonsense.
 */
class LibNlSmokeTest {

    @Test
    void resolvesTheGenericNetlinkControllerThroughLibnl() {
        int familyId = withConnectedGenlSocket(socket -> resolve(socket, "nlctrl"));

        // The kernel's answer must match the fixed id declared in linux/genetlink.h.
        assertEquals(LibNl.GENL_ID_CTRL(), familyId, () -> "genl_ctrl_resolve(\"nlctrl\"): " + describe(familyId));
    }

    @Test
    void reportsAnUnknownFamilyAsALibnlErrorWithAMessage() {
        int result = withConnectedGenlSocket(socket -> resolve(socket, "no_such_family"));

        assertEquals(-LibNlForTests.NLE_OBJ_NOTFOUND(), result, () -> "genl_ctrl_resolve(unknown): " + describe(result));
        assertFalse(describe(result).isBlank(), "nl_geterror gave no text");
    }

    @Test
    void structLayoutsAgreeWithTheHeaderLengthMacros() {
        // The *_HDRLEN macros are evaluated by the C compiler from sizeof(struct ...), the layouts are
        // built by jextract field by field: both must describe the same ABI.
        assertEquals(LibNlForTests.NLMSG_HDRLEN(), nlmsghdr.layout().byteSize());
        assertEquals(LibNlForTests.GENL_HDRLEN(), genlmsghdr.layout().byteSize());
        assertEquals(LibNlForTests.NLA_HDRLEN(), nlattr.layout().byteSize());
    }

    private static int withConnectedGenlSocket(ToIntFunction<MemorySegment> action) {
        MemorySegment socket = LibNl.nl_socket_alloc();
        assertFalse(socket.equals(MemorySegment.NULL), "nl_socket_alloc returned NULL");
        try {
            int connected = LibNlForTests.genl_connect(socket);
            assertEquals(0, connected, () -> "genl_connect: " + describe(connected));
            return action.applyAsInt(socket);
        } finally {
            LibNl.nl_socket_free(socket);
        }
    }

    private static int resolve(MemorySegment socket, String familyName) {
        try (Arena arena = Arena.ofConfined()) {
            return LibNlForTests.genl_ctrl_resolve(socket, arena.allocateFrom(familyName));
        }
    }

    /** libnl's text for a negative libnl error code; the value itself for anything else. */
    private static String describe(int result) {
        if (result >= 0) {
            return Integer.toString(result);
        }
        // nl_geterror returns a pointer to a static string of unknown length.
        String message = LibNl.nl_geterror(result).reinterpret(Long.MAX_VALUE).getString(0);
        return result + " (" + message + ")";
    }
}
