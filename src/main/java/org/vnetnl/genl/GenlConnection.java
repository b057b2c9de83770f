package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A generic netlink socket shared by any number of threads: requests and their replies, dumps, batches and
 * multicast notifications; families through its {@link #controller()}. Opened through libnl ({@code
 * nl_socket_alloc}, {@code genl_connect}) and connected to the kernel; requests then use {@code send} and
 * {@code recv} ({@code recvmsg} once a multicast group is joined) on the descriptor directly, so a round trip is
 * exactly two system calls.
 *
 * <p><b>Threads.</b> Any number of platform and virtual threads may use one connection at once. Each thread
 * builds its requests in a send buffer of its own ({@link #prepare} writes into the calling thread's buffer and
 * {@link #transact} or {@link #dump} sends it), so threads never see each other's requests. Replies are matched
 * by sequence number: a thread waits for its own reply only. One receive path reads the socket: a waiting thread
 * reads it itself while no other thread does and hands the others their replies (see {@code Exchange}), so a
 * thread alone pays no hand-off, and a thread waiting for a notification never holds up requests. Waits park:
 * a virtual thread leaves its carrier free.
 *
 * <p><b>Memory.</b> Each thread that uses the connection gets a send buffer ({@link Options#sendBufferSize()})
 * and a receive buffer ({@link Options#receiveBufferSize()}), made on its first call and reused (a thread that
 * ended passes them on to the next new thread); nothing is allocated per request on the success path. They belong
 * to the garbage collector, not to the connection: a {@link GenlMessage} or {@link AttributeReader} handed out is a view into the calling thread's receive buffer,
 * valid until that thread's next call on this connection; after that it throws {@link IllegalStateException}
 * rather than show newer bytes, and no close ever frees memory under it.
 *
 * <p><b>Waiting and cancellation.</b> Generic netlink runs a request's handler inside {@code send}, so its reply is
 * normally queued before the read. When nothing is queued yet, the thread parks until the socket becomes readable,
 * the timeout passes or the wait is cancelled. {@link Thread#interrupt()} ends that thread's call alone with
 * {@link NetlinkCancelledException} (the interrupt status stays set); {@link #close()} from any thread ends every
 * call with it. A reply that arrives after its call ended is counted ({@link #staleMessagesDiscarded()}), and a
 * dump left unfinished is read to its end before the next dump starts, so the connection stays usable.
 *
 * <p><b>Dumps.</b> The kernel runs one dump per socket at a time. A dump runs on one of a few extra sockets the
 * connection opens for dumps ({@link Options#dumpSockets()}, in the same network namespace, closed with the
 * connection), read by the dumping thread alone: the kernel makes each next part only once the handler took the
 * last, so a dump streams in flat memory however large the table, and dumps of different threads run in
 * parallel. When those are busy a dump runs on the connection's own socket, or waits for the dump there.
 *
 * <p><b>Notifications.</b> Multicast messages that arrive while requests run are kept, in order, for
 * {@link #receiveNotification} and {@link #pollNotification}; losses are reported there once as a
 * {@link NotificationOverrunException}, and only once a group was joined.
 */
public final class GenlConnection implements AutoCloseable {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    /** The timeout used by the convenience methods that do not take one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Sizes and limits of a connection.
     *
     * @param sendBufferSize bytes for one request, headers included; the socket's SO_SNDBUF is raised to it when
     *                       the system default is smaller. Each thread that uses the connection has one
     * @param receiveBufferSize bytes for one datagram from the kernel; the kernel sends dump parts of up to 32 KiB.
     *                          The acknowledgement that may follow a reply gets room of its own on top. Each
     *                          thread that uses the connection has one
     * @param socketReceiveBufferSize the socket's SO_RCVBUF in bytes, or 0 for the system default
     *                                ({@code net.core.rmem_default}); raise it for listeners that must absorb
     *                                bursts of notifications
     * @param maxPendingNotifications notifications kept while requests wait for their replies; beyond that they
     *                                are dropped and the drop is reported as an overrun
     * @param maxCallsInFlight requests (and batches) sent and not yet answered, across all threads; more wait to
     *                         be sent. The kernel drops a reply that finds the socket's receive buffer full
     *                         (ENOBUFS), so this bounds the unread replies: keep it times the largest reply under
     *                         SO_RCVBUF
     * @param dumpSockets extra sockets, in the same network namespace, that dumps run on while another dump runs
     *                    (the kernel runs one dump per socket at a time); 0 makes dumps wait for each other
     */
    public record Options(int sendBufferSize, int receiveBufferSize, int socketReceiveBufferSize,
                          int maxPendingNotifications, int maxCallsInFlight, int dumpSockets) {

        /**
         * 16 KiB send buffer, 64 KiB receive buffer, system default SO_RCVBUF, 4096 pending notifications, 32
         * calls in flight, 2 extra sockets for dumps.
         */
        public static Options defaults() {
            return new Options(16 * 1024, 64 * 1024, 0, 4096, 32, 2);
        }

        /** The sizes, with the default limits of {@link #defaults()}. */
        public Options(int sendBufferSize, int receiveBufferSize, int socketReceiveBufferSize,
                       int maxPendingNotifications) {
            this(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications, 32, 2);
        }

        public Options {
            if (sendBufferSize < MessageHeader.GENL_PAYLOAD + 64) {
                throw new IllegalArgumentException("sendBufferSize " + sendBufferSize + " is too small (min "
                        + (MessageHeader.GENL_PAYLOAD + 64) + ")");
            }
            if (receiveBufferSize < 8 * 1024) {
                throw new IllegalArgumentException("receiveBufferSize " + receiveBufferSize
                        + " is too small (min 8192)");
            }
            if (socketReceiveBufferSize < 0) {
                throw new IllegalArgumentException("socketReceiveBufferSize must be >= 0, got "
                        + socketReceiveBufferSize);
            }
            if (maxPendingNotifications < 0) {
                throw new IllegalArgumentException("maxPendingNotifications must be >= 0, got "
                        + maxPendingNotifications);
            }
            if (maxCallsInFlight < 1) {
                throw new IllegalArgumentException("maxCallsInFlight must be >= 1, got " + maxCallsInFlight);
            }
            if (dumpSockets < 0 || dumpSockets > 64) {
                throw new IllegalArgumentException("dumpSockets must be 0..64, got " + dumpSockets);
            }
        }

        public Options withSendBufferSize(int bytes) {
            return new Options(bytes, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications,
                    maxCallsInFlight, dumpSockets);
        }

        public Options withReceiveBufferSize(int bytes) {
            return new Options(sendBufferSize, bytes, socketReceiveBufferSize, maxPendingNotifications,
                    maxCallsInFlight, dumpSockets);
        }

        public Options withSocketReceiveBufferSize(int bytes) {
            return new Options(sendBufferSize, receiveBufferSize, bytes, maxPendingNotifications, maxCallsInFlight,
                    dumpSockets);
        }

        public Options withMaxPendingNotifications(int count) {
            return new Options(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, count, maxCallsInFlight,
                    dumpSockets);
        }

        public Options withMaxCallsInFlight(int count) {
            return new Options(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications,
                    count, dumpSockets);
        }

        public Options withDumpSockets(int count) {
            return new Options(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications,
                    maxCallsInFlight, count);
        }
    }

    /** Opens the socket of a new connection in the connection's arena; the seam tests replace it. */
    interface SocketOpener {
        NetlinkSocket open(Arena arena, Options options) throws NetlinkException;
    }

    private static final SocketOpener KERNEL = (arena, options) ->
            new NativeNetlinkSocket(arena, options.socketReceiveBufferSize(), options.sendBufferSize());

    /** The opener of a socket of netlink {@code protocol}: NETLINK_GENERIC for generic netlink. */
    private static SocketOpener kernel(int protocol) {
        return protocol == NativeNetlinkSocket.NETLINK_GENERIC ? KERNEL : (arena, options) ->
                new NativeNetlinkSocket(arena, protocol, options.socketReceiveBufferSize(), options.sendBufferSize());
    }

    static final Cleaner CLEANER = Cleaner.create();

    private final Options options;
    /** The netlink protocol of the sockets: NETLINK_GENERIC, or a netlink-raw family's (NETLINK_ROUTE is 0). */
    private final int protocol;
    private final Exchange exchange;
    private final DumpSockets dumpSockets;
    private final Calls calls;
    private final int portId;
    private final Controller controller;
    /** Each thread's request and reply buffers on this connection. */
    private final Callers callers;

    GenlConnection(Options options, SocketOpener opener) throws NetlinkException {
        this(options, opener, null, NativeNetlinkSocket.NETLINK_GENERIC);
    }

    /**
     * @param namespace the network namespace path the extra dump sockets are opened in, null for this thread's
     * @param protocol  the netlink protocol {@code opener} opens sockets of
     */
    private GenlConnection(Options options, SocketOpener opener, String namespace, int protocol)
            throws NetlinkException {
        this.options = options;
        this.protocol = protocol;
        Sockets.Opened opened = Sockets.open(this, opener, options);
        this.portId = opened.socket().portId();
        int port = portId;
        this.callers = new Callers(options, port);
        // The threads' buffers are freed with the socket, after the last call has left; the Cleaner frees them for
        // a connection nobody closed.
        Cleaner.Cleanable callersRelease = CLEANER.register(this, callers::free);
        this.exchange = new Exchange(opened.socket(), options.maxPendingNotifications(), options.maxCallsInFlight(),
                () -> {
                    opened.release().clean();
                    callersRelease.clean();
                }, () -> new Caller(options, port, Arena.ofAuto()));
        this.controller = new Controller(this);
        this.dumpSockets = new DumpSockets(options.dumpSockets(), namespace == null
                ? () -> openExchange(opener)
                : () -> NamespaceOpener.open(namespace, () -> openExchange(opener)));
        this.calls = new Calls(exchange, dumpSockets);
    }

    /** Opens one more socket with an exchange of its own, for dumps (see {@link DumpSockets}). */
    private Exchange openExchange(SocketOpener opener) throws NetlinkException {
        Sockets.Opened opened = Sockets.open(this, opener, options);
        return new Exchange(opened.socket(), options.maxPendingNotifications(), options.maxCallsInFlight(),
                opened.release()::clean, () -> {
                    throw new IllegalStateException("a dump socket has no async calls");
                });
    }

    /** Opens a connection with {@link Options#defaults()}. */
    public static GenlConnection open() throws NetlinkException {
        return open(Options.defaults());
    }

    /** Opens a connection with the given buffer sizes. */
    public static GenlConnection open(Options options) throws NetlinkException {
        Objects.requireNonNull(options, "options");
        NativeAccess.ensureAvailable();
        return new GenlConnection(options, KERNEL);
    }

    /**
     * Opens a connection on sockets of netlink {@code protocol}, for a netlink-raw family (rtnetlink is
     * NETLINK_ROUTE, 0): requests are written with {@link #prepareRaw} and sent with {@link #transact} or
     * {@link #dump}, groups joined by number ({@link #joinGroup(int)}); there are no generic netlink families on it
     * ({@link #family} and {@link #controller} refuse).
     *
     * @throws IllegalArgumentException if {@code protocol} is not 0..31
     */
    public static GenlConnection openRaw(int protocol, Options options) throws NetlinkException {
        Objects.requireNonNull(options, "options");
        checkProtocol(protocol);
        NativeAccess.ensureAvailable();
        return new GenlConnection(options, kernel(protocol), null, protocol);
    }

    /** {@link #openRaw} with the sockets in network namespace {@code namespace}, as {@link #openInNamespace}. */
    public static GenlConnection openRawInNamespace(String namespace, int protocol, Options options)
            throws NetlinkException {
        checkProtocol(protocol);
        return inNamespace(namespace, options, protocol);
    }

    private static void checkProtocol(int protocol) {
        if (protocol < 0 || protocol > 31) {
            throw new IllegalArgumentException("netlink protocols are 0..31, got " + protocol);
        }
    }

    /**
     * Opens a connection whose socket lives in the network namespace {@code namespace}: a name created with
     * {@code ip netns add} (looked up in /run/netns) or a path such as {@code /proc/PID/ns/net}. Families,
     * devices and notifications are then those of that namespace, for every thread that uses the connection. The
     * socket is created on an internal platform thread that enters the namespace and then ends, so this works
     * from any thread, virtual ones included, and the calling thread's own namespace never changes. Needs
     * CAP_SYS_ADMIN.
     *
     * @throws NetlinkException with ENOENT if there is no such namespace, EINVAL if the file is not a network
     *         namespace, EPERM without the privilege
     * @throws IllegalArgumentException if {@code namespace} is empty or contains a NUL character
     * @throws NetlinkCancelledException if the calling thread is interrupted while the socket is opened (a
     *         connection opened meanwhile is closed)
     */
    public static GenlConnection openInNamespace(String namespace, Options options) throws NetlinkException {
        return inNamespace(namespace, options, NativeNetlinkSocket.NETLINK_GENERIC);
    }

    private static GenlConnection inNamespace(String namespace, Options options, int protocol)
            throws NetlinkException {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(options, "options");
        if (namespace.isEmpty() || namespace.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a network namespace name or path is not empty and has no NUL"
                    + " character, got \"" + namespace.replace("\0", "\\0") + "\"");
        }
        NativeAccess.ensureAvailable();
        String path = namespace.indexOf('/') >= 0 ? namespace : "/run/netns/" + namespace;
        return NamespaceOpener.open(path, () -> new GenlConnection(options, kernel(protocol), path, protocol));
    }

    /** The netlink port id the kernel assigned to this socket. */
    public int portId() {
        return portId;
    }

    /** The options the connection was opened with. */
    public Options options() {
        return options;
    }

    /**
     * How many unicast messages were discarded because they answered no call still waiting: late replies of
     * calls that timed out or were cancelled, the rest of an abandoned dump.
     */
    public long staleMessagesDiscarded() {
        return exchange.staleMessages();
    }

    /** The calling thread's buffers on this connection. */
    Caller caller() {
        return callers.get();
    }

    /** How many threads' buffers were made (threads that ended pass theirs on). */
    int callersMade() {
        return callers.made();
    }

    Exchange exchange() {
        return exchange;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Families: the controller

    /** The controller queries of this connection: families and policies. */
    public Controller controller() {
        if (protocol != NativeNetlinkSocket.NETLINK_GENERIC) {
            // nlctrl's numbers mean something else in another protocol (type 16 is rtnetlink's RTM_NEWLINK).
            throw new IllegalStateException("this connection speaks netlink protocol " + protocol
                    + ", which has no generic netlink families");
        }
        return controller;
    }

    /** The netlink protocol of the sockets: 16 (NETLINK_GENERIC) unless opened with {@link #openRaw}. */
    public int protocol() {
        return protocol;
    }

    /** {@link Controller#family} with {@link #DEFAULT_TIMEOUT}. */
    public Family family(String name) throws NetlinkException {
        return controller().family(name, DEFAULT_TIMEOUT);
    }

    /** {@link Controller#family}. */
    public Family family(String name, Duration timeout) throws NetlinkException {
        return controller().family(name, timeout);
    }

    /** {@link Controller#forget}. */
    public void forgetFamily(String name) {
        controller().forget(name);
    }

    /** {@link Controller#families}. */
    public List<Family> families(Duration timeout) throws NetlinkException {
        return controller().families(timeout);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    /** Prepares a request for {@code command} of {@code family} with no flags; see {@link #prepare(Family, int, int, String, AttributePolicy)}. */
    public AttributeWriter prepare(Family family, int command) {
        return prepare(family, command, 0, null, null);
    }

    /**
     * Writes the netlink and generic netlink headers of a request into the calling thread's send buffer and
     * returns the writer for its attributes, positioned after them (and after a zeroed family header, if the
     * family has one). Other threads prepare and send their own requests meanwhile without touching it. Nothing is
     * sent until this thread calls {@link #transact} or {@link #dump}.
     *
     * @param flags NLM_F_* flags besides NLM_F_REQUEST: {@link NetlinkFlags#ACK} to have a request without reply
     *              acknowledged
     * @param operation how errors name this request (e.g. {@code "vnet_nl ECHO"}); null for a generic name. Pass
     *                  a constant: it is kept, not copied
     * @param schema the request's attribute policy, used to name the attribute an error points at; may be null
     */
    public AttributeWriter prepare(Family family, int command, int flags, String operation, AttributePolicy schema) {
        Objects.requireNonNull(family, "family");
        return prepare(caller().request, family.id(), command, family.version(), flags, family, operation, schema);
    }

    /**
     * Writes the netlink header of a netlink-raw request (no generic netlink header) into the calling thread's
     * send buffer, and {@code headerSize} zeroed bytes for the family's fixed header (e.g. rtnetlink's
     * {@code ifinfomsg}), which the caller fills in through {@link AttributeWriter#segment()} at offset 16; returns
     * the writer for the attributes after them. Sent as {@link #prepare} requests are: {@link #transact}, or
     * {@link #dump} with {@code NLM_F_DUMP} in {@code flags}.
     *
     * @param messageType the nlmsg_type, e.g. RTM_GETLINK (18)
     * @param flags       NLM_F_* flags besides NLM_F_REQUEST
     * @param operation   how errors name this request; null for the message type
     * @throws IllegalStateException on a generic netlink connection
     */
    public AttributeWriter prepareRaw(int messageType, int flags, int headerSize, String operation) {
        if (protocol == NativeNetlinkSocket.NETLINK_GENERIC) {
            throw new IllegalStateException("a generic netlink connection sends requests of a family: use prepare");
        }
        if (exchange.isClosed()) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        refuseInDump("start another request");
        return caller().request.prepareRaw(messageType, flags, headerSize, operation, exchange.nextSequence(),
                portId);
    }

    /**
     * The kernel's message on the success of the calling thread's last {@link #transact} or {@link #dump} (a
     * warning, such as tc's "quantum of class 10010 is big"), or empty.
     */
    public Optional<String> warning() {
        return Optional.ofNullable(caller().warning);
    }

    /** Prepares a dump request (NLM_F_DUMP) for {@code command}; run it with {@link #dump}. */
    public AttributeWriter prepareDump(Family family, int command) {
        return prepare(family, command, LibNl.NLM_F_DUMP(), null, null);
    }

    AttributeWriter prepare(Request target, int familyId, int command, int version, int flags, Family family,
                            String operation, AttributePolicy schema) {
        if (exchange.isClosed()) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        refuseInDump("start another request");
        return target.prepare(familyId, command, version, flags, family, operation, schema, exchange.nextSequence(),
                portId);
    }

    /**
     * Sends the calling thread's prepared request and waits for its reply.
     *
     * @return the reply in a view of its own (allocated: 120 bytes with its attribute reader), valid until this
     *         thread's next call on the connection, after which it throws {@link IllegalStateException}; {@code null}
     *         when the kernel only acknowledged the request (a command without reply sent with
     *         {@link NetlinkFlags#ACK}). {@link #transact(Duration, GenlMessage)} reuses a view of the caller's
     * @throws NetlinkException the kernel's error for this request, with its extended acknowledgement; ENOBUFS
     *         when the socket overran while the reply was awaited and nothing more is queued (the reply was
     *         dropped)
     * @throws NetlinkTimeoutException if neither reply nor error came within {@code timeout} (a command that
     *         sends no reply must be sent with {@link NetlinkFlags#ACK}); a reply already queued is read even
     *         with a timeout of zero
     * @throws NetlinkCancelledException if the thread was interrupted or the connection closed while waiting
     * @throws IllegalStateException if this thread has no request prepared (a request is sent once), the prepared
     *         one is a dump, a nested attribute is still open, or the call comes from a dump handler
     */
    public GenlMessage transact(Duration timeout) throws NetlinkException {
        Caller me = caller();
        return calls.transact(me, me.request, timeout, null);
    }

    /**
     * As {@link #transact(Duration)}, with the reply wrapped in {@code view}, the caller's own: allocates nothing,
     * for request loops. The view is the caller's to reuse (it then shows the reply of the call it was last
     * passed to); kept past this thread's next call on the connection, it throws {@link IllegalStateException}.
     *
     * @return {@code view}, or {@code null} for a bare acknowledgement
     */
    public GenlMessage transact(Duration timeout, GenlMessage view) throws NetlinkException {
        Objects.requireNonNull(view, "view");
        Caller me = caller();
        return calls.transact(me, me.request, timeout, view);
    }

    GenlMessage transact(Request sent, Duration timeout) throws NetlinkException {
        return calls.transact(caller(), sent, timeout, null);
    }

    /**
     * Sends the calling thread's prepared request and returns at once, in the style of
     * {@code HttpClient.sendAsync}: the future completes with the reply (a copy on the heap, valid for as long as it
     * is referenced), {@code null} for a bare acknowledgement, or the request's {@link NetlinkException}. The
     * thread may prepare its next request right away. Cancelling the future, or its timeout, ends this call alone:
     * a reply that arrives later is counted as stale. While only futures wait, an internal virtual thread reads
     * their replies. Allocates the future and the copy.
     *
     * @throws IllegalStateException as {@link #transact}
     */
    public CompletableFuture<GenlMessage> transactAsync(Duration timeout) {
        return calls.transactAsync(caller(), timeout);
    }

    /**
     * Sends the calling thread's prepared dump request and streams its parts to {@code handler}, on this thread,
     * until NLMSG_DONE. If the handler throws, the exception ends the dump and propagates; the rest of the dump is
     * read and discarded. Dumps of different threads run in parallel (see Dumps above).
     *
     * @param timeout the longest wait for each next part
     * @param onInterrupt what to do when the kernel marks the dump inconsistent (NLM_F_DUMP_INTR)
     * @throws IllegalStateException if no dump is prepared, a nested attribute is still open, or the call comes
     *         from a dump handler
     */
    public DumpResult dump(Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        Caller me = caller();
        return calls.dump(me, me.request, timeout, onInterrupt, handler);
    }

    /**
     * Runs the calling thread's prepared dump request and collects every part, each copied to the heap (valid for
     * as long as it is referenced); an interrupted dump that is run again starts the list afresh. For tables too
     * large to hold, stream them with {@link #dump(Duration, DumpInterruptPolicy, DumpHandler)}.
     */
    public List<GenlMessage> dumpAll(Duration timeout, DumpInterruptPolicy onInterrupt) throws NetlinkException {
        List<GenlMessage> parts = new ArrayList<>();
        dump(timeout, onInterrupt, new DumpHandler() {
            @Override
            public void onMessage(GenlMessage part) {
                parts.add(part.copy());
            }

            @Override
            public void onRestart() {
                parts.clear();
            }
        });
        return parts;
    }

    DumpResult dump(Request sent, Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        return calls.dump(caller(), sent, timeout, onInterrupt, handler);
    }

    /** How many extra sockets for dumps are open (see {@link Options#dumpSockets()}). */
    int dumpSocketsOpened() {
        return dumpSockets.opened();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Batches

    /** The most requests a batch holds: recvmmsg reads at most UIO_MAXIOV (1024) datagrams, one slot is spare. */
    public static final int MAX_BATCH = 1023;
    /** The smallest reply slot of a batch: room for an error with its extended acknowledgement. */
    public static final int MIN_BATCH_REPLY_SIZE = 4096;

    /**
     * A batch of up to {@code capacity} requests whose reply slots hold {@link Options#receiveBufferSize()} bytes
     * each; see {@link #newBatch(int, int)}.
     */
    public GenlBatch newBatch(int capacity) {
        return newBatch(capacity, options.receiveBufferSize());
    }

    /**
     * A reusable batch: up to {@code capacity} requests sent in one datagram, their replies read with
     * {@code recvmmsg}. Its buffers ({@link Options#sendBufferSize()} bytes to send, {@code capacity + 1} reply
     * slots of {@code replySize} bytes) are allocated now and freed by {@link GenlBatch#close()}: make a batch once
     * and reuse it, round after round.
     *
     * @param replySize the longest reply datagram expected; a longer one fails its entry with EMSGSIZE
     * @throws IllegalArgumentException if {@code capacity} is not 1..{@value #MAX_BATCH} or {@code replySize} is
     *         below {@value #MIN_BATCH_REPLY_SIZE}, or so large that the {@code capacity + 1} slots exceed 2 GiB
     */
    public GenlBatch newBatch(int capacity, int replySize) {
        if (exchange.isClosed()) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        return GenlBatch.create(this, exchange, options.sendBufferSize(), capacity, replySize);
    }

    /** Fails unless a batch may add or send a request now: an open connection, not inside a dump handler. */
    void checkBatchable() {
        if (exchange.isClosed()) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        refuseInDump("start another request");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Multicast

    /**
     * Joins the multicast group {@code groupName} of {@code family}.
     *
     * @throws IllegalArgumentException if the family has no such group
     */
    public void joinGroup(Family family, String groupName) throws NetlinkException {
        exchange.changeGroup(family, groupName, true);
    }

    /** Leaves the multicast group {@code groupName} of {@code family}. */
    public void leaveGroup(Family family, String groupName) throws NetlinkException {
        exchange.changeGroup(family, groupName, false);
    }

    /**
     * Joins multicast group number {@code group}: a netlink-raw family's groups have fixed numbers (rtnetlink's
     * RTNLGRP_LINK is 1).
     */
    public void joinGroup(int group) throws NetlinkException {
        changeGroup(group, true);
    }

    /** Leaves multicast group number {@code group}. */
    public void leaveGroup(int group) throws NetlinkException {
        changeGroup(group, false);
    }

    private void changeGroup(int group, boolean join) throws NetlinkException {
        if (group <= 0) {
            throw new IllegalArgumentException("netlink group numbers start at 1, got " + group);
        }
        exchange.enter();
        try {
            int rc = join ? exchange.joinGroup(group) : exchange.leaveGroup(group);
            if (rc < 0) {
                throw new NetlinkException(-rc, (join ? "join" : "leave") + " group " + group, 0, "setsockopt failed");
            }
        } finally {
            exchange.exit();
        }
    }

    /**
     * Returns the next multicast notification: first those kept while requests ran, in arrival order, then new
     * ones from the socket. Any number of threads may wait at once; each notification goes to one of them.
     *
     * @return the notification, valid until this thread's next call on the connection
     * @throws NotificationOverrunException when notifications were lost at this point of the stream; the call
     *         after it continues with the notifications that followed
     * @throws NetlinkTimeoutException if none arrived within {@code timeout}
     * @throws NetlinkCancelledException if the thread was interrupted or the connection closed while waiting
     */
    public GenlMessage receiveNotification(Duration timeout) throws NetlinkException {
        GenlMessage next = nextNotification(checkTimeout(timeout));
        if (next == null) {
            throw new NetlinkTimeoutException("receive notification", 0, timeout);
        }
        return next;
    }

    /**
     * Returns the next multicast notification if one is kept or already queued on the socket, without waiting;
     * {@code null} (no exception) when there is none, for listeners that poll.
     *
     * @throws NotificationOverrunException when notifications were lost at this point of the stream
     */
    public GenlMessage pollNotification() throws NetlinkException {
        return nextNotification(0);
    }

    private GenlMessage nextNotification(long timeoutNanos) throws NetlinkException {
        Caller me = caller();
        exchange.enter();
        try {
            if (me.inDump) {
                throw new IllegalStateException("a dump handler cannot receive notifications on the same connection");
            }
            me.generation.advance();
            int length = exchange.nextNotification(me, timeoutNanos);
            if (length < 0) {
                return null;
            }
            NotificationWait w = me.notificationWait;
            // A view of its own: one kept past the thread's next call fails rather than show a later message.
            return new GenlMessage().wrap(me.receiveBuffer, w.offset(), length, w.group(), me.generation);
        } finally {
            exchange.exit();
        }
    }

    /** How many notifications are kept, waiting for {@link #receiveNotification}. */
    public int pendingNotifications() {
        return exchange.pendingNotifications();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle

    private void refuseInDump(String what) {
        if (caller().inDump) {
            throw new IllegalStateException("a dump handler cannot " + what + " on the same connection");
        }
    }

    static long checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        try {
            return Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** Whether {@link #close()} was called (from any thread). */
    public boolean isClosed() {
        return exchange.isClosed();
    }

    /**
     * Closes the socket. Idempotent; may be called from any thread. Every call still waiting ends with
     * {@link NetlinkCancelledException} ({@link NetlinkCancelledException#byClose()}); no thread's interrupt status
     * changes. The socket is freed once the last thread has left its call, never under it. Views handed out stay
     * readable: their memory is their thread's, not the connection's.
     */
    @Override
    public void close() {
        exchange.close();
        dumpSockets.close();
    }

    @Override
    public String toString() {
        return "GenlConnection[port=" + Integer.toUnsignedString(portId) + (isClosed() ? ", closed" : "") + "]";
    }
}
