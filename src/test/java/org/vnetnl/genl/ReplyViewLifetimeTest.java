package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vnetnl.genl.ScriptedSocket.datagram;
import static org.vnetnl.genl.ScriptedSocket.done;
import static org.vnetnl.genl.ScriptedSocket.genl;
import static org.vnetnl.genl.ScriptedSocket.sequenceOf;
import static org.vnetnl.genl.ScriptedSocket.sequencesOf;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A view kept past the call that handed it out never shows a later message: the reply of a thread's last call,
 * the parts of its last dump, its last notification and a batch's last round each throw
 * {@link IllegalStateException} once newer bytes could be behind them, on a {@link ScriptedSocket} whose replies
 * name their request by command.
 */
class ReplyViewLifetimeTest extends ScriptedConnectionFixture {

    private static final int FAMILY = 0x31;
    private static final int GROUP = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    ReplyViewLifetimeTest() {
        super("views", FAMILY);
    }

    @BeforeEach
    void answerWithTheRequestsCommand() {
        // Every request is answered with a reply carrying its own command, so a view shows which reply it reads.
        socket.answering(request -> {
            int command = MemorySegment.ofArray(request).get(java.lang.foreign.ValueLayout.JAVA_BYTE,
                    MessageHeader.GENL_COMMAND);
            socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), command, 0)));
        });
    }

    private GenlMessage call(int command) throws NetlinkException {
        connection.prepare(family, command);
        return connection.transact(TIMEOUT);
    }

    @Test
    void aReplyKeptPastTheNextCallThrowsInsteadOfShowingTheNextReply() throws NetlinkException {
        GenlMessage first = call(1);
        AttributeReader firstAttributes = first.attributes();
        GenlMessage second = call(2);
        assertNotSame(first, second, "each call hands out a view of its own");
        assertEquals(2, second.command());
        assertThrows(IllegalStateException.class, first::command);
        assertThrows(IllegalStateException.class, firstAttributes::next);
        assertThrows(IllegalStateException.class, first::copy);
    }

    @Test
    void theCallersOwnViewShowsWhatItWasLastPassedForAndNothingLater() throws NetlinkException {
        GenlMessage view = new GenlMessage();
        connection.prepare(family, 3);
        assertSame(view, connection.transact(TIMEOUT, view));
        assertEquals(3, view.command());
        connection.prepare(family, 4);
        assertSame(view, connection.transact(TIMEOUT, view), "rewrapped where the caller said");
        assertEquals(4, view.command());
        GenlMessage other = call(5);
        assertEquals(5, other.command());
        assertThrows(IllegalStateException.class, view::command, "a later call was not passed this view");
    }

    @Test
    void partsKeptFromAnEarlierDumpThrow() throws NetlinkException {
        socket.answering(request -> {
            int sequence = sequenceOf(request);
            socket.queue(datagram(0, genl(FAMILY, LibNl.NLM_F_MULTI(), sequence, 7, 0),
                    genl(FAMILY, LibNl.NLM_F_MULTI(), sequence, 8, 0)));
            socket.queue(datagram(0, done(sequence)));
        });
        List<GenlMessage> kept = new ArrayList<>();
        connection.prepareDump(family, 1);
        connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, kept::add);
        assertEquals(2, kept.size());
        assertNotSame(kept.get(0), kept.get(1), "each part in a view of its own");
        List<GenlMessage> later = new ArrayList<>();
        connection.prepareDump(family, 1);
        connection.dump(TIMEOUT, DumpInterruptPolicy.FAIL, part -> {
            later.add(part);
            assertEquals(7 + later.size() - 1, part.command());
        });
        for (GenlMessage part : kept) {
            assertThrows(IllegalStateException.class, part::command, "a part of the earlier dump");
        }
    }

    @Test
    void aNotificationKeptPastTheNextCallThrows() throws NetlinkException {
        socket.answering(request -> {
            socket.queue(datagram(GROUP, genl(FAMILY, 0, 0, 21, 0), genl(FAMILY, 0, 0, 22, 0)));
            socket.queue(datagram(0, genl(FAMILY, 0, sequenceOf(request), 9, 0)));
        });
        assertEquals(9, call(9).command());
        GenlMessage first = connection.receiveNotification(TIMEOUT);
        assertEquals(21, first.command());
        GenlMessage second = connection.pollNotification();
        assertNotSame(first, second);
        assertEquals(22, second.command());
        assertThrows(IllegalStateException.class, first::command);
    }

    @Test
    void aBatchReplyKeptFromTheLastRoundThrows() throws NetlinkException {
        try (GenlBatch batch = connection.newBatch(4)) {
            socket.answering(request -> {
                for (int sequence : sequencesOf(request)) {
                    socket.queue(datagram(0, genl(FAMILY, 0, sequence, 10 + sequencesOf(request).indexOf(sequence),
                            0)));
                }
            });
            batch.add(family, 1);
            batch.add(family, 1);
            batch.execute(TIMEOUT);
            GenlMessage firstRound = batch.reply(0);
            GenlMessage ownView = batch.reply(1, new GenlMessage());
            assertEquals(10, firstRound.command());
            assertEquals(11, ownView.command());
            assertNotSame(firstRound, batch.reply(0), "each reply(int) in a view of its own");

            batch.add(family, 1);
            batch.add(family, 1);
            batch.execute(TIMEOUT);
            assertEquals(10, batch.reply(0).command());
            assertThrows(IllegalStateException.class, firstRound::command, "a reply of the round before");
            assertThrows(IllegalStateException.class, ownView::command, "the caller's view of the round before");
            assertSame(ownView, batch.reply(1, ownView));
            assertEquals(11, ownView.command());
        }
    }
}
