package org.vnetnl.vnet;

import java.time.Duration;
import java.util.Objects;

import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;

/**
 * Many ECHO requests in one round trip: sent in one datagram, their replies read with one {@code recvmmsg}
 * (a {@link GenlBatch} underneath). Made by {@link VnetClient#newEchoBatch(int)} and reused round after round;
 * nothing is allocated per request on the success path when replies are read into a view of the caller's
 * ({@link #reply(int, EchoReply)}). A reply kept from an earlier round throws {@link IllegalStateException}
 * instead of showing a later one.
 *
 * <pre>{@code
 * EchoBatch batch = client.newEchoBatch(16);
 * for (int i = 0; i < 16; i++) {
 *     batch.add("hello", i, true);
 * }
 * batch.execute();
 * for (int i = 0; i < 16; i++) {
 *     EchoReply reply = batch.reply(i);       // or a NetlinkException: this entry's own failure
 * }
 * }</pre>
 *
 * <p>Each entry has its own outcome: a typed {@link EchoReply} read in place, or the {@link NetlinkException}
 * that {@link VnetClient#echo} would have thrown for that request (the kernel's rejection naming the attribute,
 * a {@link ModuleUnloadedException}, EMSGSIZE, ENOBUFS or a timeout; see {@link GenlBatch}). The outcomes are
 * those of the last round until the next {@link #add}; the replies, read in place, are valid until the batch's
 * next round. A batch is used by one thread at a time; threads that send batches at once make one each.
 */
public final class EchoBatch {

    private final VnetClient client;
    private final GenlBatch batch;
    /** Where execute looks at each reply; never handed out. */
    private final GenlMessage checked = new GenlMessage();
    /** The failures of the last round, as the client reports them (translated); null where an entry succeeded. */
    private final NetlinkException[] errors;
    /** Whether the outcomes are those of the round just executed (an {@link #add} starts a new round). */
    private boolean executed;

    EchoBatch(VnetClient client, GenlBatch batch) {
        this.client = client;
        this.batch = batch;
        this.errors = new NetlinkException[batch.capacity()];
    }

    /** The most requests one round holds. */
    public int capacity() {
        return batch.capacity();
    }

    /** The requests added in this round (or executed in the last one). */
    public int size() {
        return batch.size();
    }

    /**
     * Adds an ECHO with all three attributes; the first {@code add} after {@link #execute} starts a new round.
     *
     * @param message VNET_NL_ATTR_MSG (the module accepts at most {@link VnetClient#MAX_MESSAGE_LENGTH} UTF-8 bytes)
     * @param value   VNET_NL_ATTR_VALUE, 0 to 4294967295
     * @param flag    VNET_NL_ATTR_FLAG
     * @throws IllegalArgumentException if the batch is full or its send buffer has no room (see {@link GenlBatch})
     */
    public EchoBatch add(CharSequence message, long value, boolean flag) {
        Objects.requireNonNull(message, "message");
        executed = false;
        client.addEcho(batch).msg(message).value(value).flag(flag ? 1 : 0);
        return this;
    }

    /** Sends the round and collects every reply, waiting at most the client's default timeout. */
    public void execute() throws NetlinkException {
        execute(client.timeout());
    }

    /**
     * Sends every ECHO added in one system call and collects the replies; returns when each entry has its
     * outcome (a failed entry does not make this throw).
     *
     * @throws NetlinkException when the round as a whole failed (see {@link GenlBatch#execute})
     */
    public void execute(Duration timeout) throws NetlinkException {
        executed = false;
        client.executeEchoBatch(batch, timeout);
        executed = true;
        boolean failed = false;
        for (int i = 0; i < batch.size(); i++) {
            errors[i] = null;
            try {
                if (batch.reply(i, checked) == null) {
                    // netlink_rcv_skb acknowledges a request without NLM_F_ACK only with an error.
                    throw new NetlinkException(0, org.vnetnl.internal.vnet.EchoRequest.OPERATION, 0,
                            "the module acknowledged without a reply");
                }
            } catch (NetlinkException e) {
                errors[i] = e;
                failed = true;
            }
        }
        // Only once every reply is wrapped: telling an unloaded module from a reloaded one asks the kernel, and
        // that receive ends the views of the batch's messages.
        for (int i = 0; failed && i < batch.size(); i++) {
            if (errors[i] != null) {
                errors[i] = client.translateError(errors[i]);
            }
        }
    }

    /**
     * The reply to entry {@code index}, read in place from the batch's own memory, in a view of its own
     * (allocated; {@link #reply(int, EchoReply)} allocates none); valid until the batch's next round, whatever else
     * the client receives meanwhile, after which it throws {@link IllegalStateException}.
     *
     * @throws NetlinkException the entry's own failure
     */
    public EchoReply reply(int index) throws NetlinkException {
        return reply(index, new EchoReply());
    }

    /**
     * As {@link #reply(int)}, wrapped in {@code view}, the caller's own: allocates nothing. The view is the
     * caller's to reuse (it then shows the entry it was last passed for); kept past the batch's next round, it
     * throws {@link IllegalStateException}.
     *
     * @return {@code view}
     */
    public EchoReply reply(int index, EchoReply view) throws NetlinkException {
        Objects.requireNonNull(view, "view");
        checkOutcome(index);
        if (errors[index] != null) {
            throw errors[index];
        }
        return view.wrap(batch, index);
    }

    /** The failure of entry {@code index}, or {@code null} when it succeeded. */
    public NetlinkException error(int index) {
        checkOutcome(index);
        return errors[index];
    }

    /** How many entries of the last round failed. */
    public int failures() {
        checkOutcome(0);
        int failed = 0;
        for (int i = 0; i < batch.size(); i++) {
            failed += errors[i] != null ? 1 : 0;
        }
        return failed;
    }

    private void checkOutcome(int index) {
        if (!executed) {
            throw new IllegalStateException("no outcomes: this round was not executed (an add() after execute()"
                    + " starts a new round)");
        }
        Objects.checkIndex(index, batch.size());
    }
}
