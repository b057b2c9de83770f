package org.vnetnl.genl;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.Syscalls;
import org.vnetnl.internal.libnl.LibNl;
import org.vnetnl.internal.libnl.iovec;
import org.vnetnl.internal.libnl.msghdr;
import org.vnetnl.internal.libnl.sockaddr_nl;
import org.vnetnl.internal.libnl.timeval;

/**
 * A generic netlink socket: resolves families, sends requests, reads replies, dumps and multicast
 * notifications. Opened through libnl ({@code nl_socket_alloc}, {@code genl_connect}); the request path then
 * uses {@code sendto} and {@code recvmsg} on libnl's descriptor directly, with errno captured per connection,
 * so a round trip is exactly two system calls.
 *
 * <p><b>Memory.</b> The connection owns one arena holding its send buffer, receive buffer, socket address and
 * message header; nothing is allocated per request on the success path. Messages handed out
 * ({@link GenlMessage}, {@link AttributeReader}) are views into the receive buffer and valid until the next call
 * on the connection.
 *
 * <p><b>Threads.</b> A connection is confined to the thread that opened it; calls from any other thread fail
 * with {@link WrongThreadException}. Open one connection per thread.
 *
 * <p><b>Requests.</b> {@link #prepare} writes the headers into the send buffer and returns an
 * {@link AttributeWriter} positioned for the attributes; {@link #transact} sends and waits for the reply,
 * {@link #dump} for the parts of a dump. Replies are matched by sequence number and sender (the kernel); a late
 * reply to a request that timed out is discarded, so the connection stays usable after any timeout.
 *
 * <p><b>Notifications.</b> Multicast messages that arrive while a request waits for its reply are kept, in
 * order, and returned by the next {@link #receiveNotification}; losses are reported there as a
 * {@link NotificationOverrunException}, never silently.
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
     * @param sendBufferSize bytes for one request, headers included
     * @param receiveBufferSize bytes for one datagram from the kernel plus the acknowledgement that may follow a
     *                          reply; the kernel sends dump parts of up to 32 KiB
     * @param socketReceiveBufferSize the socket's SO_RCVBUF in bytes, or 0 to keep the system default; raise it
     *                                for listeners that must absorb bursts of notifications
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

    /** A notification held back during a request, or a marker of notifications lost at that point. */
    private static final class Pending {
        final byte[] message;
        final int group;
        long socketOverruns;
        long queueDrops;

        Pending(byte[] message, int group) {
            this.message = message;
            this.group = group;
        }
    }

    private static final int SOCKADDR_NL_SIZE = (int) sockaddr_nl.layout().byteSize();
    private static final int CONTROL_SIZE = 64;
    private static final long NANOS_PER_MICRO = 1_000L;
    private static final int CTRL_VERSION = 1;

    private final Options options;
    private final Thread owner;
    private final Arena arena;
    private final MemorySegment socket;
    private final int fd;
    private final int portId;

    private final MemorySegment errnoState;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment kernelAddress;
    private final MemorySegment senderAddress;
    private final MemorySegment iov;
    private final MemorySegment control;
    private final MemorySegment header;
    private final MemorySegment optionValue;

    private final AttributeWriter writer = new AttributeWriter();
    private final GenlMessage message = new GenlMessage();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private int pendingMessages;
    private final Map<String, Family> families = new HashMap<>();

    private int lastSequence;
    private boolean prepared;
    private int requestSequence;
    private int requestFlags;
    private int requestAttributesStart;
    private int requestLength;
    private Family requestFamily;
    private int requestCommand;
    private String requestOperation;
    private AttributePolicy requestSchema;

    private long armedTimeoutNanos;
    private int iovAt = -1;
    private boolean packetInfo;
    private int joinedGroups;
    private int receivedGroup;
    private int receivedSender;
    private long staleMessages;
    private boolean inDump;
    private boolean closed;

    private GenlConnection(Options options) throws NetlinkException {
        NativeAccess.ensureAvailable();
        this.options = options;
        this.owner = Thread.currentThread();
        this.arena = Arena.ofConfined();
        MemorySegment sock = MemorySegment.NULL;
        try {
            errnoState = Syscalls.allocateErrnoState(arena);
            sendBuffer = arena.allocate(options.sendBufferSize(), 8);
            receiveBuffer = arena.allocate(options.receiveBufferSize(), 8);
            kernelAddress = arena.allocate(sockaddr_nl.layout());
            senderAddress = arena.allocate(sockaddr_nl.layout());
            iov = arena.allocate(iovec.layout());
            control = arena.allocate(CONTROL_SIZE, 8);
            header = arena.allocate(msghdr.layout());
            optionValue = arena.allocate(timeval.layout());

            sock = LibNl.nl_socket_alloc();
            if (sock.equals(MemorySegment.NULL)) {
                throw new NetlinkException(LibNl.ENOMEM(), "open generic netlink socket", 0,
                        "nl_socket_alloc returned NULL");
            }
            // libnl's own send/receive path would add an ACK to every request and peek before every read (three
            // extra system calls); this connection reads and writes the descriptor itself, but keep libnl
            // consistent for anything that does use the handle.
            LibNl.nl_socket_disable_auto_ack(sock);
            LibNl.nl_socket_disable_msg_peek(sock);
            int rc = LibNl.genl_connect(sock);
            if (rc < 0) {
                throw libnlError("connect to generic netlink", rc);
            }
            this.socket = sock;
            this.fd = LibNl.nl_socket_get_fd(sock);
            this.portId = LibNl.nl_socket_get_local_port(sock);

            sockaddr_nl.nl_family(kernelAddress, (short) LibNl.AF_NETLINK());
            msghdr.msg_name(header, senderAddress);
            msghdr.msg_iov(header, iov);
            msghdr.msg_iovlen(header, 1);
            msghdr.msg_control(header, control);

            // Errors then carry the kernel's message and the offset of the offending attribute, and do not echo
            // the whole request back (which could exceed the receive buffer for large requests).
            setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_EXT_ACK(), 1, "NETLINK_EXT_ACK");
            setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_CAP_ACK(), 1, "NETLINK_CAP_ACK");
            if (options.socketReceiveBufferSize() > 0) {
                setIntOption(LibNl.SOL_SOCKET(), LibNl.SO_RCVBUF(), options.socketReceiveBufferSize(), "SO_RCVBUF");
            }
        } catch (NetlinkException | RuntimeException | Error e) {
            if (!sock.equals(MemorySegment.NULL)) {
                LibNl.nl_socket_free(sock);
            }
            arena.close();
            throw e;
        }
    }

    /** Opens a connection with {@link Options#defaults()}. */
    public static GenlConnection open() throws NetlinkException {
        return new GenlConnection(Options.defaults());
    }

    /** Opens a connection with the given buffer sizes. */
    public static GenlConnection open(Options options) throws NetlinkException {
        return new GenlConnection(Objects.requireNonNull(options, "options"));
    }

    /**
     * Opens a connection whose socket lives in the network namespace {@code namespace}: a name created with
     * {@code ip netns add} (looked up in /run/netns) or a path such as {@code /proc/PID/ns/net}. Families,
     * devices and notifications are then those of that namespace. The calling thread enters the namespace only
     * while the socket is created, and needs CAP_SYS_ADMIN for it.
     *
     * @throws NetlinkException with ENOENT if there is no such namespace, EPERM without the privilege
     * @throws IllegalStateException on a virtual thread, which could change OS thread in between
     */
    public static GenlConnection openInNamespace(String namespace, Options options) throws NetlinkException {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(options, "options");
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
                        throw new NetlinkException(Syscalls.errno(errno), operation, 0,
                                "setns failed (entering a network namespace needs CAP_SYS_ADMIN)");
                    }
                } finally {
                    Syscalls.close(errno, target);
                }
                try {
                    return new GenlConnection(options);
                } finally {
                    if (Syscalls.setns(errno, original, LibNl.CLONE_NEWNET()) < 0) {
                        // Leaving the thread in the other namespace would silently misdirect every later socket.
                        throw new IllegalStateException("cannot return thread \"" + Thread.currentThread().getName()
                                + "\" to its network namespace: errno " + Syscalls.errno(errno));
                    }
                }
            } finally {
                Syscalls.close(errno, original);
            }
        }
    }

    /** The netlink port id the kernel assigned to this socket. */
    public int portId() {
        checkUsable();
        return portId;
    }

    /** The options the connection was opened with. */
    public Options options() {
        return options;
    }

    /** How many unicast messages were discarded because they answered no pending request (late replies). */
    public long staleMessagesDiscarded() {
        checkUsable();
        return staleMessages;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Families

    /**
     * Resolves a family by name (CTRL_CMD_GETFAMILY) with {@link #DEFAULT_TIMEOUT}; the result is cached for the
     * connection's life, see {@link #forgetFamily}.
     *
     * @throws FamilyNotFoundException if no family of that name is registered
     */
    public Family family(String name) throws NetlinkException {
        return family(name, DEFAULT_TIMEOUT);
    }

    /** As {@link #family(String)}, waiting at most {@code timeout} for the controller's answer. */
    public Family family(String name, Duration timeout) throws NetlinkException {
        checkUsable();
        Objects.requireNonNull(name, "name");
        Family cached = families.get(name);
        if (cached != null) {
            return cached;
        }
        Family resolved = resolveFamily(name, timeout);
        families.put(name, resolved);
        return resolved;
    }

    /**
     * Drops a cached family, so the next {@link #family} asks the kernel again (after its module was reloaded).
     */
    public void forgetFamily(String name) {
        checkUsable();
        families.remove(name);
    }

    private Family resolveFamily(String name, Duration timeout) throws NetlinkException {
        if (name.isEmpty() || name.length() >= LibNl.GENL_NAMSIZ()) {
            throw new IllegalArgumentException("generic netlink family names have 1 to " + (LibNl.GENL_NAMSIZ() - 1)
                    + " characters, got \"" + name + "\"");
        }
        AttributeWriter attrs = prepareRequest(LibNl.GENL_ID_CTRL(), LibNl.CTRL_CMD_GETFAMILY(), CTRL_VERSION, 0,
                null, "nlctrl CTRL_CMD_GETFAMILY(\"" + name + "\")", null);
        attrs.putString(LibNl.CTRL_ATTR_FAMILY_NAME(), name);
        try {
            GenlMessage reply = transact(timeout);
            if (reply == null) {
                throw new NetlinkException(Errno.EPROTO, requestOperation, requestSequence,
                        "the controller acknowledged without a family description");
            }
            return Family.parse(reply);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT && !(e instanceof FamilyNotFoundException)) {
                throw new FamilyNotFoundException(name, e.sequence(), e.extAckMessage().orElse(null));
            }
            throw e;
        }
    }

    /** Lists every registered family (a CTRL_CMD_GETFAMILY dump, retried if a module loads meanwhile). */
    public List<Family> families(Duration timeout) throws NetlinkException {
        checkUsable();
        prepareRequest(LibNl.GENL_ID_CTRL(), LibNl.CTRL_CMD_GETFAMILY(), CTRL_VERSION, LibNl.NLM_F_DUMP(), null,
                "nlctrl CTRL_CMD_GETFAMILY dump", null);
        List<Family> result = new ArrayList<>();
        dump(timeout, DumpInterruptPolicy.retry(5), new DumpHandler() {
            @Override
            public void onMessage(GenlMessage part) {
                result.add(Family.parse(part));
            }

            @Override
            public void onRestart() {
                result.clear();
            }
        });
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    /** Prepares a request for {@code command} of {@code family} with no flags; see {@link #prepare(Family, int, int, String, AttributePolicy)}. */
    public AttributeWriter prepare(Family family, int command) {
        return prepare(family, command, 0, null, null);
    }

    /**
     * Writes the netlink and generic netlink headers of a request into the send buffer and returns the writer
     * for its attributes, positioned after them (and after a zeroed family header, if the family has one).
     * Nothing is sent until {@link #transact} or {@link #dump}.
     *
     * @param flags NLM_F_* flags besides NLM_F_REQUEST: {@link NetlinkFlags#ACK} to have a request without reply
     *              acknowledged
     * @param operation how errors name this request (e.g. {@code "vnet_nl ECHO"}); null for a generic name. Pass
     *                  a constant: it is kept, not copied
     * @param schema the request's attribute policy, used to name the attribute an error points at; may be null
     */
    public AttributeWriter prepare(Family family, int command, int flags, String operation, AttributePolicy schema) {
        checkUsable();
        Objects.requireNonNull(family, "family");
        return prepareRequest(family.id(), command, family.version(), flags, family, operation, schema);
    }

    /** Prepares a dump request (NLM_F_DUMP) for {@code command}; run it with {@link #dump}. */
    public AttributeWriter prepareDump(Family family, int command) {
        return prepare(family, command, LibNl.NLM_F_DUMP(), null, null);
    }

    private AttributeWriter prepareRequest(int familyId, int command, int version, int flags, Family family,
                                           String operation, AttributePolicy schema) {
        if (inDump) {
            throw new IllegalStateException("a dump handler cannot start another request on the same connection");
        }
        if (command < 0 || command > 0xFF) {
            throw new IllegalArgumentException("generic netlink commands are 0..255, got " + command);
        }
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("netlink flags are 16 bits, got 0x" + Integer.toHexString(flags));
        }
        int familyHeader = family == null ? 0 : family.headerSize();
        int attributesStart = MessageHeader.GENL_PAYLOAD + NetlinkAlignment.nlaAlign(familyHeader);
        if (attributesStart > sendBuffer.byteSize()) {
            throw new IllegalArgumentException("the family header of " + familyHeader
                    + " bytes does not fit the send buffer");
        }
        requestFlags = LibNl.NLM_F_REQUEST() | flags;
        requestSequence = nextSequence();
        MessageHeader.writeGenl(sendBuffer, 0, familyId, requestFlags, requestSequence, portId, command, version);
        if (attributesStart > MessageHeader.GENL_PAYLOAD) {
            sendBuffer.asSlice(MessageHeader.GENL_PAYLOAD, attributesStart - MessageHeader.GENL_PAYLOAD).fill((byte) 0);
        }
        requestAttributesStart = attributesStart;
        requestFamily = family;
        requestCommand = command;
        requestOperation = operation;
        requestSchema = schema;
        prepared = true;
        return writer.wrap(sendBuffer, attributesStart, sendBuffer.byteSize() - attributesStart);
    }

    private int nextSequence() {
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
     * @return the reply, valid until the next call on this connection; {@code null} when the kernel only
     *         acknowledged the request (a command without reply sent with {@link NetlinkFlags#ACK})
     * @throws NetlinkException the kernel's error for this request, with its extended acknowledgement
     * @throws NetlinkTimeoutException if neither reply nor error came within {@code timeout} (a command that
     *         sends no reply must be sent with {@link NetlinkFlags#ACK})
     */
    public GenlMessage transact(Duration timeout) throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        checkUsable();
        requirePrepared();
        if ((requestFlags & LibNl.NLM_F_DUMP()) == LibNl.NLM_F_DUMP()) {
            throw new IllegalStateException("the prepared request is a dump: use dump(...)");
        }
        long deadline = System.nanoTime() + timeoutNanos;
        send();
        boolean wantAck = (requestFlags & LibNl.NLM_F_ACK()) != 0;
        boolean haveReply = false;
        long replyOffset = 0;
        int replyLength = 0;
        int at = 0;
        boolean firstRead = true;
        while (true) {
            int received = receive(at, deadline, timeout, timeoutNanos, true, firstRead);
            firstRead = false;
            int end = at + received;
            for (int pos = at; pos < end; ) {
                int length = validMessageLength(pos, end);
                if (!isReplyToRequest(pos, length)) {
                    pos += NetlinkAlignment.nlmsgAlign(length);
                    continue;
                }
                int type = MessageHeader.type(receiveBuffer, pos);
                if (type == LibNl.NLMSG_ERROR()) {
                    int error = errorCode(pos, length);
                    if (error != 0) {
                        throw kernelError(pos, length, -error);
                    }
                    if (haveReply) {
                        return message.wrap(receiveBuffer, replyOffset, replyLength, 0);
                    }
                    return null;
                } else if (type >= LibNl.NLMSG_MIN_TYPE() && !haveReply) {
                    haveReply = true;
                    replyOffset = pos;
                    replyLength = length;
                }
                // NLMSG_NOOP, NLMSG_DONE and further data parts of a doit carry nothing for the caller.
                pos += NetlinkAlignment.nlmsgAlign(length);
            }
            if (haveReply && !wantAck) {
                return message.wrap(receiveBuffer, replyOffset, replyLength, 0);
            }
            // Keep the reply where it is and read the acknowledgement behind it.
            at = haveReply ? (int) NetlinkAlignment.nlmsgAlign(end) : 0;
            if (haveReply && receiveBuffer.byteSize() - at < 1024) {
                throw new NetlinkException(Errno.EMSGSIZE, operation(), requestSequence, "a reply of "
                        + replyLength + " bytes leaves no room for its acknowledgement in the " + receiveBuffer.byteSize()
                        + "-byte receive buffer: raise Options.receiveBufferSize");
            }
        }
    }

    /**
     * Sends the prepared dump request and streams its parts to {@code handler} until NLMSG_DONE.
     *
     * @param timeout the longest wait for each next part
     * @param onInterrupt what to do when the kernel marks the dump inconsistent (NLM_F_DUMP_INTR)
     */
    public DumpResult dump(Duration timeout, DumpInterruptPolicy onInterrupt, DumpHandler handler)
            throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        Objects.requireNonNull(onInterrupt, "onInterrupt");
        Objects.requireNonNull(handler, "handler");
        checkUsable();
        requirePrepared();
        if ((requestFlags & LibNl.NLM_F_DUMP()) != LibNl.NLM_F_DUMP()) {
            throw new IllegalStateException("the prepared request is not a dump: use prepareDump(...)");
        }
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                handler.onRestart();
                requestSequence = nextSequence();
                MessageHeader.setSequence(sendBuffer, 0, requestSequence);
            }
            send();
            int delivered = 0;
            boolean interrupted = false;
            boolean done = false;
            inDump = true;
            try {
                while (!done) {
                    int received = receive(0, System.nanoTime() + timeoutNanos, timeout, timeoutNanos, true, true);
                    for (int pos = 0; pos < received && !done; ) {
                        int length = validMessageLength(pos, received);
                        if (isReplyToRequest(pos, length)) {
                            int type = MessageHeader.type(receiveBuffer, pos);
                            interrupted |= (MessageHeader.flags(receiveBuffer, pos) & LibNl.NLM_F_DUMP_INTR()) != 0;
                            if (type == LibNl.NLMSG_DONE()) {
                                done = true;
                                int error = ReplyParser.doneStatus(receiveBuffer, pos, length);
                                if (error != 0) {
                                    throw kernelError(pos, length, -error);
                                }
                            } else if (type == LibNl.NLMSG_ERROR()) {
                                int error = errorCode(pos, length);
                                if (error != 0) {
                                    throw kernelError(pos, length, -error);
                                }
                            } else if (type >= LibNl.NLMSG_MIN_TYPE()) {
                                delivered++;
                                handler.onMessage(message.wrap(receiveBuffer, pos, length, 0));
                            }
                        }
                        pos += NetlinkAlignment.nlmsgAlign(length);
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
                throw new DumpInterruptedException(operation(), requestSequence, attempt);
            }
        }
    }

    private void send() throws NetlinkException {
        requestLength = (int) writer.position();
        MessageHeader.setLength(sendBuffer, 0, requestLength);
        while (true) {
            long sent = Syscalls.sendto(errnoState, fd, sendBuffer, requestLength, 0, kernelAddress,
                    SOCKADDR_NL_SIZE);
            if (sent >= 0) {
                return;
            }
            int errno = Syscalls.errno(errnoState);
            if (errno != Errno.EINTR) {
                throw new NetlinkException(errno, operation(), requestSequence, "sendto failed");
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
        checkUsable();
        int group = groupId(family, groupName);
        if (!packetInfo) {
            // With NETLINK_PKTINFO every datagram says which group it came on, also for group ids above 32 that
            // the sender address cannot express; only needed (and only paid for) once a group is joined.
            setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_PKTINFO(), 1, "NETLINK_PKTINFO");
            packetInfo = true;
        }
        setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_ADD_MEMBERSHIP(), group,
                "join " + family.name() + " group \"" + groupName + "\"");
        joinedGroups++;
    }

    /** Leaves the multicast group {@code groupName} of {@code family}. */
    public void leaveGroup(Family family, String groupName) throws NetlinkException {
        checkUsable();
        int group = groupId(family, groupName);
        setIntOption(LibNl.SOL_NETLINK(), LibNl.NETLINK_DROP_MEMBERSHIP(), group,
                "leave " + family.name() + " group \"" + groupName + "\"");
        joinedGroups = Math.max(0, joinedGroups - 1);
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
     * @return the notification, valid until the next call on this connection
     * @throws NotificationOverrunException when notifications were lost at this point of the stream; the call
     *         after it continues with the notifications that followed
     * @throws NetlinkTimeoutException if none arrived within {@code timeout}
     */
    public GenlMessage receiveNotification(Duration timeout) throws NetlinkException {
        long timeoutNanos = checkTimeout(timeout);
        checkUsable();
        if (inDump) {
            throw new IllegalStateException("a dump handler cannot receive notifications on the same connection");
        }
        Pending held = pending.poll();
        if (held != null) {
            if (held.message == null) {
                throw new NotificationOverrunException(held.socketOverruns, held.queueDrops);
            }
            pendingMessages--;
            // Copied back into native memory so the caller reads every notification the same way.
            MemorySegment.copy(MemorySegment.ofArray(held.message), 0, receiveBuffer, 0, held.message.length);
            return message.wrap(receiveBuffer, 0, held.message.length, held.group);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean firstRead = true;
        while (true) {
            int received = receive(0, deadline, timeout, timeoutNanos, false, firstRead);
            firstRead = false;
            if (received < 0) {
                throw new NotificationOverrunException(1, 0);
            }
            if (receivedGroup == 0 || receivedSender != 0) {
                staleMessages++;
                continue;
            }
            int first = -1;
            int firstLength = 0;
            for (int pos = 0; pos < received; ) {
                int length = validMessageLength(pos, received);
                if (MessageHeader.type(receiveBuffer, pos) >= LibNl.NLMSG_MIN_TYPE()) {
                    if (first < 0) {
                        first = pos;
                        firstLength = length;
                    } else {
                        hold(pos, length, receivedGroup);
                    }
                }
                pos += NetlinkAlignment.nlmsgAlign(length);
            }
            if (first >= 0) {
                return message.wrap(receiveBuffer, first, firstLength, receivedGroup);
            }
        }
    }

    /** How many notifications are kept from earlier requests, waiting for {@link #receiveNotification}. */
    public int pendingNotifications() {
        checkUsable();
        return pendingMessages;
    }

    private void hold(int pos, int length, int group) {
        if (pendingMessages >= options.maxPendingNotifications()) {
            overrunMarker().queueDrops++;
            return;
        }
        byte[] copy = new byte[length];
        MemorySegment.copy(receiveBuffer, JAVA_BYTE, pos, copy, 0, length);
        pending.add(new Pending(copy, group));
        pendingMessages++;
    }

    /** The marker at the tail of the pending queue, so a loss is reported where it happened in the stream. */
    private Pending overrunMarker() {
        Pending last = pending.peekLast();
        if (last == null || last.message != null) {
            last = new Pending(null, 0);
            pending.add(last);
        }
        return last;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    /**
     * Reads one datagram into the receive buffer at {@code at}. Multicast datagrams that arrive while a request
     * waits are kept and the read repeats; returns -1 only for a socket overrun when no request is waiting.
     */
    private int receive(int at, long deadline, Duration timeout, long timeoutNanos, boolean forRequest,
                        boolean freshDeadline) throws NetlinkException {
        boolean firstRead = freshDeadline;
        while (true) {
            long remaining = deadline - System.nanoTime();
            int flags = LibNl.MSG_TRUNC();
            if (timeoutNanos == 0) {
                flags |= LibNl.MSG_DONTWAIT();
            } else if (remaining <= 0) {
                throw new NetlinkTimeoutException(forRequest ? operation() : "receive notification",
                        forRequest ? requestSequence : 0, timeout);
            } else if (firstRead) {
                // The deadline was set just before the request went out: arming the full timeout lets the read
                // overshoot it only by the time the send took, and keeps the armed value (no system call) when
                // the caller uses the same timeout every time.
                armReceiveTimeout(timeoutNanos, true);
            } else {
                armReceiveTimeout(remaining, false);
            }
            firstRead = false;
            long capacity = receiveBuffer.byteSize() - at;
            if (at != iovAt) {
                // A raw address rather than a slice: a slice is an object, and this runs on every read.
                iov.set(JAVA_LONG, iovec.iov_base$offset(), receiveBuffer.address() + at);
                iovec.iov_len(iov, capacity);
                iovAt = at;
            }
            msghdr.msg_namelen(header, SOCKADDR_NL_SIZE);
            msghdr.msg_controllen(header, packetInfo ? CONTROL_SIZE : 0);
            msghdr.msg_flags(header, 0);
            long received = Syscalls.recvmsg(errnoState, fd, header, flags);
            if (received < 0) {
                int errno = Syscalls.errno(errnoState);
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    if (timeoutNanos == 0) {
                        throw new NetlinkTimeoutException(forRequest ? operation() : "receive notification",
                                forRequest ? requestSequence : 0, timeout);
                    }
                    continue;
                }
                if (errno == Errno.ENOBUFS) {
                    // The kernel dropped messages for this socket: notifications (a reply would be retried by
                    // nobody, but a lost reply also shows up as a timeout). Record where it happened.
                    if (!forRequest && pending.isEmpty()) {
                        return -1;
                    }
                    overrunMarker().socketOverruns++;
                    continue;
                }
                throw new NetlinkException(errno, forRequest ? operation() : "receive notification",
                        forRequest ? requestSequence : 0, "recvmsg failed");
            }
            if (received > capacity) {
                throw new NetlinkException(Errno.EMSGSIZE, forRequest ? operation() : "receive notification",
                        forRequest ? requestSequence : 0, "a datagram of " + received + " bytes was truncated to "
                        + capacity + " bytes: raise Options.receiveBufferSize");
            }
            receivedSender = sockaddr_nl.nl_pid(senderAddress);
            receivedGroup = packetInfo ? ReplyParser.packetInfoGroup(control, msghdr.msg_controllen(header))
                    : sockaddr_nl.nl_groups(senderAddress);
            if (forRequest && receivedGroup != 0) {
                if (receivedSender == 0) {
                    holdAll(at, (int) received, receivedGroup);
                }
                continue;
            }
            return (int) received;
        }
    }

    private void holdAll(int at, int received, int group) {
        int end = at + received;
        for (int pos = at; pos < end; ) {
            int length = ReplyParser.wellFormedLength(receiveBuffer, pos, end);
            if (length < 0) {
                return;
            }
            if (MessageHeader.type(receiveBuffer, pos) >= LibNl.NLMSG_MIN_TYPE()) {
                hold(pos, length, group);
            }
            pos += NetlinkAlignment.nlmsgAlign(length);
        }
    }

    /** Whether the unicast message at {@code pos} belongs to the request in flight; counts what does not. */
    private boolean isReplyToRequest(int pos, int length) {
        if (receivedSender != 0 || MessageHeader.sequence(receiveBuffer, pos) != requestSequence
                || MessageHeader.portId(receiveBuffer, pos) != portId) {
            // From another process, or a late reply to a request that timed out.
            staleMessages++;
            return false;
        }
        return true;
    }

    private int validMessageLength(int pos, int end) throws NetlinkException {
        try {
            return ReplyParser.messageLength(receiveBuffer, pos, end);
        } catch (MalformedMessageException e) {
            throw badMessage(e);
        }
    }

    private int errorCode(int pos, int length) throws NetlinkException {
        try {
            return ReplyParser.errorCode(receiveBuffer, pos, length);
        } catch (MalformedMessageException e) {
            throw badMessage(e);
        }
    }

    /** Malformed data from the kernel fails the request it was meant for. */
    private NetlinkException badMessage(MalformedMessageException cause) {
        NetlinkException e = new NetlinkException(Errno.EBADMSG, operation(), requestSequence, cause.problem());
        e.initCause(cause);
        return e;
    }

    /** The exception for a kernel error, with what the kernel's extended acknowledgement says. */
    private NetlinkException kernelError(int pos, int length, int errno) {
        return ReplyParser.kernelError(receiveBuffer, pos, length, errno, new ReplyParser.SentRequest(sendBuffer,
                requestAttributesStart, requestLength, requestSchema, operation(), requestSequence));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Socket options and timeouts

    /**
     * Sets SO_RCVTIMEO unless the armed value already serves. A system call costs as much as a third of a round
     * trip, so: the full timeout of a new wait is re-armed only when it differs from the armed one; a wait that
     * continues (after a message for someone else, a signal, an early timeout) is re-armed only when the time left
     * is shorter than the armed value by more than 1 ms or 1%, the tolerance of the deadline.
     */
    private void armReceiveTimeout(long nanos, boolean fullTimeout) throws NetlinkException {
        long micros = Math.max(1, (nanos + NANOS_PER_MICRO - 1) / NANOS_PER_MICRO);
        long armed = micros * NANOS_PER_MICRO;
        if (fullTimeout ? armed == armedTimeoutNanos
                : armedTimeoutNanos > 0 && nanos <= armedTimeoutNanos
                        && nanos >= armedTimeoutNanos - Math.max(1_000_000L, armedTimeoutNanos / 100)) {
            return;
        }
        timeval.tv_sec(optionValue, micros / 1_000_000L);
        timeval.tv_usec(optionValue, micros % 1_000_000L);
        if (Syscalls.setsockopt(errnoState, fd, LibNl.SOL_SOCKET(), LibNl.SO_RCVTIMEO(), optionValue,
                (int) timeval.layout().byteSize()) < 0) {
            throw new NetlinkException(Syscalls.errno(errnoState), "set SO_RCVTIMEO", 0, "setsockopt failed");
        }
        armedTimeoutNanos = armed;
    }

    private void setIntOption(int level, int option, int value, String what) throws NetlinkException {
        optionValue.set(JAVA_INT, 0, value);
        if (Syscalls.setsockopt(errnoState, fd, level, option, optionValue, Integer.BYTES) < 0) {
            throw new NetlinkException(Syscalls.errno(errnoState), what, 0, "setsockopt failed");
        }
    }

    private static long checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    private NetlinkException libnlError(String operation, int code) {
        MemorySegment text = LibNl.nl_geterror(code);
        String detail = text.equals(MemorySegment.NULL) ? "libnl error " + code
                : "libnl: " + text.reinterpret(Long.MAX_VALUE).getString(0);
        return new NetlinkException(Errno.EPROTO, operation, 0, detail);
    }

    private String operation() {
        if (requestOperation != null) {
            return requestOperation;
        }
        String family = requestFamily != null ? requestFamily.name() : "family " + MessageHeader.type(sendBuffer, 0);
        return family + " command " + requestCommand;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle

    private void requirePrepared() {
        if (!prepared) {
            throw new IllegalStateException("no request prepared: call prepare(...) first");
        }
    }

    private void checkUsable() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("this GenlConnection belongs to thread \"" + owner.getName()
                    + "\" that opened it; it was called from \"" + Thread.currentThread().getName()
                    + "\". Open one connection per thread.");
        }
        if (closed) {
            throw new IllegalStateException("the GenlConnection is closed");
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the socket and frees the connection's native memory. Idempotent; must be called from the owning
     * thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("a GenlConnection must be closed by the thread that opened it (\""
                    + owner.getName() + "\")");
        }
        closed = true;
        LibNl.nl_socket_free(socket);
        arena.close();
    }

    @Override
    public String toString() {
        return "GenlConnection[port=" + Integer.toUnsignedString(portId) + (closed ? ", closed" : "") + "]";
    }
}
