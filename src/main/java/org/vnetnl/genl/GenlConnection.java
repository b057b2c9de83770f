package org.vnetnl.genl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.Syscalls;
import org.vnetnl.internal.libnl.LibNl;

/**
 * A generic netlink socket: sends requests, reads replies, dumps and multicast notifications; resolves families
 * through its {@link #controller()}. Opened through libnl ({@code nl_socket_alloc}, {@code genl_connect}) and
 * connected to the kernel; the request path then uses {@code send} and {@code recv} ({@code recvmsg} once a
 * multicast group is joined) on libnl's descriptor directly, with errno captured per connection, so a round trip
 * is exactly two system calls.
 *
 * <p><b>Memory.</b> The connection owns one arena holding its send buffers, receive buffer, socket address,
 * message header and the libnl socket itself; closing the arena is the one path that frees them. Nothing is
 * allocated per request on the success path. Messages handed out ({@link GenlMessage}, {@link AttributeReader})
 * are views into the receive buffer, valid until the connection receives again; after that they throw
 * {@link IllegalStateException} rather than show the next reply's bytes.
 *
 * <p><b>Threads.</b> A connection is confined to the thread that opened it: calls from any other thread fail
 * with {@link WrongThreadException}. Open one connection per thread. Two calls are the exception: {@link #close()}
 * and {@link #isClosed()} work from any thread. A connection nobody closed is released once it is unreachable
 * (its owner thread died, say), by a {@link Cleaner}.
 *
 * <p><b>Waiting and cancellation.</b> Generic netlink runs a request's handler inside {@code send}, so its
 * reply is normally queued before the connection reads; the read never blocks ({@code MSG_DONTWAIT}). When
 * nothing is queued yet (a notification, a slow dump part), the thread parks until the socket becomes readable,
 * the timeout passes or the wait is cancelled: a virtual thread that waits on netlink leaves its carrier free. A
 * blocked call is cancelled by {@link Thread#interrupt()} or by {@link #close()} from another thread; it then ends
 * with {@link NetlinkCancelledException} (the interrupt status stays set).
 *
 * <p><b>Requests.</b> {@link #prepare} writes the headers into the send buffer and returns an
 * {@link AttributeWriter} positioned for the attributes; {@link #transact} sends and waits for the reply,
 * {@link #dump} for the parts of a dump. A prepared request is sent once. Replies are matched by sequence number
 * and sender (the kernel); a late reply to a request that timed out is discarded, and a dump left unfinished (its
 * handler threw, it timed out or was cancelled) is read to its end before the next request goes out, so the
 * connection stays usable after any of these.
 *
 * <p><b>Notifications.</b> Multicast messages that arrive while a request waits for its reply are kept, in
 * order, and returned by the next {@link #receiveNotification} or {@link #pollNotification}; losses are reported
 * there as a {@link NotificationOverrunException}, never silently.
 */
public final class GenlConnection implements AutoCloseable {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    /** The timeout used by the convenience methods that do not take one. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Sizes of a connection's buffers.
     *
     * @param sendBufferSize bytes for one request, headers included; the socket's SO_SNDBUF is raised to it when
     *                       the system default is smaller
     * @param receiveBufferSize bytes for one datagram from the kernel; the kernel sends dump parts of up to 32 KiB.
     *                          The acknowledgement that may follow a reply gets room of its own on top
     * @param socketReceiveBufferSize the socket's SO_RCVBUF in bytes, or 0 for the system default
     *                                ({@code net.core.rmem_default}); raise it for listeners that must absorb
     *                                bursts of notifications
     * @param maxPendingNotifications notifications kept while a request waits for its reply; beyond that they
     *                                are dropped and the drop is reported as an overrun
     */
    public record Options(int sendBufferSize, int receiveBufferSize, int socketReceiveBufferSize,
                          int maxPendingNotifications) {

        /** 16 KiB send buffer, 64 KiB receive buffer, system default SO_RCVBUF, 4096 pending notifications. */
        public static Options defaults() {
            return new Options(16 * 1024, 64 * 1024, 0, 4096);
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
        }

        public Options withSendBufferSize(int bytes) {
            return new Options(bytes, receiveBufferSize, socketReceiveBufferSize, maxPendingNotifications);
        }

        public Options withReceiveBufferSize(int bytes) {
            return new Options(sendBufferSize, bytes, socketReceiveBufferSize, maxPendingNotifications);
        }

        public Options withSocketReceiveBufferSize(int bytes) {
            return new Options(sendBufferSize, receiveBufferSize, bytes, maxPendingNotifications);
        }

        public Options withMaxPendingNotifications(int count) {
            return new Options(sendBufferSize, receiveBufferSize, socketReceiveBufferSize, count);
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

    private static final Cleaner CLEANER = Cleaner.create();

    /** Room kept after the receive buffer for the acknowledgement read behind a reply. */
    private static final int ACK_ROOM = 4096;
    /** The controller's requests: a family name or a family id and a command. */
    private static final int CONTROLLER_REQUEST_SIZE = 256;

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSE_REQUESTED = 2;
    private static final int CLOSED = 3;

    private static final int TIMED_OUT = -1;
    private static final int OVERRUN = -2;

    /** Frees everything a connection holds; refers to no connection, so the Cleaner can run it. */
    private record Release(NetlinkSocket socket, Arena arena) implements Runnable {
        @Override
        public void run() {
            try {
                socket.close();
            } finally {
                arena.close();
            }
        }
    }

    private final Options options;
    /** The netlink protocol of the socket: NETLINK_GENERIC, or a netlink-raw family's (NETLINK_ROUTE is 0). */
    private final int protocol;
    private final Thread owner;
    /** IDLE, BUSY while the owner is inside a call, CLOSE_REQUESTED by another thread meanwhile, CLOSED. */
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private int depth;
    private final Cleaner.Cleanable release;

    private final NetlinkSocket socket;
    /** Where the connection's memory lives; batches are allocated in it later, so they go with it. */
    private final Arena arena;
    private final int portId;
    private final MemorySegment receiveBuffer;
    private final int receiveCapacity;
    private final Request request;
    private final Controller controller;
    private final GenlMessage notification = new GenlMessage();
    private final BufferGeneration generation = new BufferGeneration();
    private final DatagramCursor cursor = new DatagramCursor();
    private final NotificationQueue notifications;

    private int lastSequence;
    private long staleMessages;
    private boolean inDump;
    private boolean overrunDuringRequest;
    /** The current wait (see {@link #startWait}): its timeout, and its deadline once started. */
    private long waitTimeout;
    private long waitDeadline;
    private boolean waitStarted;
    /** The sequence number of a dump whose NLMSG_DONE was not read yet, 0 when none. */
    private int unfinishedDump;
    /** The kernel's extended-ack message on the success of the last request or dump, or null. */
    private String warning;

    GenlConnection(Options options, SocketOpener opener) throws NetlinkException {
        this(options, opener, NativeNetlinkSocket.NETLINK_GENERIC);
    }

    GenlConnection(Options options, SocketOpener opener, int protocol) throws NetlinkException {
        this.options = options;
        this.protocol = protocol;
        this.owner = Thread.currentThread();
        // Shared, so that close() from another thread and the Cleaner may free it.
        Arena arena = Arena.ofShared();
        NetlinkSocket opened;
        try {
            MemorySegment sendBuffer = arena.allocate(options.sendBufferSize(), 8);
            MemorySegment controllerBuffer = arena.allocate(CONTROLLER_REQUEST_SIZE, 8);
            receiveBuffer = arena.allocate(options.receiveBufferSize() + (long) ACK_ROOM, 8);
            opened = opener.open(arena, options);
            request = new Request(sendBuffer);
            controller = new Controller(this, new Request(controllerBuffer));
        } catch (NetlinkException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.socket = opened;
        this.arena = arena;
        this.portId = opened.portId();
        this.receiveCapacity = options.receiveBufferSize();
        this.notifications = new NotificationQueue(options.maxPendingNotifications());
        this.release = CLEANER.register(this, new Release(opened, arena));
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
     * Opens a connection whose socket lives in the network namespace {@code namespace}: a name created with
     * {@code ip netns add} (looked up in /run/netns) or a path such as {@code /proc/PID/ns/net}. Families,
     * devices and notifications are then those of that namespace. The calling thread enters the namespace only
     * while the socket is created, and needs CAP_SYS_ADMIN for it.
     *
     * @throws NetlinkException with ENOENT if there is no such namespace, EINVAL if the file is not a network
     *         namespace, EPERM without the privilege
     * @throws IllegalArgumentException if {@code namespace} is empty or contains a NUL character
     * @throws IllegalStateException on a virtual thread, which could change OS thread in between; or when the
     *         thread cannot return to its own namespace (the new connection is then closed, and an exception of
     *         its opening is attached as suppressed)
     */
    public static GenlConnection openInNamespace(String namespace, Options options) throws NetlinkException {
        return inNamespace(namespace, options, NativeNetlinkSocket.NETLINK_GENERIC);
    }

    /**
     * Opens a connection on a socket of netlink {@code protocol}, for a netlink-raw family (rtnetlink is
     * NETLINK_ROUTE, 0): requests are written with {@link #prepareRaw} and sent with {@link #transact} or
     * {@link #dump}; there are no generic netlink families on it ({@link #family} and {@link #controller} refuse).
     *
     * @throws IllegalArgumentException if {@code protocol} is not 0..31
     */
    public static GenlConnection openRaw(int protocol, Options options) throws NetlinkException {
        Objects.requireNonNull(options, "options");
        checkProtocol(protocol);
        NativeAccess.ensureAvailable();
        return new GenlConnection(options, kernel(protocol), protocol);
    }

    /** {@link #openRaw} with the socket in network namespace {@code namespace}, as {@link #openInNamespace}. */
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

    private static GenlConnection inNamespace(String namespace, Options options, int protocol)
            throws NetlinkException {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(options, "options");
        if (namespace.isEmpty() || namespace.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a network namespace name or path is not empty and has no NUL"
                    + " character, got \"" + namespace.replace("\0", "\\0") + "\"");
        }
        NativeAccess.ensureAvailable();
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("openInNamespace must run on a platform thread: a virtual thread may"
                    + " move to another OS thread while it is in the namespace");
        }
        String path = namespace.indexOf('/') >= 0 ? namespace : "/run/netns/" + namespace;
        String operation = "enter network namespace " + path;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment errno = Syscalls.allocateErrnoState(scratch);
            int flags = LibNl.O_RDONLY() | LibNl.O_CLOEXEC();
            int original = Syscalls.open(errno, scratch.allocateFrom("/proc/thread-self/ns/net"), flags);
            if (original < 0) {
                throw new NetlinkException(Syscalls.errno(errno), operation, 0,
                        "cannot open this thread's network namespace");
            }
            try {
                int target = Syscalls.open(errno, scratch.allocateFrom(path), flags);
                if (target < 0) {
                    int error = Syscalls.errno(errno);
                    throw new NetlinkException(error, operation, 0, error == Errno.ENOENT
                            ? "no such network namespace (create one with: ip netns add NAME)"
                            : "cannot open the namespace");
                }
                try {
                    if (Syscalls.setns(errno, target, LibNl.CLONE_NEWNET()) < 0) {
                        int error = Syscalls.errno(errno);
                        throw new NetlinkException(error, operation, 0, error == Errno.EINVAL
                                ? "not a network namespace" : error == Errno.EPERM
                                        ? "setns failed (entering a network namespace needs CAP_SYS_ADMIN)"
                                        : "setns failed");
                    }
                } finally {
                    Syscalls.close(errno, target);
                }
                GenlConnection connection = null;
                Throwable failure = null;
                try {
                    connection = new GenlConnection(options, kernel(protocol), protocol);
                } catch (NetlinkException | RuntimeException | Error e) {
                    failure = e;
                }
                if (Syscalls.setns(errno, original, LibNl.CLONE_NEWNET()) < 0) {
                    // Leaving the thread in the other namespace would silently misdirect every later socket.
                    IllegalStateException stuck = new IllegalStateException("cannot return thread \""
                            + Thread.currentThread().getName() + "\" to its network namespace: "
                            + Errno.name(Syscalls.errno(errno)));
                    if (connection != null) {
                        connection.close();
                    }
                    if (failure != null) {
                        stuck.addSuppressed(failure);
                    }
                    throw stuck;
                }
                if (failure instanceof NetlinkException e) {
                    throw e;
                }
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                if (failure instanceof Error e) {
                    throw e;
                }
                return connection;
            } finally {
                Syscalls.close(errno, original);
            }
        }
    }

    /** The netlink port id the kernel assigned to this socket. */
    public int portId() {
        checkOwner();
        return portId;
    }

    /** The port id, for the connection's own classes (no owner check: they made it). */
    int localPort() {
        return portId;
    }

    /** The options the connection was opened with. */
    public Options options() {
        return options;
    }

    /** How many unicast messages were discarded because they answered no pending request (late replies). */
    public long staleMessagesDiscarded() {
        checkOwner();
        return staleMessages;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Families: the controller

    /** The controller queries of this connection: families and policies. */
    public Controller controller() {
        checkOwner();
        if (protocol != NativeNetlinkSocket.NETLINK_GENERIC) {
            // nlctrl's numbers mean something else in another protocol (type 16 is rtnetlink's RTM_NEWLINK).
            throw new IllegalStateException("this connection speaks netlink protocol " + protocol
                    + ", which has no generic netlink families");
        }
        return controller;
    }

    /** The netlink protocol of the socket: 16 (NETLINK_GENERIC) unless opened with {@link #openRaw}. */
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
     * Writes the netlink and generic netlink headers of a request into the send buffer and returns the writer
     * for its attributes, positioned after them (and after a zeroed family header, if the family has one). The
     * writer writes only into this send buffer ({@link AttributeWriter#wrap} refuses). Nothing is sent until
     * {@link #transact} or {@link #dump}.
     *
     * @param flags NLM_F_* flags besides NLM_F_REQUEST: {@link NetlinkFlags#ACK} to have a request without reply
     *              acknowledged
     * @param operation how errors name this request (e.g. {@code "vnet_nl ECHO"}); null for a generic name. Pass
     *                  a constant: it is kept, not copied
     * @param schema the request's attribute policy, used to name the attribute an error points at; may be null
     */
    public AttributeWriter prepare(Family family, int command, int flags, String operation, AttributePolicy schema) {
        Objects.requireNonNull(family, "family");
        return prepare(request, family.id(), command, family.version(), flags, family, operation, schema);
    }

    /**
     * Writes the netlink header of a netlink-raw request (no generic netlink header) and {@code headerSize}
     * zeroed bytes for the family's fixed header (e.g. rtnetlink's {@code ifinfomsg}), which the caller fills in
     * through {@link AttributeWriter#segment()} at offset 16, and returns the writer for the attributes after
     * them. Sent as {@link #prepare} requests are: {@link #transact}, or {@link #dump} with {@code NLM_F_DUMP} in
     * {@code flags}.
     *
     * @param messageType the nlmsg_type, e.g. RTM_GETLINK (18)
     * @param flags       NLM_F_* flags besides NLM_F_REQUEST
     * @param operation   how errors name this request; null for the message type
     * @throws IllegalStateException on a generic netlink connection
     */
    public AttributeWriter prepareRaw(int messageType, int flags, int headerSize, String operation) {
        checkOwner();
        if (protocol == NativeNetlinkSocket.NETLINK_GENERIC) {
            throw new IllegalStateException("a generic netlink connection sends requests of a family: use prepare");
        }
        if (inDump) {
            throw new IllegalStateException("a dump handler cannot start another request on the same connection");
        }
        return request.prepareRaw(messageType, flags, headerSize, operation, nextSequence(), portId);
    }

    /** Prepares a dump request (NLM_F_DUMP) for {@code command}; run it with {@link #dump}. */
    public AttributeWriter prepareDump(Family family, int command) {
        return prepare(family, command, LibNl.NLM_F_DUMP(), null, null);
    }

    AttributeWriter prepare(Request target, int familyId, int command, int version, int flags, Family family,
                            String operation, AttributePolicy schema) {
        checkOwner();
        if (inDump) {
            throw new IllegalStateException("a dump handler cannot start another request on the same connection");
        }
        return target.prepare(familyId, command, version, flags, family, operation, schema, nextSequence(), portId);
    }

    int nextSequence() {
        int next = lastSequence + 1;
        if (next == 0) {
            // 0 is what notifications carry; never use it for a request.
            next = 1;
        }
        lastSequence = next;
        return next;
    }

    /**
     * Sends the prepared request and waits for its reply.
     *
     * @return the reply, valid until the connection receives again; {@code null} when the kernel only
     *         acknowledged the request (a command without reply sent with {@link NetlinkFlags#ACK})
     * @throws NetlinkException the kernel's error for this request, with its extended acknowledgement; ENOBUFS
     *         when the socket overran while the reply was awaited and nothing more is queued (the reply may have
     *         been dropped)
     * @throws NetlinkTimeoutException if neither reply nor error came within {@code timeout} (a command that
     *         sends no reply must be sent with {@link NetlinkFlags#ACK}); a reply already queued is read even
     *         with a timeout of zero
     * @throws NetlinkCancelledException if the thread was interrupted or the connection closed while waiting
     * @throws IllegalStateException if no request is prepared (a request is sent once), the prepared one is a
     *         dump, a nested attribute is still open, or the call comes from a dump handler
     */
    public GenlMessage transact(Duration timeout) throws NetlinkException {
        return transact(request, timeout);
    }

    GenlMessage transact(Request sent, Duration timeout) throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        enter();
        try {
            refuseInDump("send a request");
            sent.requirePrepared();
            if (sent.isDump()) {
                throw new IllegalStateException("the prepared request is a dump: use dump(...)");
            }
            startWait(timeoutNanos);
            finishUnfinishedDump(timeout);
            send(sent);
            boolean haveReply = false;
            int replyOffset = 0;
            int replyLength = 0;
            int at = 0;
            while (true) {
                int received = receive(at, at == 0 ? receiveCapacity : receiveBuffer.byteSize() - at, sent);
                if (received == TIMED_OUT) {
                    throw new NetlinkTimeoutException(sent.operation(), sent.sequence(), timeout);
                }
                int end = at + received;
                cursor.over(receiveBuffer, at, end);
                while (nextMessage(sent)) {
                    if (!isReplyTo(sent)) {
                        continue;
                    }
                    int type = cursor.type();
                    if (type == LibNl.NLMSG_ERROR()) {
                        int error = errorCode(sent);
                        if (error != 0) {
                            throw kernelError(sent, -error);
                        }
                        warning = successMessage();
                        return haveReply ? sent.reply().wrap(receiveBuffer, replyOffset, replyLength, 0, generation) : null;
                    } else if (type >= LibNl.NLMSG_MIN_TYPE() && !haveReply) {
                        haveReply = true;
                        replyOffset = cursor.offset();
                        replyLength = cursor.length();
                    }
                    // NLMSG_NOOP, NLMSG_DONE and further data parts of a doit carry nothing for the caller.
                }
                if (haveReply && !sent.wantsAck()) {
                    return sent.reply().wrap(receiveBuffer, replyOffset, replyLength, 0, generation);
                }
                // Keep the reply where it is and read the acknowledgement behind it, into the room kept for it.
                at = haveReply ? (int) NetlinkAlignment.nlmsgAlign(end) : 0;
            }
        } finally {
            exit();
        }
    }

    /**
     * Sends the prepared dump request and streams its parts to {@code handler} until NLMSG_DONE. If the handler
     * throws, the exception ends the dump and propagates; the rest of the dump is read and discarded before the
     * connection's next request.
     *
     * @param timeout the longest wait for each next part
     * @param onInterrupt what to do when the kernel marks the dump inconsistent (NLM_F_DUMP_INTR)
     * @throws IllegalStateException if no dump is prepared, a nested attribute is still open, or the call comes
     *         from a dump handler
     */
    public DumpResult dump(Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        return dump(request, timeout, onInterrupt, handler);
    }

    DumpResult dump(Request sent, Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        Objects.requireNonNull(onInterrupt, "onInterrupt");
        Objects.requireNonNull(handler, "handler");
        enter();
        try {
            refuseInDump("run another dump");
            sent.requirePrepared();
            if (!sent.isDump()) {
                throw new IllegalStateException("the prepared request is not a dump: use prepareDump(...)");
            }
            startWait(timeoutNanos);
            finishUnfinishedDump(timeout);
            for (int attempt = 1; ; attempt++) {
                if (attempt > 1) {
                    handler.onRestart();
                    sent.resequence(nextSequence());
                }
                send(sent);
                unfinishedDump = sent.sequence();
                int delivered = 0;
                boolean interrupted = false;
                inDump = true;
                try {
                    while (unfinishedDump != 0) {
                        startWait(timeoutNanos);
                        int received = receive(0, receiveCapacity, sent);
                        if (received == TIMED_OUT) {
                            throw new NetlinkTimeoutException(sent.operation(), sent.sequence(), timeout);
                        }
                        cursor.over(receiveBuffer, 0, received);
                        while (unfinishedDump != 0 && nextMessage(sent)) {
                            if (!isReplyTo(sent)) {
                                continue;
                            }
                            interrupted |= (cursor.flags() & LibNl.NLM_F_DUMP_INTR()) != 0;
                            int type = cursor.type();
                            if (type == LibNl.NLMSG_DONE()) {
                                unfinishedDump = 0;
                                int error = ReplyParser.doneStatus(receiveBuffer, cursor.offset(), cursor.length());
                                if (error != 0) {
                                    throw kernelError(sent, -error);
                                }
                                warning = successMessage();
                            } else if (type == LibNl.NLMSG_ERROR()) {
                                int error = errorCode(sent);
                                if (error != 0) {
                                    unfinishedDump = 0;
                                    throw kernelError(sent, -error);
                                }
                            } else if (type >= LibNl.NLMSG_MIN_TYPE()) {
                                delivered++;
                                deliver(handler, sent);
                            }
                        }
                    }
                } finally {
                    inDump = false;
                }
                if (!interrupted) {
                    return new DumpResult(delivered, attempt, false);
                }
                if (attempt >= onInterrupt.maxAttempts()) {
                    if (onInterrupt.acceptsPartial()) {
                        return new DumpResult(delivered, attempt, true);
                    }
                    throw new DumpInterruptedException(sent.operation(), sent.sequence(), attempt);
                }
            }
        } finally {
            exit();
        }
    }

    private void deliver(DumpHandler handler, Request sent) throws NetlinkException {
        int offset = cursor.offset();
        int length = cursor.length();
        try {
            handler.onMessage(sent.reply().wrap(receiveBuffer, offset, length, 0, generation));
        } catch (NetlinkException | RuntimeException | Error e) {
            // The NLMSG_DONE may be in this very datagram, after the part the handler refused.
            while (unfinishedDump != 0 && cursor.nextWellFormed()) {
                discard();
            }
            throw e;
        }
    }

    /**
     * Reads and discards the rest of a dump left unfinished, until its NLMSG_DONE: while the kernel's dump runs,
     * it refuses another one on this socket (EBUSY) and keeps feeding parts.
     */
    private void finishUnfinishedDump(Duration timeout) throws NetlinkException {
        while (unfinishedDump != 0) {
            int received = receive(0, receiveCapacity, null);
            if (received == TIMED_OUT) {
                throw new NetlinkTimeoutException("finish the dump left unfinished before this request (seq "
                        + Integer.toUnsignedString(unfinishedDump) + ")", 0, timeout);
            }
            if (received == OVERRUN) {
                notifications.socketOverrun();
                continue;
            }
            cursor.over(receiveBuffer, 0, received);
            boolean multicast = socket.group() != 0;
            while (cursor.nextWellFormed()) {
                if (multicast) {
                    if (socket.sender() == 0 && cursor.type() >= LibNl.NLMSG_MIN_TYPE()) {
                        notifications.hold(receiveBuffer, cursor.offset(), cursor.length(), socket.group());
                    }
                } else {
                    discard();
                }
            }
        }
    }

    /**
     * The kernel's extended-ack message on the success of the last {@link #transact} or {@link #dump} (a warning,
     * such as tc's "quantum of class 10010 is big"), or empty.
     */
    public Optional<String> warning() {
        checkOwner();
        return Optional.ofNullable(warning);
    }

    /** The message of the acknowledgement or NLMSG_DONE under the cursor, which reported success; or null. */
    private String successMessage() {
        return ReplyParser.extendedAck(receiveBuffer, cursor.offset(), cursor.length()).message();
    }

    private void send(Request sent) throws NetlinkException {
        warning = null;
        int length = sent.seal();
        overrunDuringRequest = false;
        long result = socket.send(sent.buffer(), length);
        if (result < 0) {
            throw new NetlinkException(errnoOf(result), sent.operation(), sent.sequence(), "send failed");
        }
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
     * slots of {@code replySize} bytes) are allocated now in the connection's memory and freed when the
     * connection closes: make a batch once and reuse it, round after round.
     *
     * @param replySize the longest reply datagram expected; a longer one fails its entry with EMSGSIZE
     * @throws IllegalArgumentException if {@code capacity} is not 1..{@value #MAX_BATCH} or {@code replySize} is
     *         below {@value #MIN_BATCH_REPLY_SIZE}, or so large that the {@code capacity + 1} slots exceed 2 GiB
     */
    public GenlBatch newBatch(int capacity, int replySize) {
        checkOwner();
        if (capacity < 1 || capacity > MAX_BATCH) {
            throw new IllegalArgumentException("a batch holds 1.." + MAX_BATCH + " requests, got " + capacity);
        }
        if (replySize < MIN_BATCH_REPLY_SIZE) {
            throw new IllegalArgumentException("replySize " + replySize + " is too small (min "
                    + MIN_BATCH_REPLY_SIZE + ")");
        }
        // In long: aligning Integer.MAX_VALUE in int arithmetic wraps to a negative size.
        long slotSize = NetlinkAlignment.nlmsgAlign((long) replySize);
        if (slotSize * (capacity + 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("replySize " + replySize + " is too large: " + (capacity + 1)
                    + " reply slots of it exceed 2 GiB");
        }
        MemorySegment send = arena.allocate(options.sendBufferSize(), 8);
        MemorySegment replies = arena.allocate(slotSize * (capacity + 1), 8);
        return new GenlBatch(this, send, replies, capacity, (int) slotSize);
    }

    /** Fails unless a batch may add a request now: the owner, an open connection, not inside a dump handler. */
    void checkBatchable() {
        checkOwner();
        refuseInDump("start another request");
    }

    /** {@link GenlBatch#execute}: one send for every entry, then receives until each has its outcome. */
    void execute(GenlBatch batch, Duration timeout) throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        enter();
        try {
            refuseInDump("send a batch");
            int length = batch.seal();
            startWait(timeoutNanos);
            finishUnfinishedDump(timeout);
            // The replies of an earlier round live in the slots about to be received into.
            generation.advance();
            long sent = socket.send(batch.sendBuffer(), length);
            if (sent < 0) {
                throw new NetlinkException(errnoOf(sent), batch.operation(), batch.firstSequence(), "send failed");
            }
            boolean overrun = false;
            while (batch.pending() > 0) {
                int free = batch.freeSlots();
                long received = socket.receiveMany(batch.replyArea(), batch.freeOffsets(), batch.replySize(), free);
                if (received == NetlinkSocket.AGAIN) {
                    if (overrun) {
                        // Every reply is queued inside the send (generic netlink answers in the sender's system
                        // call): once the queue is empty after an overrun, what is missing was dropped.
                        batch.failOverrun();
                        break;
                    }
                    if (state.get() == CLOSE_REQUESTED) {
                        throw new NetlinkCancelledException(batch.operation(), batch.firstSequence(), true);
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new NetlinkCancelledException(batch.operation(), batch.firstSequence(), false);
                    }
                    if (!awaitMore()) {
                        batch.failTimedOut(timeout);
                        break;
                    }
                    continue;
                }
                if (received == NetlinkSocket.OVERRUN) {
                    notifications.socketOverrun();
                    overrun = true;
                    continue;
                }
                if (received < 0) {
                    throw new NetlinkException(errnoOf(received), batch.operation(), batch.firstSequence(),
                            "recvmmsg failed");
                }
                for (int i = 0; i < received; i++) {
                    acceptBatchDatagram(batch, i);
                }
            }
            batch.finish(generation);
        } finally {
            exit();
        }
    }

    /** Matches the messages of the {@code i}-th datagram of the last receive to the batch's entries. */
    private void acceptBatchDatagram(GenlBatch batch, int i) {
        MemorySegment area = batch.replyArea();
        int at = batch.freeOffset(i);
        int length = socket.receivedLength(i);
        int sender = socket.receivedSender(i);
        int group = socket.receivedGroup(i);
        int end = at + Math.min(length, batch.replySize());
        cursor.over(area, at, end);
        if (group != 0) {
            while (sender == 0 && cursor.nextWellFormed()) {
                if (cursor.type() >= LibNl.NLMSG_MIN_TYPE()) {
                    notifications.hold(area, cursor.offset(), cursor.length(), group);
                }
            }
            return;
        }
        if (sender != 0) {
            staleMessages++;
            return;
        }
        if (length > batch.replySize()) {
            // The header survives truncation: the entry it answers learns what happened to its reply.
            int index = end - at >= NetlinkAlignment.NLMSG_HDRLEN
                    && MessageHeader.portId(area, at) == portId ? batch.indexOf(MessageHeader.sequence(area, at)) : -1;
            if (index >= 0) {
                Request entry = batch.entry(index);
                batch.fail(index, new NetlinkException(Errno.EMSGSIZE, entry.operation(), entry.sequence(),
                        "a reply of " + length + " bytes was truncated to " + batch.replySize()
                                + " bytes: make the batch with a larger replySize"));
            } else {
                staleMessages++;
            }
            return;
        }
        while (true) {
            boolean more;
            try {
                more = cursor.next();
            } catch (MalformedMessageException e) {
                int index = MessageHeader.portId(area, at) == portId && end - at >= NetlinkAlignment.NLMSG_HDRLEN
                        ? batch.indexOf(MessageHeader.sequence(area, at)) : -1;
                if (index >= 0) {
                    batch.fail(index, badMessage(batch.entry(index), e));
                } else {
                    staleMessages++;
                }
                return;
            }
            if (!more) {
                return;
            }
            int index = cursor.portId() == portId ? batch.indexOf(cursor.sequence()) : -1;
            if (index < 0) {
                staleMessages++;
                continue;
            }
            if (!batch.isOpen(index)) {
                continue; // the acknowledgement behind a reply whose entry failed already (truncated)
            }
            Request entry = batch.entry(index);
            int type = cursor.type();
            if (type == LibNl.NLMSG_ERROR()) {
                int error;
                try {
                    error = ReplyParser.errorCode(area, cursor.offset(), cursor.length());
                } catch (MalformedMessageException e) {
                    batch.fail(index, badMessage(entry, e));
                    continue;
                }
                if (error != 0) {
                    batch.fail(index, ReplyParser.kernelError(area, cursor.offset(), cursor.length(), -error,
                            entry.sent()));
                } else {
                    batch.acknowledged(index);
                }
            } else if (type >= LibNl.NLMSG_MIN_TYPE()) {
                batch.replied(index, i, cursor.offset(), cursor.length());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Multicast

    /**
     * Joins the multicast group {@code groupName} of {@code family}.
     *
     * @throws IllegalArgumentException if the family has no such group
     */
    public void joinGroup(Family family, String groupName) throws NetlinkException {
        int group = groupId(family, groupName);
        enter();
        try {
            int rc = socket.joinGroup(group);
            if (rc < 0) {
                throw new NetlinkException(-rc, "join " + family.name() + " group \"" + groupName + "\"", 0,
                        "setsockopt failed");
            }
        } finally {
            exit();
        }
    }

    /** Leaves the multicast group {@code groupName} of {@code family}. */
    public void leaveGroup(Family family, String groupName) throws NetlinkException {
        int group = groupId(family, groupName);
        enter();
        try {
            int rc = socket.leaveGroup(group);
            if (rc < 0) {
                throw new NetlinkException(-rc, "leave " + family.name() + " group \"" + groupName + "\"", 0,
                        "setsockopt failed");
            }
        } finally {
            exit();
        }
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
        enter();
        try {
            int rc = join ? socket.joinGroup(group) : socket.leaveGroup(group);
            if (rc < 0) {
                throw new NetlinkException(-rc, (join ? "join" : "leave") + " group " + group, 0, "setsockopt failed");
            }
        } finally {
            exit();
        }
    }

    private static int groupId(Family family, String groupName) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(groupName, "groupName");
        OptionalInt group = family.multicastGroup(groupName);
        if (group.isEmpty()) {
            throw new IllegalArgumentException("family " + family.name() + " has no multicast group \"" + groupName
                    + "\"; its groups are " + family.multicastGroups().keySet());
        }
        return group.getAsInt();
    }

    /**
     * Returns the next multicast notification: first those kept while requests were waiting, in arrival order,
     * then new ones from the socket.
     *
     * @return the notification, valid until the connection receives again
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
        enter();
        try {
            if (inDump) {
                throw new IllegalStateException("a dump handler cannot receive notifications on the same connection");
            }
            if (!notifications.isEmpty()) {
                generation.advance();
                int length = notifications.take(receiveBuffer);
                return notification.wrap(receiveBuffer, 0, length, notifications.takenGroup(), generation);
            }
            startWait(timeoutNanos);
            while (true) {
                int received = receive(0, receiveCapacity, null);
                if (received == TIMED_OUT) {
                    return null;
                }
                if (received == OVERRUN) {
                    throw new NotificationOverrunException(1, 0);
                }
                cursor.over(receiveBuffer, 0, received);
                int group = socket.group();
                if (group == 0 || socket.sender() != 0) {
                    // Late replies, the rest of an abandoned dump, or another process's message.
                    while (cursor.nextWellFormed()) {
                        discard();
                    }
                    continue;
                }
                int first = -1;
                int firstLength = 0;
                while (nextMessage(null)) {
                    if (cursor.type() >= LibNl.NLMSG_MIN_TYPE()) {
                        if (first < 0) {
                            first = cursor.offset();
                            firstLength = cursor.length();
                        } else {
                            notifications.hold(receiveBuffer, cursor.offset(), cursor.length(), group);
                        }
                    }
                }
                if (first >= 0) {
                    return notification.wrap(receiveBuffer, first, firstLength, group, generation);
                }
            }
        } finally {
            exit();
        }
    }

    /** How many notifications are kept from earlier requests, waiting for {@link #receiveNotification}. */
    public int pendingNotifications() {
        checkOwner();
        return notifications.size();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    /**
     * Reads one datagram into {@code receiveBuffer[at, at + capacity)}, waiting for one within the current wait
     * ({@link #startWait}).
     * While a request ({@code awaited}) waits, multicast datagrams are kept for later and the read repeats.
     *
     * @return its length; {@link #TIMED_OUT} at the deadline; {@link #OVERRUN} for a socket overrun when no
     *         request is waiting and nothing is kept (so the listener hears of it now)
     */
    private int receive(int at, long capacity, Request awaited) throws NetlinkException {
        while (true) {
            generation.advance();
            long received = socket.receive(receiveBuffer, at, capacity);
            if (received == NetlinkSocket.AGAIN) {
                if (awaited != null && overrunDuringRequest) {
                    throw new NetlinkException(Errno.ENOBUFS, awaited.operation(), awaited.sequence(),
                            "the socket's receive buffer overran while the reply was awaited and nothing more is"
                                    + " queued: the kernel may have dropped the reply");
                }
                if (state.get() == CLOSE_REQUESTED) {
                    throw cancelled(awaited, true);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw cancelled(awaited, false);
                }
                if (!awaitMore()) {
                    return TIMED_OUT;
                }
                continue;
            }
            if (received == NetlinkSocket.OVERRUN) {
                if (awaited == null && notifications.isEmpty()) {
                    return OVERRUN;
                }
                // Lost notifications (or, while a request waits, perhaps its reply): recorded where it happened.
                notifications.socketOverrun();
                overrunDuringRequest |= awaited != null;
                continue;
            }
            // The operation's name is built only for an error: for a request without a name it is a new string.
            if (received < 0) {
                throw new NetlinkException(errnoOf(received), operationOf(awaited), sequenceOf(awaited),
                        "receive failed");
            }
            if (received > capacity) {
                throw new NetlinkException(Errno.EMSGSIZE, operationOf(awaited), sequenceOf(awaited), "a datagram of "
                        + received + " bytes was truncated to " + capacity + " bytes: raise Options.receiveBufferSize");
            }
            int group = socket.group();
            if (awaited != null && group != 0) {
                if (socket.sender() == 0) {
                    cursor.over(receiveBuffer, at, at + (int) received);
                    while (cursor.nextWellFormed()) {
                        if (cursor.type() >= LibNl.NLMSG_MIN_TYPE()) {
                            notifications.hold(receiveBuffer, cursor.offset(), cursor.length(), group);
                        }
                    }
                }
                continue;
            }
            return (int) received;
        }
    }

    /**
     * Nothing is queued: waits until something may be, within the current wait (see {@link #startWait}); false
     * when its time is up. The caller checks for cancellation first, naming what it waits for.
     */
    private boolean awaitMore() {
        long now = System.nanoTime();
        if (!waitStarted) {
            waitDeadline = now + waitTimeout;
            waitStarted = true;
        }
        if (waitDeadline - now <= 0) {
            return false;
        }
        socket.await(waitDeadline);
        return true;
    }

    /**
     * Starts the wait of a call, or of one dump part, bounded by {@code timeoutNanos}. Its deadline is taken when
     * a read first finds nothing queued: a reply that is already there (the usual case, the kernel answers inside
     * the send) costs no clock read, and the timeout bounds the time spent waiting.
     */
    private void startWait(long timeoutNanos) {
        waitTimeout = timeoutNanos;
        waitStarted = false;
    }

    private static String operationOf(Request awaited) {
        return awaited != null ? awaited.operation() : "receive notification";
    }

    private static int sequenceOf(Request awaited) {
        return awaited != null ? awaited.sequence() : 0;
    }

    private static int errnoOf(long result) {
        if (result == NetlinkSocket.AGAIN) {
            return Errno.EAGAIN;
        }
        if (result == NetlinkSocket.OVERRUN) {
            return Errno.ENOBUFS;
        }
        return (int) -result;
    }

    private NetlinkCancelledException cancelled(Request awaited, boolean byClose) {
        return new NetlinkCancelledException(awaited != null ? awaited.operation() : "receive notification",
                awaited != null ? awaited.sequence() : 0, byClose);
    }

    /** The next message of the datagram; malformed data from the kernel fails the request it was meant for. */
    private boolean nextMessage(Request awaited) throws NetlinkException {
        try {
            return cursor.next();
        } catch (MalformedMessageException e) {
            throw badMessage(awaited, e);
        }
    }

    /** Whether the unicast message under the cursor belongs to {@code sent}; discards what does not. */
    private boolean isReplyTo(Request sent) {
        if (socket.sender() != 0 || cursor.sequence() != sent.sequence() || cursor.portId() != portId) {
            discard();
            return false;
        }
        return true;
    }

    /** Counts a message nobody waits for, noting the end of an abandoned dump. */
    private void discard() {
        staleMessages++;
        noteIfDumpEnd();
    }

    private void noteIfDumpEnd() {
        if (unfinishedDump != 0 && socket.sender() == 0 && cursor.sequence() == unfinishedDump
                && (cursor.type() == LibNl.NLMSG_DONE() || cursor.type() == LibNl.NLMSG_ERROR())) {
            unfinishedDump = 0;
        }
    }

    private int errorCode(Request sent) throws NetlinkException {
        try {
            return ReplyParser.errorCode(receiveBuffer, cursor.offset(), cursor.length());
        } catch (MalformedMessageException e) {
            throw badMessage(sent, e);
        }
    }

    /** Malformed data from the kernel fails the request it was meant for. */
    private NetlinkException badMessage(Request awaited, MalformedMessageException cause) {
        NetlinkException e = new NetlinkException(Errno.EBADMSG, awaited != null ? awaited.operation()
                : "receive notification", awaited != null ? awaited.sequence() : 0, cause.problem());
        e.initCause(cause);
        return e;
    }

    /** The exception for a kernel error, with what the kernel's extended acknowledgement says. */
    private NetlinkException kernelError(Request sent, int errno) {
        return ReplyParser.kernelError(receiveBuffer, cursor.offset(), cursor.length(), errno, sent.sent());
    }

    private static long checkTimeout(Duration timeout) {
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

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle

    private void refuseInDump(String what) {
        if (inDump) {
            throw new IllegalStateException("a dump handler cannot " + what + " on the same connection");
        }
    }

    /** Fails unless called by the owner on an open connection. */
    void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw wrongThread();
        }
        if (state.get() >= CLOSE_REQUESTED && depth == 0) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
    }

    private WrongThreadException wrongThread() {
        return new WrongThreadException("this GenlConnection belongs to thread \"" + owner.getName()
                + "\" that opened it; it was called from \"" + Thread.currentThread().getName()
                + "\". Open one connection per thread.");
    }

    /** Marks the owner inside a call, so that a close from another thread leaves the freeing to {@link #exit}. */
    private void enter() {
        if (Thread.currentThread() != owner) {
            throw wrongThread();
        }
        if (depth == 0 && !state.compareAndSet(IDLE, BUSY)) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
        depth++;
    }

    private void exit() {
        if (--depth == 0 && !state.compareAndSet(BUSY, IDLE)) {
            // Closed by another thread (or by a handler) while inside: free now that no native call runs.
            state.set(CLOSED);
            generation.advance();
            release.clean();
        }
    }

    /** Whether {@link #close()} was called (from any thread). */
    public boolean isClosed() {
        return state.get() >= CLOSE_REQUESTED;
    }

    /**
     * Closes the socket and frees the connection's native memory. Idempotent; may be called from any thread. If
     * the owner is inside a call, that call is cancelled ({@link NetlinkCancelledException} when it waits) and
     * the memory is freed as it returns, never under it.
     */
    @Override
    public void close() {
        while (true) {
            int current = state.get();
            if (current == IDLE) {
                if (state.compareAndSet(IDLE, CLOSED)) {
                    if (Thread.currentThread() == owner) {
                        generation.advance();
                    }
                    release.clean();
                    return;
                }
            } else if (current == BUSY) {
                if (state.compareAndSet(BUSY, CLOSE_REQUESTED)) {
                    LockSupport.unpark(owner);
                    return;
                }
            } else {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "GenlConnection[port=" + Integer.toUnsignedString(portId) + (isClosed() ? ", closed" : "") + "]";
    }
}
