package org.vnetnl.genl;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A generic netlink socket shared by any number of threads: requests and their replies, dumps, batches and
 * multicast notifications; families through its {@link #controller()}. Opened through libnl, then written and
 * read on its descriptor directly, so a round trip is two system calls ({@code send} and {@code recv}). How
 * threads share it, how long the views it hands out stay valid, waiting and cancellation, dumps and
 * notifications: see the {@linkplain org.vnetnl.genl package documentation}.
 *
 * <p>This class is the facade: requests and dumps go through {@code Calls}, groups and notifications through
 * {@code Multicast}, the one receive path of each socket is its {@code Exchange}.
 */
public final class GenlConnection implements AutoCloseable {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    /** The timeout used by the convenience methods that do not take one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    static final Cleaner CLEANER = Cleaner.create();

    private final ConnectionOptions options;
    /** The netlink protocol of the sockets: NETLINK_GENERIC, or a netlink-raw family's (NETLINK_ROUTE is 0). */
    private final int protocol;
    private final ConnectionParts parts;
    private final Calls calls;
    private final Multicast multicast;
    private final Controller controller;

    GenlConnection(ConnectionOptions options, SocketOpener opener) throws NetlinkException {
        this(options, opener, null, NativeNetlinkSocket.NETLINK_GENERIC);
    }

    /** @param namespace the network namespace path the extra dump sockets are opened in, null for this thread's */
    private GenlConnection(ConnectionOptions options, SocketOpener opener, String namespace, int protocol)
            throws NetlinkException {
        this.options = options;
        this.protocol = protocol;
        this.parts = ConnectionParts.open(this, options, opener, namespace);
        this.calls = new Calls(parts.exchange(), parts.dumpSockets(), protocol);
        this.multicast = new Multicast(parts.exchange());
        this.controller = new Controller(calls, parts.callers());
    }

    /** Opens a connection with {@link ConnectionOptions#defaults()}. */
    public static GenlConnection open() throws NetlinkException {
        return open(ConnectionOptions.defaults());
    }

    /** Opens a connection with the given buffer sizes. */
    public static GenlConnection open(ConnectionOptions options) throws NetlinkException {
        return open(null, NativeNetlinkSocket.NETLINK_GENERIC, options);
    }

    /**
     * Opens a connection on sockets of netlink {@code protocol}, for a netlink-raw family (rtnetlink is
     * NETLINK_ROUTE, 0): requests are written with {@link #prepareRaw} and sent with {@link #transact} or
     * {@link #dump}, groups joined by number ({@link #joinGroup(int)}); there are no generic netlink families on it
     * ({@link #family} and {@link #controller} refuse).
     *
     * @throws IllegalArgumentException if {@code protocol} is not 0..31
     */
    public static GenlConnection openRaw(int protocol, ConnectionOptions options) throws NetlinkException {
        return open(null, protocol, options);
    }

    /** {@link #openRaw} with the sockets in network namespace {@code namespace}, as {@link #openInNamespace}. */
    public static GenlConnection openRawInNamespace(String namespace, int protocol, ConnectionOptions options)
            throws NetlinkException {
        return open(NamespaceOpener.path(namespace), protocol, options);
    }

    /**
     * Opens a connection whose socket lives in the network namespace {@code namespace}: a name created with
     * {@code ip netns add} (looked up in /run/netns) or a path such as {@code /proc/PID/ns/net}. Families,
     * devices and notifications are then those of that namespace, for every thread that uses the connection. The
     * socket is created on a platform thread of its own, so this works from any thread, virtual ones included,
     * and the calling thread's namespace never changes. Needs CAP_SYS_ADMIN.
     *
     * @throws NetlinkException with ENOENT if there is no such namespace, EINVAL if the file is not a network
     *         namespace, EPERM without the privilege
     * @throws IllegalArgumentException if {@code namespace} is empty or contains a NUL character
     * @throws NetlinkCancelledException if the calling thread is interrupted while the socket is opened (a
     *         connection opened meanwhile is closed)
     */
    public static GenlConnection openInNamespace(String namespace, ConnectionOptions options) throws NetlinkException {
        return open(NamespaceOpener.path(namespace), NativeNetlinkSocket.NETLINK_GENERIC, options);
    }

    /** The one way every open method takes: {@code namespacePath} null for the calling thread's namespace. */
    private static GenlConnection open(String namespacePath, int protocol, ConnectionOptions options)
            throws NetlinkException {
        Objects.requireNonNull(options, "options");
        SocketOpener opener = SocketOpener.kernel(protocol);
        NativeAccess.ensureAvailable();
        return namespacePath == null ? new GenlConnection(options, opener, null, protocol)
                : NamespaceOpener.open(namespacePath, () -> new GenlConnection(options, opener, namespacePath,
                        protocol));
    }

    /** The netlink port id the kernel assigned to this socket. */
    public int portId() {
        return parts.exchange().portId();
    }

    /** The options the connection was opened with. */
    public ConnectionOptions options() {
        return options;
    }

    /**
     * How many unicast messages were discarded because they answered no call still waiting: late replies of
     * calls that timed out or were cancelled, the rest of an abandoned dump.
     */
    public long staleMessagesDiscarded() {
        return parts.exchange().staleMessages();
    }

    /** The calling thread's buffers on this connection. */
    Caller caller() {
        return parts.callers().get();
    }

    /** What the connection is made of: its socket's exchange, the threads' buffers, the extra dump sockets. */
    ConnectionParts parts() {
        return parts;
    }

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
        return calls.prepare(caller(), family, command, flags, operation, schema);
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
        return calls.prepareRaw(caller(), messageType, flags, headerSize, operation);
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

    /**
     * Sends the calling thread's prepared request and waits for its reply.
     *
     * @return the reply in a view of its own (allocated: the view and its attribute reader, 120 bytes on HotSpot
     *         with compressed pointers; C2 does not scalar-replace them across the call), valid until this
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
     * As {@link #transact(Duration)}, with the reply wrapped in {@code view}, the caller's own to reuse (it shows
     * the reply of the call it was last passed to, until this thread's next call): allocates nothing.
     *
     * @return {@code view}, or {@code null} for a bare acknowledgement
     */
    public GenlMessage transact(Duration timeout, GenlMessage view) throws NetlinkException {
        Objects.requireNonNull(view, "view");
        Caller me = caller();
        return calls.transact(me, me.request, timeout, view);
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
     * read and discarded. Dumps of different threads run in parallel (see the {@linkplain org.vnetnl.genl package
     * documentation}).
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
        return calls.dumpAll(caller(), timeout, onInterrupt);
    }

    /** The most requests a batch holds: recvmmsg reads at most UIO_MAXIOV (1024) datagrams, one slot is spare. */
    public static final int MAX_BATCH = 1023;
    /** The smallest reply slot of a batch: room for an error with its extended acknowledgement. */
    public static final int MIN_BATCH_REPLY_SIZE = 4096;

    /** {@link #newBatch(int, int)} with reply slots of {@link ConnectionOptions#receiveBufferSize()} bytes. */
    public GenlBatch newBatch(int capacity) {
        return newBatch(capacity, options.receiveBufferSize());
    }

    /**
     * A reusable batch of up to {@code capacity} requests sent in one datagram. Its buffers (see {@link GenlBatch})
     * are allocated now and freed by {@link GenlBatch#close()}: make a batch once and reuse it, round after round.
     *
     * @param replySize the longest reply datagram expected; a longer one fails its entry with EMSGSIZE
     * @throws IllegalArgumentException if {@code capacity} is not 1..{@value #MAX_BATCH} or {@code replySize} is
     *         below {@value #MIN_BATCH_REPLY_SIZE}, or so large that the {@code capacity + 1} slots exceed 2 GiB
     */
    public GenlBatch newBatch(int capacity, int replySize) {
        return GenlBatch.create(this, parts.exchange(), calls, options.sendBufferSize(), capacity, replySize);
    }

    /**
     * Joins the multicast group {@code groupName} of {@code family}.
     *
     * @throws IllegalArgumentException if the family has no such group
     */
    public void joinGroup(Family family, String groupName) throws NetlinkException {
        multicast.change(family, groupName, true);
    }

    /** Leaves the multicast group {@code groupName} of {@code family}. */
    public void leaveGroup(Family family, String groupName) throws NetlinkException {
        multicast.change(family, groupName, false);
    }

    /**
     * Joins multicast group number {@code group}: a netlink-raw family's groups have fixed numbers (rtnetlink's
     * RTNLGRP_LINK is 1).
     */
    public void joinGroup(int group) throws NetlinkException {
        multicast.change(group, true);
    }

    /** Leaves multicast group number {@code group}. */
    public void leaveGroup(int group) throws NetlinkException {
        multicast.change(group, false);
    }

    /**
     * Returns the next multicast notification, in arrival order (see the {@linkplain org.vnetnl.genl package
     * documentation}); any number of threads may wait at once, each notification goes to one of them.
     *
     * @return the notification in a view of its own, valid until this thread's next call on the connection
     * @throws NotificationOverrunException when notifications were lost at this point of the stream; the call
     *         after it continues with the notifications that followed
     * @throws NetlinkTimeoutException if none arrived within {@code timeout}
     * @throws NetlinkCancelledException if the thread was interrupted or the connection closed while waiting
     */
    public GenlMessage receiveNotification(Duration timeout) throws NetlinkException {
        return multicast.receive(caller(), timeout);
    }

    /**
     * Returns the next multicast notification if one is kept or already queued on the socket, without waiting;
     * {@code null} (no exception) when there is none, for listeners that poll.
     *
     * @throws NotificationOverrunException when notifications were lost at this point of the stream
     */
    public GenlMessage pollNotification() throws NetlinkException {
        return multicast.next(caller(), 0);
    }

    /** How many notifications are kept, waiting for {@link #receiveNotification}. */
    public int pendingNotifications() {
        return parts.exchange().pendingNotifications();
    }

    /** Whether {@link #close()} was called (from any thread). */
    public boolean isClosed() {
        return parts.exchange().isClosed();
    }

    /**
     * Closes the socket. Idempotent; may be called from any thread. Every call still waiting ends with
     * {@link NetlinkCancelledException} ({@link NetlinkCancelledException#byClose()}); no thread's interrupt status
     * changes. The socket and the threads' buffers are freed once the last thread has left its call, never under
     * it; views handed out then throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        parts.close();
    }

    @Override
    public String toString() {
        return "GenlConnection[port=" + Integer.toUnsignedString(portId()) + (isClosed() ? ", closed" : "") + "]";
    }
}
