package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Several requests sent to the kernel in one datagram and answered together: a round trip for many requests in
 * two system calls, {@code sendto} for all of them and {@code recvmmsg} for their replies. Made by
 * {@link GenlConnection#newBatch} and reused: fill it with {@link #add}, run it with {@link #execute}, read each
 * entry's outcome with {@link #reply(int)} or {@link #error(int)}, then {@link #add} again for the next round.
 *
 * <p><b>What the kernel does.</b> It takes the messages of a datagram one after the other
 * ({@code netlink_rcv_skb}) and answers each on its own: the reply, or an NLMSG_ERROR with the errno and the
 * extended acknowledgement when the request failed (a failure does not stop the requests behind it), plus an
 * acknowledgement when the request carries {@link NetlinkFlags#ACK}. Every entry therefore gets its own
 * outcome, matched by sequence number: a reply view, {@code null} for a request without reply that asked for an
 * acknowledgement, or a {@link NetlinkException} with the errno, the operation, the extended-ack message and
 * offset and the attribute's name, as {@link GenlConnection#transact} would have thrown it. A batch holds doit
 * requests only: dumps go through {@link GenlConnection#dump}.
 *
 * <p><b>Memory.</b> The batch's send buffer ({@link ConnectionOptions#sendBufferSize()} bytes, the largest
 * datagram the socket is set up to send) and its reply slots ({@link #capacity()} + 1 of
 * {@code replySize} bytes each, one datagram each) are allocated once, in an arena of the batch's own, and freed
 * by {@link #close()} (or, for a batch nobody closed, once it is unreachable). A round allocates nothing per entry on its success path (the JDK's errno capture
 * of the {@code recvmmsg} downcall slices a 40-byte segment per call, which C2 usually, but not in every JVM,
 * scalar-replaces); replies are flyweight views over
 * the reply slots, valid until the batch's next {@code execute} or its close, after which they throw
 * {@link IllegalStateException}.
 *
 * <p><b>Limits.</b> A batch is not split: when its requests would not fit the send buffer, {@link #add} throws
 * {@link IllegalArgumentException} (the headers do not fit) and the writer {@link IllegalStateException} (an
 * attribute does not fit), and the caller executes what it has and adds the rest to the next round. A reply
 * longer than {@code replySize} fails its own entry with EMSGSIZE. When the socket's receive buffer
 * ({@link ConnectionOptions#socketReceiveBufferSize()}) cannot hold all the replies at once, the kernel
 * drops some (ENOBUFS): the replies that arrived are delivered, and every entry whose reply was lost fails with
 * ENOBUFS, never silently (its request was still carried out by the kernel).
 *
 * <p><b>Threads.</b> Not thread-safe, and not checked on each access: a batch, the writer its {@link #add}
 * returns and the reply views it hands out are used by one thread at a time, as a {@link StringBuilder} is (see
 * the package documentation); the batch may pass to another thread through something that orders the two. Where
 * overlapping use would free or overwrite memory another thread is reading, it is refused on a best-effort basis:
 * an {@code execute} while another runs, and a {@link #close()} during one, throw {@link IllegalStateException}.
 * Threads that run batches at once make one batch each; they share the connection, whose other calls go on
 * meanwhile.
 *
 * <p><b>Timeouts, cancellation</b> are those of {@link GenlConnection#transact}: entries still unanswered when the timeout passes fail with
 * {@link NetlinkTimeoutException}; {@link Thread#interrupt()} or {@link GenlConnection#close()} from another
 * thread ends a waiting {@code execute} with {@link NetlinkCancelledException} (the replies that arrive later
 * are discarded by the connection as stale). Multicast notifications that arrive in between are kept for
 * {@link GenlConnection#receiveNotification}.
 */
public final class GenlBatch implements AutoCloseable {

    private static final byte EMPTY = 0;
    private static final byte PENDING = 1;
    private static final byte REPLIED = 2;
    private static final byte DONE = 3;
    private static final byte FAILED = 4;

    private final GenlConnection connection;
    private final Exchange exchange;
    private final Calls calls;
    private final Arena arena;
    private final Cleaner.Cleanable release;
    private final BufferGeneration generation = new BufferGeneration();
    private final Round round = new Round();
    /** Whether a thread is inside {@link #execute} (or the batch is closed, {@link #CLOSED}). */
    private final AtomicInteger use = new AtomicInteger();
    private static final int CLOSED = -1;
    private final MemorySegment sendBuffer;
    private final MemorySegment replyArea;
    private final int replySize;
    private final AttributeWriter writer = AttributeWriter.pinned();
    private final Request[] entries;
    private final byte[] states;
    private final int[] replyOffsets;
    private final int[] replyLengths;
    private final NetlinkException[] errors;
    /** Per reply slot: whether it holds a reply handed out this round (and so must not be received into). */
    private final boolean[] slotHeld;
    /** The free slots of the next receive: their offsets in {@link #replyArea}, and their numbers. */
    private final long[] freeOffsets;
    private final int[] freeSlots;

    private int size;
    /** Where the next request goes in the send buffer. */
    private int end;
    /**
     * Where the next request goes after {@link #removeLast()} took one back (the entry before it is sealed
     * already), or -1.
     */
    private int resumeAt = -1;
    /** Whether the last round ran to its end, so its outcomes may be read. */
    private boolean complete;
    private int pending;
    private int failures;
    private int firstSequence;

    /** See {@link GenlConnection#newBatch(int, int)}: checks the sizes, then makes the batch. */
    static GenlBatch create(GenlConnection connection, Exchange exchange, Calls calls, int sendBufferSize,
                            int capacity, int replySize) {
        if (exchange.isClosed()) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        if (capacity < 1 || capacity > GenlConnection.MAX_BATCH) {
            throw new IllegalArgumentException("a batch holds 1.." + GenlConnection.MAX_BATCH + " requests, got "
                    + capacity);
        }
        if (replySize < GenlConnection.MIN_BATCH_REPLY_SIZE) {
            throw new IllegalArgumentException("replySize " + replySize + " is too small (min "
                    + GenlConnection.MIN_BATCH_REPLY_SIZE + ")");
        }
        // In long: aligning Integer.MAX_VALUE in int arithmetic wraps to a negative size.
        long slotSize = NetlinkAlignment.nlmsgAlign((long) replySize);
        if (slotSize * (capacity + 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("replySize " + replySize + " is too large: " + (capacity + 1)
                    + " reply slots of it exceed 2 GiB");
        }
        return new GenlBatch(connection, exchange, calls, sendBufferSize, capacity, (int) slotSize);
    }

    GenlBatch(GenlConnection connection, Exchange exchange, Calls calls, int sendBufferSize, int capacity,
              int replySize) {
        this.connection = connection;
        this.calls = calls;
        this.exchange = exchange;
        this.arena = Arena.ofShared();
        try {
            this.sendBuffer = arena.allocate(sendBufferSize, 8);
            this.replyArea = arena.allocate((long) replySize * (capacity + 1), 8);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.release = GenlConnection.CLEANER.register(this, arena::close);
        this.replySize = replySize;
        this.entries = new Request[capacity];
        for (int i = 0; i < capacity; i++) {
            entries[i] = new Request(sendBuffer, writer);
        }
        this.states = new byte[capacity];
        this.replyOffsets = new int[capacity];
        this.replyLengths = new int[capacity];
        this.errors = new NetlinkException[capacity];
        // One slot more than entries: a reply is kept in its slot, and the acknowledgement behind it needs one.
        this.slotHeld = new boolean[capacity + 1];
        this.freeOffsets = new long[capacity + 1];
        this.freeSlots = new int[capacity + 1];
    }

    /** The connection that made this batch and sends it. */
    public GenlConnection connection() {
        return connection;
    }

    /** The most requests one round holds. */
    public int capacity() {
        return entries.length;
    }

    /** The requests added in this round (or executed in the last one). */
    public int size() {
        return size;
    }

    /** The largest reply datagram a slot holds. */
    public int replySize() {
        return replySize;
    }

    /** Adds a request for {@code command} of {@code family} with no flags; see {@link #add(Family, int, int, String, AttributePolicy)}. */
    public AttributeWriter add(Family family, int command) {
        return add(family, command, 0, null, null);
    }

    /**
     * Writes the headers of the next request into the batch's send buffer, right after the previous one, and
     * returns the writer for its attributes (the same writer for every entry: what is written goes into the
     * entry added last). The first {@code add} after an {@link #execute} starts a new round.
     *
     * @param flags NLM_F_* flags besides NLM_F_REQUEST: {@link NetlinkFlags#ACK} to have a request without reply
     *              acknowledged; not NLM_F_DUMP
     * @param operation how errors name this request; null for a generic name. Pass a constant: it is kept
     * @param schema the request's attribute policy, used to name the attribute an error points at; may be null
     * @throws IllegalArgumentException if the batch is full, its send buffer has no room for another request's
     *         headers, or {@code flags} ask for a dump
     * @throws IllegalStateException if the previous entry still has a nested attribute open
     */
    public AttributeWriter add(Family family, int command, int flags, String operation, AttributePolicy schema) {
        Objects.requireNonNull(family, "family");
        int at = startEntry(flags, (flags & LibNl.NLM_F_DUMP()) != 0,
                MessageHeader.GENL_PAYLOAD + NetlinkAlignment.nlaAlign(family.headerSize()));
        AttributeWriter attributes = entries[size].prepareAt(at, family.id(), command, family.version(), flags,
                family, operation, schema, exchange.nextSequence(), exchange.portId());
        return added(attributes);
    }

    /**
     * Adds a netlink-raw request (a connection opened with {@link GenlConnection#openRaw}), as
     * {@link GenlConnection#prepareRaw} writes one: its netlink header and {@code headerSize} zeroed bytes for the
     * fixed header, which the caller fills in through {@link AttributeWriter#segment()} at
     * {@code position() - nlaAlign(headerSize)}. nfnetlink's transactions (nftables' batch-begin ... batch-end)
     * must arrive in one send, as a batch sends them.
     */
    public AttributeWriter addRaw(int messageType, int flags, int headerSize, String operation) {
        if (connection.protocol() == NativeNetlinkSocket.NETLINK_GENERIC) {
            throw new IllegalStateException("a generic netlink connection sends requests of a family: use add");
        }
        // A new request's EXCL (0x200) and REPLACE (0x100) are a get request's MATCH and ROOT: only both is a dump.
        int at = startEntry(flags, (flags & LibNl.NLM_F_DUMP()) == LibNl.NLM_F_DUMP(),
                NetlinkAlignment.NLMSG_HDRLEN + NetlinkAlignment.nlaAlign(Math.max(0, headerSize)));
        AttributeWriter attributes = entries[size].prepareRawAt(at, messageType, flags, headerSize, operation,
                exchange.nextSequence(), exchange.portId());
        return added(attributes);
    }

    /** Checks that one more entry of {@code headers} bytes fits and returns where it starts. */
    private int startEntry(int flags, boolean dump, int headers) {
        calls.checkBatchable(connection.caller());
        checkOpen();
        if (dump) {
            throw new IllegalArgumentException("a batch holds doit requests only, not NLM_F_DUMP: run dumps with"
                    + " GenlConnection.dump(...)");
        }
        if (complete || (size > 0 && states[0] != EMPTY)) {
            clear();
        }
        if (size == entries.length) {
            throw new IllegalArgumentException("the batch is full (" + entries.length + " requests): execute it and"
                    + " add the rest to the next round");
        }
        int at = size == 0 ? 0 : resumeAt >= 0 ? resumeAt : sealLast();
        resumeAt = -1;
        if (at + headers > sendBuffer.byteSize()) {
            throw new IllegalArgumentException("the batch's send buffer (" + sendBuffer.byteSize() + " bytes,"
                    + " ConnectionOptions.sendBufferSize) has no room for request " + (size + 1) + " after " + at
                    + " bytes: execute it and add the rest to the next round");
        }
        return at;
    }

    private AttributeWriter added(AttributeWriter attributes) {
        if (size == 0) {
            firstSequence = entries[0].sequence();
        }
        size++;
        return attributes;
    }

    /** Seals the entry added last and returns where the next one starts. */
    private int sealLast() {
        Request last = entries[size - 1];
        int length = last.seal();
        return (int) NetlinkAlignment.nlmsgAlign(last.start() + (long) length);
    }

    /**
     * Takes back the request added last, before the round is executed: its bytes are overwritten by the next
     * {@link #add} and it is not sent. For a request that turned out not to fit (its writer threw
     * {@link IllegalStateException} for an attribute with no room left): execute the round without it, then add it
     * again as the first request of the next one.
     *
     * @throws IllegalStateException if nothing was added in this round, or the round was executed already
     */
    public void removeLast() {
        checkOpen();
        if (size == 0 || complete || states[0] != EMPTY) {
            throw new IllegalStateException(size == 0 || complete ? "the batch has no request added in this round"
                    : "the batch was executed already: add(...) the requests of the next round");
        }
        size--;
        resumeAt = size == 0 ? -1 : entries[size].start();
    }

    /** Empties the batch: the outcomes of the last round are gone, the next {@link #add} is its first entry. */
    public void clear() {
        for (int i = 0; i < size; i++) {
            states[i] = EMPTY;
            errors[i] = null;
        }
        size = 0;
        end = 0;
        resumeAt = -1;
        complete = false;
        failures = 0;
        pending = 0;
    }

    /**
     * Sends every request added in one system call and collects the replies, as many per system call as are
     * queued. Returns when every entry has its outcome; a failed entry does not make this throw.
     *
     * @throws NetlinkException when the batch as a whole failed: the send (nothing was processed) or a receive
     *         system call; {@link NetlinkCancelledException} when the thread was interrupted or the connection
     *         closed while waiting (the outcomes are then unavailable)
     * @throws IllegalStateException if the batch is empty or was executed already, or a nested attribute is
     *         still open
     */
    public void execute(Duration timeout) throws NetlinkException {
        long timeoutNanos = Calls.checkTimeout(timeout);
        if (!use.compareAndSet(0, 1)) {
            throw new IllegalStateException(use.get() == CLOSED ? "the batch is closed"
                    : "the batch is being executed by another thread: use one batch per thread");
        }
        try {
            exchange.enter();
            try {
                calls.checkBatchable(connection.caller());
                int length = seal();
                // The replies of an earlier round live in the slots about to be received into.
                generation.advance();
                exchange.acquireCall(round);
                try {
                    exchange.register(round);
                    long sent = exchange.send(sendBuffer, length);
                    if (sent < 0) {
                        exchange.locked(() -> exchange.unregister(round));
                        throw new NetlinkException(Exchange.errnoOf(sent), operation(), firstSequence, "send failed");
                    }
                    round.sent = true;
                    if (!exchange.await(round, connection.caller(), timeoutNanos)) {
                        failTimedOut(timeout);
                    }
                } finally {
                    exchange.releaseCall();
                }
                if (round.failure != null) {
                    NetlinkException failure = round.failure;
                    round.failure = null;
                    throw failure;
                }
                finish();
            } finally {
                exchange.exit();
            }
        } finally {
            use.compareAndSet(1, 0);
        }
    }

    /**
     * Frees the batch's memory; its reply views then throw {@link IllegalStateException}. Idempotent.
     *
     * @throws IllegalStateException if another thread is executing it
     */
    @Override
    public void close() {
        while (true) {
            int current = use.get();
            if (current == CLOSED) {
                return;
            }
            if (current != 0) {
                throw new IllegalStateException("the batch is being executed by another thread");
            }
            if (use.compareAndSet(0, CLOSED)) {
                generation.advance();
                release.clean();
                return;
            }
        }
    }

    private void checkOpen() {
        if (use.get() == CLOSED) {
            throw new IllegalStateException("the batch is closed");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Outcomes

    /**
     * The reply to entry {@code index} (in the order added), in a view of its own (allocated; see
     * {@link #reply(int, GenlMessage)} for none), valid until the batch's next round or its close, after which it
     * throws {@link IllegalStateException}.
     *
     * @return the reply, or {@code null} when the kernel only acknowledged the request
     * @throws NetlinkException the entry's own failure: the kernel's error, EMSGSIZE for a reply larger than the
     *         slot, ENOBUFS for a reply the kernel dropped, {@link NetlinkTimeoutException}
     */
    public GenlMessage reply(int index) throws NetlinkException {
        return reply(index, new GenlMessage());
    }

    /**
     * As {@link #reply(int)}, wrapped in {@code view}, the caller's own: allocates nothing. The view is the
     * caller's to reuse (it then shows the entry it was last passed for); kept past the batch's next round, it
     * throws {@link IllegalStateException}.
     *
     * @return {@code view}, or {@code null} when the kernel only acknowledged the request
     */
    public GenlMessage reply(int index, GenlMessage view) throws NetlinkException {
        Objects.requireNonNull(view, "view");
        checkOutcome(index);
        if (states[index] == FAILED) {
            throw errors[index];
        }
        return replyLengths[index] == 0 ? null
                : view.wrap(replyArea, replyOffsets[index], replyLengths[index], 0, generation);
    }

    /** The failure of entry {@code index}, or {@code null} when it succeeded. */
    public NetlinkException error(int index) {
        checkOutcome(index);
        return errors[index];
    }

    /** Whether entry {@code index} succeeded. */
    public boolean succeeded(int index) {
        checkOutcome(index);
        return states[index] != FAILED;
    }

    /** How many entries of the last round failed. */
    public int failures() {
        checkOutcome(0);
        return failures;
    }

    private void checkOutcome(int index) {
        checkOpen();
        if (!complete) {
            throw new IllegalStateException(size == 0 ? "the batch is empty" : "the batch has not run to its end:"
                    + " call execute(...) (after a NetlinkException from execute there are no outcomes)");
        }
        Objects.checkIndex(index, size);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sealing and matching replies to entries

    /**
     * Seals the last entry and marks every entry pending.
     *
     * @return the bytes to send
     */
    private int seal() {
        if (size == 0) {
            throw new IllegalStateException("the batch is empty: add(...) requests first");
        }
        if (complete || states[0] != EMPTY) {
            throw new IllegalStateException("the batch was executed already: add(...) the requests of the next round");
        }
        end = resumeAt >= 0 ? resumeAt : sealLast();
        resumeAt = -1;
        for (int i = 0; i < size; i++) {
            states[i] = PENDING;
            replyLengths[i] = 0;
        }
        java.util.Arrays.fill(slotHeld, false);
        pending = size;
        failures = 0;
        return end;
    }

    /** How errors name the batch as a whole. */
    private String operation() {
        return "batch of " + size + " requests (" + entries[0].operation() + " first)";
    }

    /** The entry that {@code sequence} answers, or -1 (a stale reply, from a round or request given up on). */
    private int indexOf(int sequence) {
        int guess = sequence - firstSequence;
        if (guess >= 0 && guess < size && entries[guess].sequence() == sequence) {
            return guess;
        }
        // Other threads take sequence numbers between the entries, and 0 is skipped when the counter wraps.
        for (int i = 0; i < size; i++) {
            if (entries[i].sequence() == sequence) {
                return i;
            }
        }
        return -1;
    }

    private boolean isOpen(int index) {
        return states[index] == PENDING || states[index] == REPLIED;
    }

    /** A reply for entry {@code index} at {@code offset} of reply slot {@code slot}. */
    private void replied(int index, int slot, int offset, int length) {
        if (states[index] != PENDING) {
            return; // further data parts of a doit carry nothing for the caller
        }
        replyOffsets[index] = offset;
        replyLengths[index] = length;
        slotHeld[slot] = true;
        if (entries[index].wantsAck()) {
            states[index] = REPLIED;
        } else {
            states[index] = DONE;
            pending--;
        }
    }

    private void acknowledged(int index) {
        if (isOpen(index)) {
            states[index] = DONE;
            pending--;
        }
    }

    private void failEntry(int index, NetlinkException failure) {
        if (isOpen(index)) {
            states[index] = FAILED;
            errors[index] = failure;
            failures++;
            pending--;
        }
    }

    private void failTimedOut(Duration timeout) {
        for (int i = 0; i < size; i++) {
            if (isOpen(i)) {
                failEntry(i, new NetlinkTimeoutException(entries[i].operation(), entries[i].sequence(), timeout));
            }
        }
    }

    /** The round ran to its end: its outcomes may be read. */
    private void finish() {
        complete = true;
    }

    /** The batch's wait on the exchange: every entry's sequence number leads here. */
    private final class Round extends Pending {

        /** What ended the whole round (the connection closed, a receive failed); thrown by execute. */
        NetlinkException failure;

        @Override
        boolean isReady(Exchange exchange) {
            return pending == 0 || failure != null;
        }

        /** Reads as many queued datagrams as there are free slots in one system call, each into its slot. */
        @Override
        long readAndDispatch(Exchange exchange, NetlinkSocket socket, Caller reader) {
            int free = 0;
            for (int slot = 0; slot < slotHeld.length; slot++) {
                if (!slotHeld[slot]) {
                    freeSlots[free] = slot;
                    freeOffsets[free] = (long) slot * replySize;
                    free++;
                }
            }
            long received = socket.receiveMany(replyArea, freeOffsets, replySize, free);
            for (int i = 0; i < received; i++) {
                exchange.dispatch(replyArea, (int) freeOffsets[i], socket.receivedLength(i), replySize,
                        socket.receivedSender(i), socket.receivedGroup(i), this);
            }
            return received;
        }

        @Override
        void accept(Exchange exchange, DatagramCursor cursor, MemorySegment buffer, int at, long received,
                    long capacity, boolean inPlace) {
            int slot;
            if (inPlace && buffer == replyArea) {
                slot = at / replySize;
            } else {
                slot = firstFreeSlot();
                long length = Math.min(Math.min(received, capacity), replySize);
                MemorySegment.copy(buffer, at, replyArea, (long) slot * replySize, length);
                capacity = Math.min(capacity, replySize);
                buffer = replyArea;
                at = slot * replySize;
            }
            int end = at + (int) Math.min(received, capacity);
            int portId = exchange.portId();
            if (received > capacity) {
                // The header survives truncation: the entry it answers learns what happened to its reply.
                int index = indexOf(MessageHeader.sequence(buffer, at));
                if (index >= 0) {
                    Request entry = entries[index];
                    failEntry(index, new NetlinkException(Errno.EMSGSIZE, entry.operation(), entry.sequence(),
                            "a reply of " + received + " bytes was truncated to " + capacity
                                    + " bytes: make the batch with a larger replySize"));
                }
                settle(exchange);
                return;
            }
            cursor.over(buffer, at, end);
            while (true) {
                boolean more;
                try {
                    more = cursor.next();
                } catch (MalformedMessageException e) {
                    int index = indexOf(MessageHeader.sequence(buffer, at));
                    if (index >= 0) {
                        failEntry(index, OneRequestWait.badMessage(entries[index], e));
                    }
                    break;
                }
                if (!more) {
                    break;
                }
                int index = cursor.portId() == portId ? indexOf(cursor.sequence()) : -1;
                if (index < 0) {
                    exchange.countStale();
                    continue;
                }
                if (!isOpen(index)) {
                    continue; // the acknowledgement behind a reply whose entry failed already (truncated)
                }
                Request entry = entries[index];
                int type = cursor.type();
                if (type == LibNl.NLMSG_ERROR()) {
                    int error;
                    try {
                        error = ReplyParser.errorCode(buffer, cursor.offset(), cursor.length());
                    } catch (MalformedMessageException e) {
                        failEntry(index, OneRequestWait.badMessage(entry, e));
                        continue;
                    }
                    if (error != 0) {
                        failEntry(index, ReplyParser.kernelError(buffer, cursor.offset(), cursor.length(), -error,
                                entry.sent()));
                    } else {
                        acknowledged(index);
                    }
                } else if (type >= LibNl.NLMSG_MIN_TYPE()) {
                    replied(index, slot, cursor.offset(), cursor.length());
                }
            }
            settle(exchange);
        }

        private int firstFreeSlot() {
            for (int slot = 0; slot < slotHeld.length; slot++) {
                if (!slotHeld[slot]) {
                    return slot;
                }
            }
            // One slot more than entries, and a slot is held only by an entry's reply: never reached.
            throw new IllegalStateException("no free reply slot");
        }

        private void settle(Exchange exchange) {
            if (pending == 0) {
                exchange.completed(this);
            }
        }

        @Override
        void fail(Exchange exchange, NetlinkException failure) {
            if (this.failure == null && pending > 0) {
                this.failure = failure;
                exchange.completed(this);
            }
        }

        @Override
        void lostToOverrun(Exchange exchange) {
            for (int i = 0; i < size; i++) {
                if (isOpen(i)) {
                    failEntry(i, new NetlinkException(Errno.ENOBUFS, entries[i].operation(),
                            entries[i].sequence(), "the socket's receive buffer overran during a batch of " + size
                                    + " requests and nothing more is queued: the kernel dropped this reply (the"
                                    + " request was carried out); raise ConnectionOptions.socketReceiveBufferSize or send"
                                    + " smaller batches"));
                }
            }
            settle(exchange);
        }

        @Override
        int sequenceCount() {
            return size;
        }

        @Override
        int sequence(int index) {
            return entries[index].sequence();
        }

        @Override
        String operation() {
            return GenlBatch.this.operation();
        }
    }
}
