package org.vnetnl.vnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.DumpHandler;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.FamilyPolicy;
import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.MalformedMessageException;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.genl.NotificationOverrunException;
import org.vnetnl.internal.Errno;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.uapi.VnetNlUapi;

/**
 * A client of the vnet_nl generic netlink family of the vnet kernel module: ECHO, device statistics, link
 * control and the "events" multicast group, over one {@link GenlConnection}.
 *
 * <pre>{@code
 * try (VnetClient client = VnetClient.open()) {
 *     EchoReply reply = client.echo("hello", 42, true);       // zero-copy, no allocation
 *     System.out.println(reply.value());                       // 42, read in place
 *     Echo kept = reply.toEcho();                              // an immutable copy
 *     DeviceStats vnet0 = client.stats("vnet0");
 * }
 * }</pre>
 *
 * <p><b>Opening</b> resolves the family and checks the loaded module against {@link VnetSchema#expected()}: the
 * family version, the commands and the events group, and, read from the kernel with {@code CTRL_CMD_GETPOLICY},
 * the kind and limits of every attribute each command sends. A module built from a different
 * {@code linux/vnet_nl.h} fails the open with a {@link SchemaMismatchException} naming each attribute that
 * differs, rather than failing later on a rejected request.
 *
 * <p><b>Zero copy.</b> {@link #echo} and {@link #prepareEcho()} write the request straight into the
 * connection's native send buffer, and the {@link EchoReply} is read in place from its receive buffer: a round
 * trip is one {@code sendto} and one {@code recvmsg} and allocates nothing. The reply is valid until the next
 * call on this client. The other calls (statistics, events) return immutable records and may allocate.
 *
 * <p><b>Events.</b> After {@link #subscribe()}, {@link #nextEvent(Duration)} returns ECHO and link events in the
 * order the kernel published them, including those that arrived while this client waited for a reply.
 *
 * <p><b>Errors.</b> Kernel rejections are {@link NetlinkException}s with the errno, the kernel's extended-ack
 * message and the name of the offending attribute. When the module is unloaded under an open client, its
 * requests fail with {@link ModuleUnloadedException}; a new client works once the module is back.
 *
 * <p><b>Threads.</b> Like its connection, a client belongs to the thread that opened it. Open one per thread.
 */
public final class VnetClient implements AutoCloseable {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    /** The family name, VNET_NL_FAMILY_NAME. */
    public static final String FAMILY_NAME = VnetNlUapi.VNET_NL_FAMILY_NAME().getString(0);

    /** The multicast group of ECHO and link events, VNET_NL_MCGRP_EVENTS. */
    public static final String EVENTS_GROUP = VnetNlUapi.VNET_NL_MCGRP_EVENTS().getString(0);

    /** The device the module creates when it loads, VNET_NL_DEFAULT_IFNAME. */
    public static final String DEFAULT_IFNAME = VnetNlUapi.VNET_NL_DEFAULT_IFNAME().getString(0);

    /** Longest message the module accepts, in UTF-8 bytes without the NUL: VNET_NL_MSG_MAX_LEN. */
    public static final int MAX_MESSAGE_LENGTH = VnetNlUapi.VNET_NL_MSG_MAX_LEN();

    private static final int CMD_ECHO = VnetNlUapi.VNET_NL_CMD_ECHO();
    private static final int CMD_GET_STATS = VnetNlUapi.VNET_NL_CMD_GET_STATS();
    private static final int CMD_SET_LINK = VnetNlUapi.VNET_NL_CMD_SET_LINK();
    private static final int CMD_RESET_STATS = VnetNlUapi.VNET_NL_CMD_RESET_STATS();
    private static final int CMD_LINK_EVENT = VnetNlUapi.VNET_NL_CMD_LINK_EVENT();
    private static final int CMD_ECHO_EVENT = VnetNlUapi.VNET_NL_CMD_ECHO_EVENT();

    // Package-private: EchoRequest and EchoReply write and read the ECHO attributes. Only a VnetClient creates
    // them, so this class's initialisation (the native-access check before any generated binding) has run first.
    static final int ATTR_MSG = VnetNlUapi.VNET_NL_ATTR_MSG();
    static final int ATTR_VALUE = VnetNlUapi.VNET_NL_ATTR_VALUE();
    static final int ATTR_FLAG = VnetNlUapi.VNET_NL_ATTR_FLAG();
    private static final int ATTR_IFINDEX = VnetNlUapi.VNET_NL_ATTR_IFINDEX();
    private static final int ATTR_IFNAME = VnetNlUapi.VNET_NL_ATTR_IFNAME();
    private static final int ATTR_LINK_UP = VnetNlUapi.VNET_NL_ATTR_LINK_UP();
    private static final int ATTR_STATS = VnetNlUapi.VNET_NL_ATTR_STATS();

    private static final VnetSpec SPEC = VnetSpec.family();

    // Operation labels are constants: GenlConnection keeps the reference, so the echo path allocates nothing.
    private static final String OP_ECHO = label(CMD_ECHO, "");
    private static final String OP_GET_STATS = label(CMD_GET_STATS, "");
    private static final String OP_GET_STATS_DUMP = label(CMD_GET_STATS, " dump");
    private static final String OP_SET_LINK = label(CMD_SET_LINK, "");
    private static final String OP_RESET_STATS = label(CMD_RESET_STATS, "");

    /** A command the client sends, with the request attributes it carries (checked against the kernel at open). */
    private record Command(int number, String name, boolean dump, int... attributes) {
        boolean sends(int type) {
            for (int attribute : attributes) {
                if (attribute == type) {
                    return true;
                }
            }
            return false;
        }
    }

    // Every request of the spec (do, and dump where it has one) with the attributes its do request takes.
    private static final List<Command> COMMANDS = SPEC.operations().stream()
            .filter(VnetSpec.Operation::hasDo)
            .map(op -> new Command(op.value(), op.shortName(), op.hasDump(),
                    op.request().stream().mapToInt(VnetSpec.Attribute::value).toArray()))
            .toList();

    private static String label(int command, String suffix) {
        return FAMILY_NAME + " " + commandName(command) + suffix;
    }

    private static String commandName(int command) {
        for (VnetSpec.Operation op : SPEC.operations()) {
            if (op.value() == command) {
                return op.shortName();
            }
        }
        return "command " + command;
    }

    /**
     * How a client is opened.
     *
     * @param timeout    the timeout of every call that does not take one
     * @param schema     what the loaded module must match
     * @param connection the buffer sizes of the underlying connection
     */
    public record Options(Duration timeout, VnetSchema schema, GenlConnection.Options connection) {

        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(connection, "connection");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
            }
        }

        /** {@link GenlConnection#DEFAULT_TIMEOUT}, {@link VnetSchema#expected()}, default connection options. */
        public static Options defaults() {
            return new Options(GenlConnection.DEFAULT_TIMEOUT, VnetSchema.expected(),
                    GenlConnection.Options.defaults());
        }

        public Options withTimeout(Duration timeout) {
            return new Options(timeout, schema, connection);
        }

        public Options withSchema(VnetSchema schema) {
            return new Options(timeout, schema, connection);
        }

        public Options withConnection(GenlConnection.Options connection) {
            return new Options(timeout, schema, connection);
        }
    }

    private final GenlConnection connection;
    private final Family family;
    private final Options options;
    private final EchoRequest echoRequest = new EchoRequest(this);
    private final EchoReply echoReply = new EchoReply(this);
    private final AttributeReader nested = new AttributeReader();
    private final Thread owner = Thread.currentThread();
    private long generation;
    private boolean subscribed;
    private boolean closed;

    private VnetClient(GenlConnection connection, Family family, Options options) {
        this.connection = connection;
        this.family = family;
        this.options = options;
    }

    /** Opens a client with {@link Options#defaults()}. */
    public static VnetClient open() throws NetlinkException {
        NativeAccess.ensureAvailable();                  // before the default schema loads libnl's bindings
        return open(Options.defaults());
    }

    /**
     * Opens a client: resolves the vnet_nl family and checks the module against {@code options.schema()}.
     *
     * @throws FamilyNotFoundException if the family is not registered (the module is not loaded)
     * @throws SchemaMismatchException if the module does not match the schema
     */
    public static VnetClient open(Options options) throws NetlinkException {
        NativeAccess.ensureAvailable();
        Objects.requireNonNull(options, "options");
        return open(GenlConnection.open(options.connection()), options);
    }

    /**
     * Opens a client in the network namespace {@code namespace} (a name from {@code ip netns add}, or a path such
     * as {@code /proc/PID/ns/net}): its devices, statistics and events are that namespace's. See
     * {@link GenlConnection#openInNamespace}: needs CAP_SYS_ADMIN and a platform thread.
     */
    public static VnetClient openInNamespace(String namespace, Options options) throws NetlinkException {
        NativeAccess.ensureAvailable();
        Objects.requireNonNull(options, "options");
        return open(GenlConnection.openInNamespace(namespace, options.connection()), options);
    }

    private static VnetClient open(GenlConnection connection, Options options) throws NetlinkException {
        try {
            Family family = connection.family(FAMILY_NAME, options.timeout());
            checkModule(connection, family, options.schema(), options.timeout());
            return new VnetClient(connection, family, options);
        } catch (NetlinkException | RuntimeException | Error e) {
            connection.close();
            throw e;
        }
    }

    private static void checkModule(GenlConnection connection, Family family, VnetSchema schema, Duration timeout)
            throws NetlinkException {
        // Difference -> the commands it was found in, so that a family-wide policy yields one line per attribute.
        Map<String, List<String>> differences = new LinkedHashMap<>();
        if (family.version() != schema.familyVersion()) {
            differences.put("the module registers " + FAMILY_NAME + " version " + family.version()
                    + ", the client was built for version " + schema.familyVersion(), new ArrayList<>());
        }
        if (family.multicastGroup(EVENTS_GROUP).isEmpty()) {
            differences.put("the module has no \"" + EVENTS_GROUP + "\" multicast group (it has "
                    + family.multicastGroups().keySet() + ")", new ArrayList<>());
        }
        for (Command command : COMMANDS) {
            Optional<Family.Operation> operation = family.operation(command.number());
            if (operation.isEmpty() || !operation.get().hasDoit() || (command.dump() && !operation.get().hasDumpit())) {
                differences.put("the module does not implement " + command.name() + " (command " + command.number()
                        + (command.dump() ? ", request and dump" : "") + ")", new ArrayList<>());
                continue;
            }
            FamilyPolicy policy = FamilyPolicy.read(connection, family, command.number(), timeout);
            Optional<FamilyPolicy.Table> table = policy.doPolicy();
            if (table.isEmpty()) {
                differences.put("the module validates " + command.name() + " requests against no policy",
                        new ArrayList<>());
                continue;
            }
            for (String difference : policy.mismatches(table.get(), schema.requestAttributes(), command::sends)) {
                differences.computeIfAbsent(difference, d -> new ArrayList<>()).add(command.name());
            }
        }
        if (!differences.isEmpty()) {
            List<String> lines = new ArrayList<>();
            differences.forEach((difference, commands) -> lines.add(commands.isEmpty() ? difference
                    : difference + " (in " + String.join(", ", commands) + ")"));
            throw new SchemaMismatchException(lines);
        }
    }

    /** The vnet_nl family as resolved at open. */
    public Family family() {
        return family;
    }

    /** The timeout of the calls that do not take one. */
    public Duration timeout() {
        return options.timeout();
    }

    /** The options the client was opened with. */
    public Options options() {
        return options;
    }

    // ---------------------------------------------------------------------------------------------------------
    // ECHO

    /**
     * Sends an ECHO with all three attributes and waits for the reply, at most {@link #timeout()}. No
     * allocation.
     *
     * @param message VNET_NL_ATTR_MSG (the module accepts at most {@link #MAX_MESSAGE_LENGTH} UTF-8 bytes)
     * @param value   VNET_NL_ATTR_VALUE, 0 to 4294967295
     * @param flag    VNET_NL_ATTR_FLAG
     * @return the reply, read in place, valid until the next call on this client
     */
    public EchoReply echo(CharSequence message, long value, boolean flag) throws NetlinkException {
        return echo(message, value, flag, options.timeout());
    }

    /** As {@link #echo(CharSequence, long, boolean)}, waiting at most {@code timeout}. */
    public EchoReply echo(CharSequence message, long value, boolean flag, Duration timeout) throws NetlinkException {
        return prepareEcho().message(message).value(value).flag(flag).send(timeout);
    }

    /**
     * Starts an ECHO request whose attributes are each optional; send it with {@link EchoRequest#send()}. Any
     * other call on this client abandons it. The returned request object is reused.
     */
    public EchoRequest prepareEcho() {
        long current = nextGeneration();
        AttributeWriter writer = connection.prepare(family, CMD_ECHO, 0, OP_ECHO, options.schema().requestAttributes());
        return echoRequest.start(writer, current);
    }

    /**
     * A reusable batch of up to {@code capacity} ECHO requests, each round sent in one datagram and answered with
     * one {@code recvmmsg}; see {@link EchoBatch}. Its buffers live in the client's connection (reply slots of
     * {@value #ECHO_REPLY_SLOT} bytes, far above the largest ECHO reply) and are freed when the client closes:
     * make one and reuse it.
     *
     * @throws IllegalArgumentException if {@code capacity} is not 1..{@value GenlConnection#MAX_BATCH}
     */
    public EchoBatch newEchoBatch(int capacity) {
        nextGeneration();
        return new EchoBatch(this, connection.newBatch(capacity, ECHO_REPLY_SLOT));
    }

    /** A reply slot of an ECHO batch: the largest ECHO reply (a 64 KiB request echoed) is far below. */
    static final int ECHO_REPLY_SLOT = 8192;

    /** Starts the next ECHO of {@code batch}; a call on the client, so earlier replies go stale. */
    AttributeWriter addEcho(GenlBatch batch) {
        nextGeneration();
        return batch.add(family, CMD_ECHO, 0, OP_ECHO, options.schema().requestAttributes());
    }

    /** Runs {@code batch}; returns the generation its replies are valid in. */
    long executeEchoBatch(GenlBatch batch, Duration timeout) throws NetlinkException {
        long current = nextGeneration();
        batch.execute(timeout);
        return current;
    }

    void checkEchoReply(GenlMessage reply) throws NetlinkException {
        if (reply == null) {
            throw new NetlinkException(Errno.EPROTO, OP_ECHO, 0, "the module acknowledged without a reply");
        }
        checkReply(reply, CMD_ECHO, OP_ECHO);
    }

    /** What {@link #echo} would have thrown for {@code error}: a gone module named as such. */
    NetlinkException translateError(NetlinkException error) {
        return translate(error);
    }

    EchoReply sendEcho(Duration timeout) throws NetlinkException {
        long current = nextGeneration();
        GenlMessage reply;
        try {
            reply = connection.transact(timeout);
        } catch (NetlinkException e) {
            throw translate(e);
        }
        checkEchoReply(reply);
        return echoReply.wrap(reply, current);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Statistics and links

    /** GET_STATS of the vnet device called {@code ifname}, waiting at most {@link #timeout()}. */
    public DeviceStats stats(String ifname) throws NetlinkException {
        Objects.requireNonNull(ifname, "ifname");
        nextGeneration();
        connection.prepare(family, CMD_GET_STATS, 0, OP_GET_STATS, options.schema().requestAttributes())
                .putString(ATTR_IFNAME, ifname);
        return statsReply();
    }

    /** GET_STATS of the vnet device with interface index {@code ifindex}, waiting at most {@link #timeout()}. */
    public DeviceStats stats(int ifindex) throws NetlinkException {
        nextGeneration();
        connection.prepare(family, CMD_GET_STATS, 0, OP_GET_STATS, options.schema().requestAttributes())
                .putU32(ATTR_IFINDEX, ifindex);
        return statsReply();
    }

    private DeviceStats statsReply() throws NetlinkException {
        GenlMessage reply;
        try {
            reply = connection.transact(options.timeout());
        } catch (NetlinkException e) {
            throw translate(e);
        }
        if (reply == null) {
            throw new NetlinkException(Errno.EPROTO, OP_GET_STATS, 0, "the module acknowledged without a reply");
        }
        checkReply(reply, CMD_GET_STATS, OP_GET_STATS);
        return parseStats(reply);
    }

    /** GET_STATS of every vnet device in this network namespace (a dump), in the kernel's device order. */
    public List<DeviceStats> allStats() throws NetlinkException {
        nextGeneration();
        connection.prepare(family, CMD_GET_STATS, NetlinkFlags.DUMP, OP_GET_STATS_DUMP, null);
        List<DeviceStats> devices = new ArrayList<>();
        try {
            connection.dump(options.timeout(), DumpInterruptPolicy.retry(3), new DumpHandler() {
                @Override
                public void onMessage(GenlMessage part) {
                    devices.add(parseStats(part));
                }

                @Override
                public void onRestart() {
                    devices.clear();
                }
            });
        } catch (NetlinkException e) {
            throw translate(e);
        }
        return List.copyOf(devices);
    }

    /** Brings the vnet device {@code ifname} up or down (SET_LINK; needs CAP_NET_ADMIN). */
    public void setLink(String ifname, boolean up) throws NetlinkException {
        Objects.requireNonNull(ifname, "ifname");
        nextGeneration();
        connection.prepare(family, CMD_SET_LINK, NetlinkFlags.ACK, OP_SET_LINK, options.schema().requestAttributes())
                .putString(ATTR_IFNAME, ifname)
                .putU8(ATTR_LINK_UP, up ? 1 : 0);
        acknowledged();
    }

    /** Restarts the counters of the vnet device {@code ifname} from zero (RESET_STATS; needs CAP_NET_ADMIN). */
    public void resetStats(String ifname) throws NetlinkException {
        Objects.requireNonNull(ifname, "ifname");
        nextGeneration();
        connection.prepare(family, CMD_RESET_STATS, NetlinkFlags.ACK, OP_RESET_STATS,
                options.schema().requestAttributes()).putString(ATTR_IFNAME, ifname);
        acknowledged();
    }

    private void acknowledged() throws NetlinkException {
        try {
            connection.transact(options.timeout());
        } catch (NetlinkException e) {
            throw translate(e);
        }
    }

    /** The attributes that name a device and its link state, read alike from GET_STATS replies and LINK_EVENTs. */
    private static final class DeviceAttributes {
        int ifindex;
        String ifname;
        Boolean up;

        /** Reads the current attribute if it is one of these; false if it is of another type. */
        boolean read(AttributeReader attributes) {
            int type = attributes.type();
            if (type == ATTR_IFINDEX) {
                ifindex = attributes.u32AsInt();
            } else if (type == ATTR_IFNAME) {
                ifname = attributes.string();
            } else if (type == ATTR_LINK_UP) {
                up = attributes.u8() != 0;
            } else {
                return false;
            }
            return true;
        }
    }

    private DeviceStats parseStats(GenlMessage message) {
        DeviceAttributes device = new DeviceAttributes();
        long[] counters = new long[VnetNlUapi.VNET_NL_STATS_MAX() + 1];
        boolean hasStats = false;
        AttributeReader attributes = message.attributes();
        while (attributes.next()) {
            if (!device.read(attributes) && attributes.type() == ATTR_STATS) {
                hasStats = true;
                attributes.nested(nested);
                while (nested.next()) {
                    int counter = nested.type();
                    if (counter > 0 && counter < counters.length && counter != VnetNlUapi.VNET_NL_STATS_PAD()) {
                        counters[counter] = nested.u64();
                    }
                }
            }
        }
        if (device.ifname == null || !hasStats) {
            throw new MalformedMessageException(message.offset(), commandName(CMD_GET_STATS) + " reply without "
                    + SPEC.attributeName(device.ifname == null ? ATTR_IFNAME : ATTR_STATS));
        }
        // The module always sends LINK_UP; a reply without it is read as a link that is down.
        return new DeviceStats(device.ifindex, device.ifname, Boolean.TRUE.equals(device.up),
                counters[VnetNlUapi.VNET_NL_STATS_RX_PACKETS()], counters[VnetNlUapi.VNET_NL_STATS_TX_PACKETS()],
                counters[VnetNlUapi.VNET_NL_STATS_RX_BYTES()], counters[VnetNlUapi.VNET_NL_STATS_TX_BYTES()],
                counters[VnetNlUapi.VNET_NL_STATS_RX_DROPPED()], counters[VnetNlUapi.VNET_NL_STATS_TX_DROPPED()]);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events

    /** Joins the "events" group: from now on ECHO and link events are kept for {@link #nextEvent}. */
    public void subscribe() throws NetlinkException {
        nextGeneration();
        if (!subscribed) {
            connection.joinGroup(family, EVENTS_GROUP);
            subscribed = true;
        }
    }

    /** Leaves the "events" group. Events already received are still returned by {@link #nextEvent}. */
    public void unsubscribe() throws NetlinkException {
        nextGeneration();
        if (subscribed) {
            connection.leaveGroup(family, EVENTS_GROUP);
            subscribed = false;
        }
    }

    /** Whether {@link #subscribe()} was called (and not undone). */
    public boolean isSubscribed() {
        return subscribed;
    }

    /** The next event, waiting at most {@link #timeout()}; see {@link #nextEvent(Duration)}. */
    public VnetEvent nextEvent() throws NetlinkException {
        return nextEvent(options.timeout());
    }

    /**
     * The next event of the "events" group, in the order the kernel published them: first those that arrived
     * while this client was waiting for replies, then new ones.
     *
     * @throws NetlinkTimeoutException      if none arrives within {@code timeout}
     * @throws NotificationOverrunException if events were lost at this point (the socket's receive buffer was
     *                                      full); the next call continues with the events after the loss
     * @throws IllegalStateException        if the client is not subscribed and holds no earlier event
     */
    public VnetEvent nextEvent(Duration timeout) throws NetlinkException {
        nextGeneration();
        if (!subscribed && connection.pendingNotifications() == 0) {
            throw new IllegalStateException("the client is not subscribed to \"" + EVENTS_GROUP
                    + "\": call subscribe() first");
        }
        GenlMessage event = connection.receiveNotification(timeout);
        int command = event.command();
        if (event.familyId() != family.id()) {
            return new UnknownEvent(command, event.version());
        }
        if (command == CMD_ECHO_EVENT) {
            return parseEcho(event);
        }
        if (command == CMD_LINK_EVENT) {
            return parseLink(event);
        }
        return new UnknownEvent(command, event.version());
    }

    private static Echo parseEcho(GenlMessage message) {
        String text = null;
        OptionalLong value = OptionalLong.empty();
        Boolean flag = null;
        AttributeReader attributes = message.attributes();
        while (attributes.next()) {
            int type = attributes.type();
            if (type == ATTR_MSG) {
                text = attributes.string();
            } else if (type == ATTR_VALUE) {
                value = OptionalLong.of(attributes.u32());
            } else if (type == ATTR_FLAG) {
                flag = attributes.u8() != 0;
            }
        }
        return new Echo(Optional.ofNullable(text), value, Optional.ofNullable(flag));
    }

    private static LinkEvent parseLink(GenlMessage message) {
        DeviceAttributes device = new DeviceAttributes();
        AttributeReader attributes = message.attributes();
        while (attributes.next()) {
            device.read(attributes);
        }
        if (device.ifname == null || device.up == null) {
            throw new MalformedMessageException(message.offset(), commandName(CMD_LINK_EVENT) + " without "
                    + SPEC.attributeName(device.ifname == null ? ATTR_IFNAME : ATTR_LINK_UP));
        }
        return new LinkEvent(device.ifindex, device.ifname, device.up);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Common

    private void checkReply(GenlMessage reply, int command, String operation) throws NetlinkException {
        if (reply.familyId() != family.id() || reply.command() != command) {
            throw new NetlinkException(Errno.EPROTO, operation, reply.sequence(), "expected a reply of family "
                    + family.id() + " command " + command + ", got family " + reply.familyId() + " command "
                    + reply.command());
        }
    }

    /**
     * ENOENT for a vnet_nl request means the kernel knows no family with its id: the module is gone. Looks the
     * family up again to tell an unload from a reload, so the exception says what happened.
     */
    private NetlinkException translate(NetlinkException error) {
        if (error.errno() != Errno.ENOENT || error instanceof NetlinkTimeoutException) {
            return error;
        }
        connection.forgetFamily(FAMILY_NAME);
        try {
            Family now = connection.family(FAMILY_NAME, options.timeout());
            if (now.id() == family.id()) {
                return error;
            }
            return new ModuleUnloadedException(error.operation(), error.sequence(), "the " + FAMILY_NAME
                    + " module was reloaded (family id " + family.id() + ", now " + now.id()
                    + "): close this client and open a new one", error);
        } catch (FamilyNotFoundException gone) {
            return new ModuleUnloadedException(error.operation(), error.sequence(), "the " + FAMILY_NAME
                    + " family is no longer registered: the module was unloaded. Close this client and open a new"
                    + " one once it is loaded again", error);
        } catch (NetlinkException other) {
            error.addSuppressed(other);
            return error;
        }
    }

    private long nextGeneration() {
        // Checked before the generation moves: a call refused for the wrong thread must not invalidate the
        // owner's reply or request.
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("this VnetClient belongs to thread \"" + owner.getName()
                    + "\" that opened it; it was called from \"" + Thread.currentThread().getName()
                    + "\". Open one client per thread.");
        }
        if (closed) {
            throw new IllegalStateException("the VnetClient is closed");
        }
        return ++generation;
    }

    boolean isCurrent(long viewGeneration) {
        return !closed && viewGeneration == generation;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the connection. Idempotent; must be called from the thread that opened the client (the client's own
     * state is confined to it; to stop a thread blocked in {@link #nextEvent}, interrupt it).
     */
    @Override
    public void close() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("this VnetClient belongs to thread \"" + owner.getName()
                    + "\" that opened it; it was closed from \"" + Thread.currentThread().getName() + "\"");
        }
        if (!closed) {
            connection.close();
            closed = true;
        }
    }

    @Override
    public String toString() {
        return "VnetClient[" + family + (closed ? ", closed" : "") + "]";
    }
}
