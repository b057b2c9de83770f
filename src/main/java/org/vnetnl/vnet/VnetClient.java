package org.vnetnl.vnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.GenlBatch;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.MalformedMessageException;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.genl.NotificationOverrunException;
import org.vnetnl.internal.Errno;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.vnet.AttrReader;
import org.vnetnl.internal.vnet.GetStatsRequest;
import org.vnetnl.internal.vnet.StatsReader;
import org.vnetnl.internal.vnet.VnetNl;
import org.vnetnl.internal.vnet.VnetNlClient;
import org.vnetnl.ynl.SchemaMismatchException;
import org.vnetnl.ynl.SpecSchema;

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
 * <p>It is built on the code generated from the family's spec, {@code kernel-module/vnet_nl.yaml}
 * ({@code org.vnetnl.internal.vnet}): the requests are its writers, the replies its flyweight readers.
 *
 * <p><b>Opening</b> resolves the family and checks the loaded module against the spec's {@link SpecSchema}
 * ({@link Options#schema()}): the family version, the commands and the events group, and, read from the kernel
 * with {@code CTRL_CMD_GETPOLICY}, the kind and limits of every attribute each request sends. A module built
 * from a different spec fails the open with a {@link SchemaMismatchException} naming each attribute that
 * differs, rather than failing later on a rejected request.
 *
 * <p><b>Zero copy.</b> {@link #echo} and {@link #prepareEcho()} write the request straight into the
 * connection's native send buffer, and the {@link EchoReply} is read in place from its receive buffer: a round
 * trip is one {@code send} and one {@code recv} ({@code recvmsg} once subscribed) and allocates nothing. The reply is valid until the next
 * call of the same thread on this client. The other calls (statistics, events) return immutable records and may allocate.
 *
 * <p><b>Events.</b> After {@link #subscribe()}, {@link #nextEvent(Duration)} returns ECHO and link events in the
 * order the kernel published them, including those that arrived while this client waited for a reply.
 *
 * <p><b>Errors.</b> Kernel rejections are {@link NetlinkException}s with the errno, the kernel's extended-ack
 * message and the name of the offending attribute. When the module is unloaded under an open client, its
 * requests fail with {@link ModuleUnloadedException}; a new client works once the module is back.
 *
 * <p><b>Threads.</b> Like its connection, a client is shared by any number of platform and virtual threads. Each
 * thread has its own request and reply objects: a reply or request it got is valid until that thread's next call
 * on the client, and read by that thread (on another one it throws {@link IllegalStateException}). A thread
 * waiting in {@link #nextEvent} holds up no other thread's requests. {@link #close()} may be called from any
 * thread; calls still waiting then end with {@link org.vnetnl.genl.NetlinkCancelledException}.
 */
public final class VnetClient implements AutoCloseable {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    /** The family name, {@code name} of the spec. */
    public static final String FAMILY_NAME = VnetNl.FAMILY_NAME;

    /** The multicast group of ECHO and link events. */
    public static final String EVENTS_GROUP = VnetNl.Mcgrp.EVENTS;

    /** The device the module creates when it loads, the spec's {@code default-ifname}. */
    public static final String DEFAULT_IFNAME = VnetNl.DEFAULT_IFNAME;

    /** Longest message the module accepts, in UTF-8 bytes without the NUL: the spec's {@code msg-max-len}. */
    public static final int MAX_MESSAGE_LENGTH = (int) VnetNl.MSG_MAX_LEN;

    /**
     * How a client is opened.
     *
     * @param timeout    the timeout of every call that does not take one
     * @param schema     what the loaded module must match
     * @param connection the buffer sizes of the underlying connection
     */
    public record Options(Duration timeout, SpecSchema schema, GenlConnection.Options connection) {

        public Options {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(connection, "connection");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
            }
        }

        /** {@link GenlConnection#DEFAULT_TIMEOUT}, the schema of the spec, default connection options. */
        public static Options defaults() {
            return new Options(GenlConnection.DEFAULT_TIMEOUT, VnetNl.SCHEMA, GenlConnection.Options.defaults());
        }

        public Options withTimeout(Duration timeout) {
            return new Options(timeout, schema, connection);
        }

        /** Another schema: only useful to test the check, or for a module built from another spec on purpose. */
        public Options withSchema(SpecSchema schema) {
            return new Options(timeout, schema, connection);
        }

        public Options withConnection(GenlConnection.Options connection) {
            return new Options(timeout, schema, connection);
        }
    }

    private final GenlConnection connection;
    private final VnetNlClient generated;
    private final Family family;
    private final Options options;
    /** Each thread's request, reply and readers, and the generation its views are valid in. */
    private final ThreadLocal<PerThread> threads = ThreadLocal.withInitial(() -> new PerThread(this));
    /** Generations are unique across threads, so a view read on another thread than its own is never current. */
    private final AtomicLong generations = new AtomicLong();
    private volatile boolean subscribed;
    private volatile boolean closed;

    /** What one thread uses of the client. */
    private static final class PerThread {
        final EchoRequest echoRequest;
        final EchoReply echoReply;
        final StatsReader counters = new StatsReader();
        final AttrReader event = new AttrReader();
        long generation;

        PerThread(VnetClient client) {
            echoRequest = new EchoRequest(client);
            echoReply = new EchoReply(client);
        }
    }

    private VnetClient(GenlConnection connection, VnetNlClient generated, Options options) {
        this.connection = connection;
        this.generated = generated;
        this.family = generated.family();
        this.options = options;
    }

    /** Opens a client with {@link Options#defaults()}. */
    public static VnetClient open() throws NetlinkException {
        NativeAccess.ensureAvailable();
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
     * {@link GenlConnection#openInNamespace}: needs CAP_SYS_ADMIN; works from any thread.
     */
    public static VnetClient openInNamespace(String namespace, Options options) throws NetlinkException {
        NativeAccess.ensureAvailable();
        Objects.requireNonNull(options, "options");
        return open(GenlConnection.openInNamespace(namespace, options.connection()), options);
    }

    private static VnetClient open(GenlConnection connection, Options options) throws NetlinkException {
        try {
            Family family = connection.family(FAMILY_NAME, options.timeout());
            options.schema().check(connection, family, options.timeout(), true);
            VnetNlClient generated = VnetNlClient.open(connection).timeout(options.timeout());
            return new VnetClient(connection, generated, options);
        } catch (NetlinkException | RuntimeException | Error e) {
            connection.close();
            throw e;
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

    // ---------------------------------------------------------------------------------------------------------
    // ECHO

    /**
     * ECHO with all three attributes, waiting at most {@link #timeout()}. No allocation.
     *
     * @param message VNET_NL_ATTR_MSG (at most {@link #MAX_MESSAGE_LENGTH} UTF-8 bytes)
     * @param value   VNET_NL_ATTR_VALUE, 0 to 4294967295
     * @param flag    VNET_NL_ATTR_FLAG
     * @return the reply, read in place, valid until the next call on this client
     */
    public EchoReply echo(CharSequence message, long value, boolean flag) throws NetlinkException {
        return echo(message, value, flag, options.timeout());
    }

    /** As {@link #echo(CharSequence, long, boolean)}, waiting at most {@code timeout}. */
    public EchoReply echo(CharSequence message, long value, boolean flag, Duration timeout) throws NetlinkException {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(timeout, "timeout");
        // Straight to the generated request: prepareEcho()'s builder checks each setter for a request abandoned
        // or an attribute set twice, which cannot happen here, and costs on the hot path.
        nextGeneration();
        return sendEcho(generated.echo().msg(message).value(value).flag(flag ? 1 : 0), timeout);
    }

    /**
     * Starts an ECHO request whose attributes are each optional; send it with {@link EchoRequest#send()}. Any
     * other call on this client abandons it. The returned request object is reused.
     */
    public EchoRequest prepareEcho() {
        long current = nextGeneration();
        return threads.get().echoRequest.start(generated.echo(), current);
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
    org.vnetnl.internal.vnet.EchoRequest addEcho(GenlBatch batch) {
        nextGeneration();
        return generated.echo(batch);
    }

    /** Runs {@code batch}; returns the generation its replies are valid in. */
    long executeEchoBatch(GenlBatch batch, Duration timeout) throws NetlinkException {
        long current = nextGeneration();
        batch.execute(timeout);
        return current;
    }

    /** What {@link #echo} would have thrown for {@code error}: a gone module named as such. */
    NetlinkException translateError(NetlinkException error) {
        return translate(error);
    }

    /** Sends the prepared ECHO {@code request}: one sendto, one recvmsg; the reply is read in place. */
    EchoReply sendEcho(org.vnetnl.internal.vnet.EchoRequest request, Duration timeout) throws NetlinkException {
        long current = nextGeneration();
        AttrReader reply;
        try {
            reply = request.call(timeout);
        } catch (NetlinkException e) {
            throw translate(e);
        }
        return threads.get().echoReply.wrap(reply, request.message(), current);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Statistics and links

    /** GET_STATS of the vnet device called {@code ifname}, waiting at most {@link #timeout()}. */
    public DeviceStats stats(String ifname) throws NetlinkException {
        Objects.requireNonNull(ifname, "ifname");
        nextGeneration();
        return statsReply(generated.getStats().ifname(ifname));
    }

    /** GET_STATS of the vnet device with interface index {@code ifindex}, waiting at most {@link #timeout()}. */
    public DeviceStats stats(int ifindex) throws NetlinkException {
        nextGeneration();
        return statsReply(generated.getStats().ifindex(Integer.toUnsignedLong(ifindex)));
    }

    private DeviceStats statsReply(GetStatsRequest request) throws NetlinkException {
        AttrReader reply;
        try {
            reply = request.call();
        } catch (NetlinkException e) {
            throw translate(e);
        }
        return deviceStats(reply, request.message().offset());
    }

    /** GET_STATS of every vnet device in this network namespace (a dump), in the kernel's device order. */
    public List<DeviceStats> allStats() throws NetlinkException {
        nextGeneration();
        List<DeviceStats> devices = new ArrayList<>();
        try {
            generated.getStatsDump().dump(DumpInterruptPolicy.retry(3), new VnetNlClient.ReplyHandler<AttrReader>() {
                @Override
                public void onReply(AttrReader part) {
                    devices.add(deviceStats(part, -1));
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
        try {
            generated.setLink().ifname(ifname).linkUp(up ? 1 : 0).call();
        } catch (NetlinkException e) {
            throw translate(e);
        }
    }

    /** Restarts the counters of the vnet device {@code ifname} from zero (RESET_STATS; needs CAP_NET_ADMIN). */
    public void resetStats(String ifname) throws NetlinkException {
        Objects.requireNonNull(ifname, "ifname");
        nextGeneration();
        try {
            generated.resetStats().ifname(ifname).call();
        } catch (NetlinkException e) {
            throw translate(e);
        }
    }

    /** A GET_STATS reply or dump part (at {@code offset} in the receive buffer, -1 if unknown) as a record. */
    private DeviceStats deviceStats(AttrReader reply, long offset) {
        if (!reply.hasIfname() || !reply.hasStats()) {
            throw new MalformedMessageException(offset, "get-stats reply without "
                    + (reply.hasIfname() ? "stats" : "ifname"));
        }
        StatsReader s = reply.stats(threads.get().counters);
        // The module always sends LINK_UP; a reply without it is read as a link that is down.
        return new DeviceStats(reply.hasIfindex() ? (int) reply.ifindex() : 0, reply.ifname(),
                reply.hasLinkUp() && reply.linkUp() != 0,
                s.hasRxPackets() ? s.rxPackets() : 0, s.hasTxPackets() ? s.txPackets() : 0,
                s.hasRxBytes() ? s.rxBytes() : 0, s.hasTxBytes() ? s.txBytes() : 0,
                s.hasRxDropped() ? s.rxDropped() : 0, s.hasTxDropped() ? s.txDropped() : 0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events

    /** Joins the "events" group: from now on ECHO and link events are kept for {@link #nextEvent}. */
    public synchronized void subscribe() throws NetlinkException {
        nextGeneration();
        if (!subscribed) {
            generated.joinEvents();
            subscribed = true;
        }
    }

    /** Leaves the "events" group. Events already received are still returned by {@link #nextEvent}. */
    public synchronized void unsubscribe() throws NetlinkException {
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
        GenlMessage message = connection.receiveNotification(timeout);
        int command = message.command();
        if (message.familyId() != family.id()) {
            return new UnknownEvent(command, message.version());
        }
        if (command == VnetNl.Cmd.ECHO_EVENT) {
            AttrReader echo = threads.get().event.wrap(message);
            return new Echo(echo.hasMsg() ? Optional.of(echo.msg()) : Optional.empty(),
                    echo.hasValue() ? OptionalLong.of(echo.value()) : OptionalLong.empty(),
                    echo.hasFlag() ? Optional.of(echo.flag() != 0) : Optional.empty());
        }
        if (command == VnetNl.Cmd.LINK_EVENT) {
            AttrReader link = threads.get().event.wrap(message);
            if (!link.hasIfname() || !link.hasLinkUp()) {
                throw new MalformedMessageException(message.offset(), "link-event without "
                        + (link.hasIfname() ? "link-up" : "ifname"));
            }
            return new LinkEvent(link.hasIfindex() ? (int) link.ifindex() : 0, link.ifname(), link.linkUp() != 0);
        }
        return new UnknownEvent(command, message.version());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Common

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

    /** Starts a call of this thread: the views it handed out before go stale. */
    private long nextGeneration() {
        if (closed) {
            throw new IllegalStateException("the VnetClient is closed");
        }
        long next = generations.incrementAndGet();
        threads.get().generation = next;
        return next;
    }

    /** Whether a view of {@code viewGeneration} is still this thread's latest. */
    boolean isCurrent(long viewGeneration) {
        return !closed && viewGeneration == threads.get().generation;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the connection. Idempotent; may be called from any thread: calls still waiting, a thread blocked in
     * {@link #nextEvent} included, end with {@link org.vnetnl.genl.NetlinkCancelledException}.
     */
    @Override
    public void close() {
        closed = true;
        connection.close();
    }

    @Override
    public String toString() {
        return "VnetClient[" + family + (closed ? ", closed" : "") + "]";
    }
}
