package org.vnetnl.vnet;

import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;

import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.vnet.AttrReader;
import org.vnetnl.internal.vnet.VnetNl;

/**
 * The reply to an ECHO, read in place from the receive buffer of the thread that sent it, through the reader
 * generated from the spec ({@code org.vnetnl.internal.vnet.AttrReader}): no copy. Its validity is the
 * connection's one rule: valid until that thread's next call on the client's connection (the next ECHO,
 * statistics or event call, or close); after that its accessors throw {@link IllegalStateException} rather than
 * show another reply. Keep what is needed with the copy accessors ({@link #copyMessage(byte[])},
 * {@link #message()}) or {@link #toEcho()}.
 *
 * <p>{@link VnetClient#echo(CharSequence, long, boolean)} returns a reply of its own each time (a small
 * allocation). To allocate nothing, make one {@code EchoReply} and pass it to each call
 * ({@link VnetClient#echo(CharSequence, long, boolean, EchoReply)}, {@link EchoRequest#send(EchoReply)},
 * {@link EchoBatch#reply(int, EchoReply)}): the caller's view is rewrapped and shows the reply it was last
 * passed for.
 *
 * <p>Each attribute is present only if the request carried it. Not thread-safe: one thread at a time.
 */
public final class EchoReply {

    // Names for messages, as the spec and the uapi header spell them.
    private static final String FLAG_NAME = VnetNl.Policy.ECHO.nameOf(VnetNl.Attr.FLAG);
    private static final String MSG_NAME = VnetNl.Policy.ECHO.nameOf(VnetNl.Attr.MSG);
    private static final String VALUE_NAME = VnetNl.Policy.ECHO.nameOf(VnetNl.Attr.VALUE);

    /** The reader of the reply this view shows: its own, or one sharing the sending thread's index. */
    private AttrReader reply;
    /** Read at wrap, so that {@link #sequence()} needs no header read later. */
    private int sequence;
    /** For the calls that read into this view: its own message view and reader, made at first use. */
    private GenlMessage ownMessage;
    private AttrReader ownReader;

    /** An empty view, to pass to the calls that read a reply into it without allocating. */
    public EchoReply() {}

    /** A view of its own over {@code reader}, a reader that fails once its bytes or its index move on. */
    static EchoReply of(AttrReader reader, int sequence) {
        return new EchoReply().show(reader, sequence);
    }

    /** Sends {@code request} and reads its reply into this view's own objects. */
    EchoReply receive(org.vnetnl.internal.vnet.EchoRequest request, Duration timeout) throws NetlinkException {
        makeOwnObjects();
        request.call(timeout, ownMessage, ownReader);
        return show(ownReader, ownMessage.sequence());
    }

    /** Points the view at the reply of entry {@code index} of {@code batch}, in this view's own objects. */
    EchoReply wrap(GenlBatch batch, int index) throws NetlinkException {
        makeOwnObjects();
        ownReader.wrap(batch.reply(index, ownMessage));
        return show(ownReader, ownMessage.sequence());
    }

    private void makeOwnObjects() {
        if (ownMessage == null) {
            ownMessage = new GenlMessage();
            ownReader = new AttrReader();
        }
    }

    /**
     * Shows {@code reader} from now on. Until a call succeeds the view keeps what it showed: nothing for a new view,
     * else its last reply, whose bytes the failed call replaced, so that it fails rather than read them.
     */
    private EchoReply show(AttrReader reader, int sequence) {
        this.reply = reader;
        this.sequence = sequence;
        if (reader.hasMsg()) {
            // Checked here, so that a malformed reply fails now rather than in a later accessor.
            reader.msgLength();
        }
        return this;
    }

    /** The reader; each of its accessors fails once the bytes it indexed are gone. */
    private AttrReader reply() {
        if (reply == null) {
            throw new IllegalStateException("this EchoReply shows no reply yet: pass it to VnetClient.echo(...),"
                    + " EchoRequest.send(...) or EchoBatch.reply(int, EchoReply)");
        }
        return reply;
    }

    private AttrReader withMessage() {
        AttrReader r = reply();
        if (!r.hasMsg()) {
            throw new NoSuchElementException("the reply has no " + MSG_NAME + " (the request carried none)");
        }
        return r;
    }

    /** Whether the reply carries VNET_NL_ATTR_MSG. */
    public boolean hasMessage() {
        return reply().hasMsg();
    }

    /** Length of the message in UTF-8 bytes, without the NUL. No allocation. */
    public int messageLength() {
        return withMessage().msgLength();
    }

    /** Whether the message is exactly {@code expected}, compared byte by byte in UTF-8. No allocation. */
    public boolean messageEquals(String expected) {
        return withMessage().msgEquals(expected);
    }

    /**
     * Copies the message's UTF-8 bytes, without the NUL, to the start of {@code destination}. No allocation.
     *
     * @return the number of bytes copied
     * @throws IllegalArgumentException if {@code destination} is too short (at most
     *                                  {@link VnetClient#MAX_MESSAGE_LENGTH} bytes are ever needed)
     */
    public int copyMessage(byte[] destination) {
        return withMessage().copyMsg(destination);
    }

    /** The message as a new String. Allocates. */
    public String message() {
        return withMessage().msg();
    }

    /** Whether the reply carries VNET_NL_ATTR_VALUE. */
    public boolean hasValue() {
        return reply().hasValue();
    }

    /** VNET_NL_ATTR_VALUE, 0 to 4294967295. */
    public long value() {
        AttrReader r = reply();
        if (!r.hasValue()) {
            throw new NoSuchElementException("the reply has no " + VALUE_NAME + " (the request carried none)");
        }
        return r.value();
    }

    /** Whether the reply carries VNET_NL_ATTR_FLAG. */
    public boolean hasFlag() {
        return reply().hasFlag();
    }

    /** VNET_NL_ATTR_FLAG: whether it is set (the module only accepts 0 and 1). */
    public boolean flag() {
        AttrReader r = reply();
        if (!r.hasFlag()) {
            throw new NoSuchElementException("the reply has no " + FLAG_NAME + " (the request carried none)");
        }
        return r.flag() != 0;
    }

    /** The netlink sequence number of the request this answers. */
    public int sequence() {
        reply().hasMsg(); // the validity check every accessor makes: the sequence belongs to bytes still there
        return sequence;
    }

    /** An immutable copy on the Java heap, valid for as long as it is referenced. Allocates. */
    public Echo toEcho() {
        AttrReader r = reply();
        return new Echo(r.hasMsg() ? Optional.of(r.msg()) : Optional.empty(),
                r.hasValue() ? OptionalLong.of(r.value()) : OptionalLong.empty(),
                r.hasFlag() ? Optional.of(r.flag() != 0) : Optional.empty());
    }

    @Override
    public String toString() {
        try {
            return toEcho().toString();
        } catch (IllegalStateException stale) {
            return "EchoReply[no longer valid]";
        }
    }
}
