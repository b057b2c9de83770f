package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_ID;
import static org.vnetnl.genl.Nlctrl.CTRL_ATTR_FAMILY_NAME;
import static org.vnetnl.genl.Nlctrl.CTRL_CMD_GETFAMILY;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.Errno;
import org.vnetnl.internal.libnl.LibNl;

/**
 * {@link GenlBatch} against the host kernel's controller: nlctrl GETFAMILY for families that exist and for one
 * that does not, each entry's outcome compared with what a single {@code transact} of the same request gives.
 */
class GenlBatchTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String ABSENT = "absent_family";

    private GenlConnection connection;
    private Family nlctrl;
    private List<String> names;

    @BeforeEach
    void open() throws NetlinkException {
        connection = GenlConnection.open();
        nlctrl = connection.family("nlctrl");
        names = new ArrayList<>();
        for (Family family : connection.families(TIMEOUT)) {
            names.add(family.name());
        }
    }

    @AfterEach
    void close() {
        connection.close();
    }

    /** What a single transact of GETFAMILY {@code name} gives: the family id, or the errno. */
    private String single(String name) throws NetlinkException {
        connection.prepare(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, name);
        try {
            AttributeReader reply = connection.transact(TIMEOUT).attributes();
            assertTrue(reply.seek(CTRL_ATTR_FAMILY_ID));
            return "id " + reply.u16();
        } catch (NetlinkException e) {
            return e.errnoName() + " " + e.extAckMessage().orElse("");
        }
    }

    private static int idOf(GenlMessage reply) {
        AttributeReader attributes = reply.attributes();
        assertTrue(attributes.seek(CTRL_ATTR_FAMILY_ID), "a GETFAMILY reply names the family id");
        return attributes.u16();
    }

    private static String outcome(GenlBatch batch, int index) {
        try {
            AttributeReader reply = batch.reply(index).attributes();
            assertTrue(reply.seek(CTRL_ATTR_FAMILY_ID));
            return "id " + reply.u16();
        } catch (NetlinkException e) {
            return e.errnoName() + " " + e.extAckMessage().orElse("");
        }
    }

    /**
     * Once a group is joined the batch's datagrams are read with their sender's address and group (before, the
     * kernel is the only possible sender and no address is asked for): the outcomes stay those of single requests,
     * and the same batch object works across the switch.
     */
    @Test
    void aBatchWorksTheSameBeforeAndAfterAGroupIsJoined() throws NetlinkException {
        GenlBatch batch = connection.newBatch(names.size() + 1, 8192);
        List<List<String>> rounds = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                connection.joinGroup(nlctrl, "notify");
            }
            for (String name : names) {
                batch.add(nlctrl, CTRL_CMD_GETFAMILY, 0, "GETFAMILY", null).putString(CTRL_ATTR_FAMILY_NAME, name);
            }
            batch.add(nlctrl, CTRL_CMD_GETFAMILY, 0, "GETFAMILY", null).putString(CTRL_ATTR_FAMILY_NAME, ABSENT);
            batch.execute(TIMEOUT);
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                outcomes.add(outcome(batch, i));
            }
            rounds.add(outcomes);
        }
        assertEquals(rounds.get(0), rounds.get(1), "before and after joining nlctrl's notify group");
        assertEquals(1, batch.failures());
        assertEquals("id " + nlctrl.id(), rounds.get(1).get(names.indexOf("nlctrl")));
    }

    /**
     * A request taken back is not sent, and the one added after it takes its place: last in the round, or first
     * when it was the only one. The batch then runs as if the taken-back one had never been added.
     */
    @Test
    void aRequestTakenBackIsNotSentAndTheNextTakesItsPlace() throws NetlinkException {
        GenlBatch batch = connection.newBatch(4, 8192);
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, ABSENT);
        batch.removeLast();
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, ABSENT);
        batch.removeLast();
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, names.getFirst());
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, ABSENT);
        batch.removeLast();
        batch.execute(TIMEOUT);
        assertEquals(2, batch.size());
        assertEquals(0, batch.failures());
        assertEquals(List.of(single("nlctrl"), single(names.getFirst())), List.of(outcome(batch, 0), outcome(batch, 1)));
        assertEquals(0, connection.staleMessagesDiscarded(), "no reply to a request taken back");
        assertThrows(IllegalStateException.class, batch::removeLast, "nothing added since the round ran");
        batch.close();
    }

    @Test
    void eachEntryGetsTheOutcomeASingleRequestGets() throws NetlinkException {
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            asked.addAll(names);
            asked.add(i, ABSENT);
        }
        GenlBatch batch = connection.newBatch(asked.size(), 8192);
        for (int round = 0; round < 3; round++) {
            for (String name : asked) {
                batch.add(nlctrl, CTRL_CMD_GETFAMILY, 0, "GETFAMILY", null).putString(CTRL_ATTR_FAMILY_NAME, name);
            }
            batch.execute(TIMEOUT);
            assertEquals(asked.size(), batch.size());
            assertEquals(3, batch.failures());
            List<String> batched = new ArrayList<>();
            for (int i = 0; i < asked.size(); i++) {
                batched.add(outcome(batch, i));
            }
            List<String> singles = new ArrayList<>();
            for (String name : asked) {
                singles.add(single(name));
            }
            assertEquals(singles, batched, "round " + round);
        }
        assertEquals(0, connection.staleMessagesDiscarded());
    }

    @Test
    void aFailedEntryCarriesTheKernelsErrorAndItsOperation() throws NetlinkException {
        GenlBatch batch = connection.newBatch(3, 8192);
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
        AttributePolicy schema = AttributePolicy.builder()
                .string(LibNl.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME", LibNl.GENL_NAMSIZ() - 1).build();
        batch.add(nlctrl, CTRL_CMD_GETFAMILY, 0, "GETFAMILY(wrong type)", schema)
                .putU32(LibNl.CTRL_ATTR_FAMILY_NAME(), 0x41414141);
        batch.add(nlctrl, CTRL_CMD_GETFAMILY, 0, "GETFAMILY(absent)", null).putString(CTRL_ATTR_FAMILY_NAME, ABSENT);
        batch.execute(TIMEOUT);

        assertTrue(batch.succeeded(0));
        assertEquals(nlctrl.id(), idOf(batch.reply(0)));

        NetlinkException invalid = batch.error(1);
        assertNotNull(invalid);
        assertEquals(Errno.EINVAL, invalid.errno(), invalid.getMessage());
        assertEquals("GETFAMILY(wrong type)", invalid.operation());
        assertEquals("CTRL_ATTR_FAMILY_NAME", invalid.attributeName().orElseThrow(), invalid.getMessage());
        assertTrue(invalid.extAckOffset().isPresent(), invalid.getMessage());

        NetlinkException absent = assertThrows(NetlinkException.class, () -> batch.reply(2));
        assertEquals(Errno.ENOENT, absent.errno());
        assertEquals("GETFAMILY(absent)", absent.operation());
        assertEquals(2, batch.failures());
    }

    @Test
    void repliesWithAnAcknowledgementBehindThemAndViewsThatGoStaleOnTheNextReceive() throws NetlinkException {
        GenlBatch batch = connection.newBatch(4, 8192);
        // CTRL_CMD_GETFAMILY answers with a reply and, with NLM_F_ACK, an acknowledgement behind it.
        for (int i = 0; i < 4; i++) {
            batch.add(nlctrl, CTRL_CMD_GETFAMILY, NetlinkFlags.ACK, null, null).putString(CTRL_ATTR_FAMILY_NAME,
                    "nlctrl");
        }
        batch.execute(TIMEOUT);
        for (int i = 0; i < 4; i++) {
            assertEquals(nlctrl.id(), idOf(batch.reply(i)));
        }
        GenlMessage first = batch.reply(0);
        // A request for a command nlctrl does not know: EOPNOTSUPP, sent with an ACK or not.
        batch.add(nlctrl, 200, NetlinkFlags.ACK, null, null);
        batch.execute(TIMEOUT);
        assertThrows(IllegalStateException.class, first::command, "the view of the last round is stale");
        assertEquals(Errno.EOPNOTSUPP, batch.error(0).errno());
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
        batch.execute(TIMEOUT);
        GenlMessage reply = batch.reply(0);
        assertEquals(nlctrl.id(), idOf(reply));
        single("nlctrl");
        assertEquals(nlctrl.id(), idOf(reply), "a transact has replies of its own: the batch's stay");
        batch.close();
        assertThrows(IllegalStateException.class, reply::command, "the batch's memory is gone");
    }

    @Test
    void aShortSocketReceiveBufferFailsTheDroppedRepliesWithEnobufs() throws NetlinkException {
        // The kernel doubles SO_RCVBUF and keeps at least 2 KiB: this one holds a few replies of ~1 KiB, not 200.
        try (GenlConnection small = GenlConnection.open(ConnectionOptions.defaults()
                .withSocketReceiveBufferSize(4096))) {
            Family controller = small.family("nlctrl");
            GenlBatch batch = small.newBatch(200, 8192);
            for (int i = 0; i < 200; i++) {
                batch.add(controller, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            }
            batch.execute(TIMEOUT);
            int delivered = 0;
            for (int i = 0; i < 200; i++) {
                if (batch.succeeded(i)) {
                    delivered++;
                    assertEquals(controller.id(), idOf(batch.reply(i)));
                } else {
                    assertEquals(Errno.ENOBUFS, batch.error(i).errno(), batch.error(i).getMessage());
                }
            }
            assertTrue(delivered > 0 && delivered < 200, delivered + " of 200 delivered");
            assertEquals(200 - delivered, batch.failures());
            // The connection stays usable; no group was joined, so no notification was lost.
            assertNull(small.pollNotification());
            small.prepare(controller, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            assertEquals(controller.id(), idOf(small.transact(TIMEOUT)));
        }
    }

    @Test
    void aReplyLargerThanItsSlotFailsItsEntryOnly() throws NetlinkException {
        Optional<String> large = names.stream().filter(n -> !n.equals("nlctrl")).findFirst();
        GenlBatch batch = connection.newBatch(2, GenlConnection.MIN_BATCH_REPLY_SIZE);
        // A GETFAMILY reply lists the family's operations; nlctrl's fits 4 KiB, a padded request does not matter.
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, large.orElse("nlctrl"));
        batch.execute(TIMEOUT);
        assertTrue(batch.succeeded(0));
        assertTrue(batch.succeeded(1) || batch.error(1).errno() == Errno.EMSGSIZE);
    }

    @Test
    void misuseIsRefusedWithAClearMessage() throws NetlinkException {
        GenlBatch batch = connection.newBatch(2, 8192);
        assertThrows(IllegalStateException.class, () -> batch.execute(TIMEOUT), "empty");
        assertThrows(IllegalArgumentException.class, () -> batch.add(nlctrl, CTRL_CMD_GETFAMILY, LibNl.NLM_F_DUMP(),
                null, null));
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
        assertThrows(IllegalStateException.class, () -> batch.reply(0), "not executed yet");
        batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> batch.add(nlctrl, CTRL_CMD_GETFAMILY));
        assertTrue(full.getMessage().contains("full"), full.getMessage());
        batch.execute(TIMEOUT);
        assertThrows(IllegalStateException.class, () -> batch.execute(TIMEOUT), "executed already");
        assertThrows(IndexOutOfBoundsException.class, () -> batch.reply(2));
        assertThrows(IllegalArgumentException.class, () -> connection.newBatch(0));
        assertThrows(IllegalArgumentException.class, () -> connection.newBatch(2, 100));
        // A reply size whose alignment overflows an int is named, not passed on as a negative allocation.
        for (int replySize : List.of(Integer.MAX_VALUE, Integer.MAX_VALUE - 2, Integer.MAX_VALUE / 2)) {
            IllegalArgumentException tooLarge = assertThrows(IllegalArgumentException.class,
                    () -> connection.newBatch(1, replySize));
            assertEquals("replySize " + replySize + " is too large: 2 reply slots of it exceed 2 GiB",
                    tooLarge.getMessage());
        }

        // More requests than the send buffer holds: refused, not split.
        GenlBatch big = connection.newBatch(GenlConnection.MAX_BATCH, 8192);
        RuntimeException overflow = assertThrows(RuntimeException.class, () -> {
            for (int i = 0; i < GenlConnection.MAX_BATCH; i++) {
                big.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "x".repeat(15));
            }
        });
        assertTrue(overflow instanceof IllegalArgumentException || overflow instanceof IllegalStateException);
        assertTrue(overflow.getMessage().contains("bytes"), overflow.getMessage());
        big.clear();

        // A batch is used by one thread at a time, any thread: handed over, it runs there (before: refused).
        java.util.concurrent.atomic.AtomicInteger id = new java.util.concurrent.atomic.AtomicInteger();
        Thread other = Thread.ofPlatform().unstarted(() -> {
            try {
                batch.add(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
                batch.execute(TIMEOUT);
                id.set(idOf(batch.reply(0)));
            } catch (NetlinkException e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        assertTrue(joined(other));
        assertEquals(nlctrl.id(), id.get());
    }

    private static boolean joined(Thread thread) {
        try {
            thread.join(10_000);
            return !thread.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void aBatchIsOneSendAndOneReceiveSystemCall() throws NetlinkException {
        int[] calls = new int[2];
        // The kernel's socket under a seam that counts the connection's calls into it: each is one system call
        // (sendto, recvmmsg), retried only on EINTR.
        SocketOpener counting = (arena, options) -> new CountingSocket(
                new NativeNetlinkSocket(arena, options.socketReceiveBufferSize(), options.sendBufferSize()), calls);
        try (GenlConnection counted = new GenlConnection(ConnectionOptions.defaults(), counting)) {
            Family controller = counted.family("nlctrl");
            GenlBatch batch = counted.newBatch(64, 8192);
            int sendsBefore = calls[0];
            int receivesBefore = calls[1];
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < 64; i++) {
                    batch.add(controller, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
                }
                batch.execute(TIMEOUT);
                assertEquals(0, batch.failures());
            }
            assertEquals(50, calls[0] - sendsBefore, "send calls for 50 batches of 64");
            assertEquals(50, calls[1] - receivesBefore, "receive calls for 50 batches of 64");
        }
    }

    /** Counts sends and receives on their way to the real socket. */
    private record CountingSocket(NetlinkSocket socket, int[] calls) implements NetlinkSocket {
        @Override public int portId() { return socket.portId(); }
        @Override public long send(java.lang.foreign.MemorySegment buffer, int length) {
            calls[0]++;
            return socket.send(buffer, length);
        }
        @Override public long receive(java.lang.foreign.MemorySegment buffer, long offset, long capacity) {
            calls[1]++;
            return socket.receive(buffer, offset, capacity);
        }
        @Override public long receiveMany(java.lang.foreign.MemorySegment buffer, long[] slots, long slotSize,
                                          int count) {
            calls[1]++;
            return socket.receiveMany(buffer, slots, slotSize, count);
        }
        @Override public int receivedLength(int index) { return socket.receivedLength(index); }
        @Override public int receivedSender(int index) { return socket.receivedSender(index); }
        @Override public int receivedGroup(int index) { return socket.receivedGroup(index); }
        @Override public int sender() { return socket.sender(); }
        @Override public int group() { return socket.group(); }
        @Override public int joinGroup(int group) { return socket.joinGroup(group); }
        @Override public int leaveGroup(int group) { return socket.leaveGroup(group); }
        @Override public void await(long deadline) { socket.await(deadline); }
        @Override public void close() { socket.close(); }
    }
}
