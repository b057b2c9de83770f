package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.vnetnl.internal.Errno;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.libnl.LibNl;
import org.vnetnl.internal.libnl.LibNlForTests;
import org.vnetnl.internal.libnl.sockaddr_nl;

/**
 * A connection reads unicast without the sender's address, relying on its socket being connected to the kernel:
 * the kernel then refuses unicast from any other port ({@code netlink_getsockbyportid}, ECONNREFUSED). Here
 * another process's socket forges the reply a request will get (same sequence number, type and port) and sends
 * it to the connection's port: the kernel refuses it, while an unconnected socket takes the same datagram, so
 * the refusal is the connection's doing; and the connection's next request gets the kernel's reply, nothing
 * discarded.
 */
class ForeignSenderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void anotherSocketsUnicastToTheConnectionIsRefusedByTheKernel() throws Throwable {
        // Generic netlink lets only privileged senders address a user port (NL_CFG_F_NONROOT_SEND is not set):
        // without privilege the send fails with EPERM before the connected check is reached.
        assumeTrue("root".equals(System.getProperty("user.name")), "sending to a netlink port needs root");
        try (Arena arena = Arena.ofConfined();
             GenlConnection connection = GenlConnection.open();
             OtherSocket forger = new OtherSocket(arena);
             OtherSocket unconnected = new OtherSocket(arena)) {
            Family nlctrl = connection.family("nlctrl");
            int sequence = getFamily(connection, nlctrl).sequence();
            // The reply the next GETFAMILY would get: the next sequence number, to the connection's port.
            MemorySegment forged = arena.allocate(64, 8);
            int length = MessageHeader.GENL_PAYLOAD;
            MessageHeader.writeGenl(forged, 0, nlctrl.id(), 0, sequence + 1, connection.portId(),
                    LibNl.CTRL_CMD_NEWFAMILY(), 1);
            MessageHeader.setLength(forged, 0, length);

            assertEquals(length, unconnected.sendTo(unconnected.port(), forged, length),
                    "an unconnected socket takes unicast from any port");
            long refused = forger.sendTo(connection.portId(), forged, length);
            assertEquals("ECONNREFUSED", refused < 0 ? Errno.name((int) -refused) : "sent " + refused + " bytes",
                    "the connection's socket must refuse unicast from another port");

            GenlMessage reply = getFamily(connection, nlctrl);
            assertEquals(sequence + 1, reply.sequence());
            AttributeReader attributes = reply.attributes();
            assertTrue(attributes.seek(LibNl.CTRL_ATTR_FAMILY_ID()), "the kernel's reply, not the forged one");
            assertEquals(nlctrl.id(), attributes.u16());
            assertEquals(0, connection.staleMessagesDiscarded());
        }
    }

    private static GenlMessage getFamily(GenlConnection connection, Family nlctrl) throws NetlinkException {
        connection.prepare(nlctrl, LibNl.CTRL_CMD_GETFAMILY()).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), "nlctrl");
        return connection.transact(TIMEOUT);
    }

    /** A netlink socket of its own, bound and not connected (libnl's nl_connect): another process's socket. */
    private static final class OtherSocket implements AutoCloseable {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MemoryLayout ERRNO_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final MethodHandle SENDTO = LINKER.downcallHandle(
                LINKER.defaultLookup().find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.captureCallState("errno"));

        private final MemorySegment socket;
        private final MemorySegment errno;
        private final MemorySegment address;

        OtherSocket(Arena arena) {
            socket = LibNl.nl_socket_alloc();
            assertTrue(!socket.equals(MemorySegment.NULL), "nl_socket_alloc");
            assertEquals(0, LibNlForTests.nl_connect(socket, LibNlForTests.NETLINK_GENERIC()), "nl_connect");
            errno = arena.allocate(ERRNO_STATE);
            address = arena.allocate(sockaddr_nl.layout());
            sockaddr_nl.nl_family(address, (short) LibNl.AF_NETLINK());
        }

        int port() {
            return LibNl.nl_socket_get_local_port(socket);
        }

        /** Sends {@code buffer[0, length)} to netlink port {@code to}: the bytes sent or -errno. */
        long sendTo(int to, MemorySegment buffer, int length) throws Throwable {
            sockaddr_nl.nl_pid(address, to);
            long sent = (long) SENDTO.invokeExact(errno, LibNl.nl_socket_get_fd(socket), buffer, (long) length, 0,
                    address, (int) sockaddr_nl.layout().byteSize());
            return sent >= 0 ? sent : -(int) ERRNO.get(errno, 0L);
        }

        @Override
        public void close() {
            LibNl.nl_socket_free(socket);
        }
    }
}
