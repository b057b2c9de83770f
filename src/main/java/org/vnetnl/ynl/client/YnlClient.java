package org.vnetnl.ynl.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.DumpHandler;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecSchema;
import org.vnetnl.ynl.YnlSpec;

/**
 * Any generic netlink family, driven by its YNL spec: operations, attributes, enums and groups by name.
 *
 * <pre>{@code
 * YnlSpec ethtool = SpecLoader.load(Path.of(".../ethtool.yaml"));
 * try (YnlClient client = YnlClient.open(ethtool)) {
 *     Map<String, Object> channels = client.call("channels-get", Map.of("header", Map.of("dev-name", "veth0")));
 *     List<Map<String, Object>> all = client.dump("channels-get", Map.of());
 * }
 * }</pre>
 *
 * Requests are checked against the spec (names, types, {@code checks}) before anything is sent
 * ({@link IllegalArgumentException} naming the attribute's path); kernel errors are {@link NetlinkException}s whose
 * {@link NetlinkException#attributeName()} is the offending attribute's path of names (e.g. {@code header.dev-name}).
 * Runs on a {@link GenlConnection}, with its deadlines, dump-interrupt policy and namespace. Like the connection,
 * a client is shared by any number of threads, platform or virtual: each call encodes its request in the calling
 * thread's own memory and waits for its own reply; replies are copied out (they stay valid after the next call).
 */
public final class YnlClient implements AutoCloseable {

    /** nlmsghdr (16) + genlmsghdr (4): where a family's fixed header starts. */
    private static final int GENL_HEADERS = 20;

    private final YnlSpec spec;
    private final GenlConnection connection;
    private final boolean ownsConnection;
    private final Family family;
    /** Per thread: an encoder remembers where it wrote each attribute, to name the one an error points at. */
    private final ThreadLocal<RequestEncoder> encoders;
    private final ReplyDecoder decoder;
    private volatile Duration timeout = GenlConnection.DEFAULT_TIMEOUT;
    private volatile DumpInterruptPolicy interruptPolicy = DumpInterruptPolicy.retry(3);

    private YnlClient(YnlSpec spec, GenlConnection connection, boolean ownsConnection) throws NetlinkException {
        this.spec = spec;
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        this.family = connection.family(spec.name());
        SpecSchema.checkFixedHeader(spec, family);
        this.encoders = ThreadLocal.withInitial(() -> new RequestEncoder(spec));
        this.decoder = new ReplyDecoder(spec);
    }

    /** Opens a connection of its own (closed with the client) and resolves the spec's family. */
    public static YnlClient open(YnlSpec spec) throws NetlinkException {
        return own(spec, GenlConnection.open());
    }

    /**
     * As {@link #open(YnlSpec)}, with the connection in network namespace {@code namespace} (a name from
     * {@code ip netns add} or a path); see {@link GenlConnection#openInNamespace}.
     */
    public static YnlClient openInNamespace(YnlSpec spec, String namespace) throws NetlinkException {
        return own(spec, GenlConnection.openInNamespace(namespace, GenlConnection.Options.defaults()));
    }

    private static YnlClient own(YnlSpec spec, GenlConnection connection) throws NetlinkException {
        try {
            return new YnlClient(spec, connection, true);
        } catch (NetlinkException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Uses {@code connection}, which stays the caller's to close (e.g. one opened in a network namespace). */
    public static YnlClient on(YnlSpec spec, GenlConnection connection) throws NetlinkException {
        return new YnlClient(spec, Objects.requireNonNull(connection, "connection"), false);
    }

    public YnlSpec spec() {
        return spec;
    }

    /** The family as the kernel registered it. */
    public Family family() {
        return family;
    }

    /** The longest wait for a reply or for each part of a dump (default {@link GenlConnection#DEFAULT_TIMEOUT}). */
    public YnlClient timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Checks the running kernel's family against the spec: its version, groups, requests and, read with
     * {@code CTRL_CMD_GETPOLICY}, the kind and limits of each request attribute ({@link SpecSchema}).
     *
     * @param everyOperation whether a request the kernel does not implement is a difference
     * @throws org.vnetnl.ynl.SchemaMismatchException naming each attribute that differs
     */
    public void checkKernel(boolean everyOperation) throws NetlinkException {
        SpecSchema.of(spec).check(connection, family, timeout, everyOperation);
    }

    /** What a dump does when the kernel marks it interrupted (default: retry up to 3 times, then fail). */
    public YnlClient dumpInterruptPolicy(DumpInterruptPolicy policy) {
        this.interruptPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Sends the {@code do} request of {@code operation} and returns its reply as named values, or null when the
     * kernel only acknowledged it.
     *
     * @throws IllegalArgumentException an unknown operation (the valid ones are listed), attribute or value, or one
     *                                  outside the spec's checks: nothing was sent
     */
    public Map<String, Object> call(String operation, Map<String, ?> request) throws NetlinkException {
        SpecOperation op = operation(operation, "do");
        prepare(op, op.doMode().request(), request, NetlinkFlags.ACK);
        try {
            GenlMessage reply = connection.transact(timeout);
            return reply == null ? null : decodeMessage(reply, op);
        } catch (NetlinkException e) {
            throw named(e);
        }
    }

    /** {@link #call(String, Map)} with the request as a JSON object. */
    public Map<String, Object> call(String operation, String jsonRequest) throws NetlinkException {
        return call(operation, JsonRequest.parse(jsonRequest));
    }

    /** Runs the {@code dump} of {@code operation} and returns every part as named values. */
    public List<Map<String, Object>> dump(String operation, Map<String, ?> request) throws NetlinkException {
        SpecOperation op = operation(operation, "dump");
        prepare(op, op.dumpMode().request(), request, NetlinkFlags.DUMP);
        List<Map<String, Object>> parts = new ArrayList<>();
        try {
            connection.dump(timeout, interruptPolicy, new DumpHandler() {
                @Override
                public void onMessage(GenlMessage part) {
                    parts.add(decodeMessage(part, op));
                }

                @Override
                public void onRestart() {
                    parts.clear();
                }
            });
        } catch (NetlinkException e) {
            throw named(e);
        }
        return parts;
    }

    /** {@link #dump(String, Map)} with the request as a JSON object. */
    public List<Map<String, Object>> dump(String operation, String jsonRequest) throws NetlinkException {
        return dump(operation, JsonRequest.parse(jsonRequest));
    }

    /**
     * Joins the multicast group {@code group}. Group ids come from the kernel, so a group the spec does not list
     * (6.12's ethtool spec omits its {@code monitor} group) can still be joined.
     *
     * @throws IllegalArgumentException if the kernel's family has no such group (the valid ones are listed)
     */
    public void subscribe(String group) throws NetlinkException {
        if (family.multicastGroup(group).isEmpty()) {
            throw new IllegalArgumentException("family " + spec.name() + " has no multicast group '" + group
                    + "'; valid: " + family.multicastGroups().keySet());
        }
        connection.joinGroup(family, group);
    }

    /**
     * Waits up to {@code wait} for the next notification and decodes it by its command number.
     *
     * @throws org.vnetnl.genl.NetlinkTimeoutException if none came
     */
    public Notification nextNotification(Duration wait) throws NetlinkException {
        GenlMessage message = connection.receiveNotification(wait);
        SpecOperation op = spec.notificationByValue(message.command())
                .or(() -> spec.operationByReplyValue(message.command())).orElse(null);
        if (op == null) {
            return new Notification("UnknownCommand(" + message.command() + ")", decoder.decode(
                    message.attributes(family.headerSize()), null));
        }
        return new Notification(op.name(), decodeMessage(message, op));
    }

    /** Closes the connection if the client opened it. */
    @Override
    public void close() {
        if (ownsConnection) {
            connection.close();
        }
    }

    private SpecOperation operation(String name, String mode) {
        SpecOperation op = spec.operations().get(name);
        if (op == null || (mode.equals("do") ? op.doMode() : op.dumpMode()) == null) {
            List<String> valid = spec.operations().values().stream()
                    .filter(o -> (mode.equals("do") ? o.doMode() : o.dumpMode()) != null).map(SpecOperation::name)
                    .toList();
            throw new IllegalArgumentException((op == null ? "no operation '" + name + "' in " + spec.name()
                    : "operation '" + name + "' of " + spec.name() + " has no " + mode) + "; operations with "
                    + mode + ": " + valid);
        }
        return op;
    }

    private void prepare(SpecOperation op, List<String> requestAttributes, Map<String, ?> request, int flags) {
        Objects.requireNonNull(request, "request");
        RequestEncoder encoder = encoders.get();
        AttributeWriter w = connection.prepare(family, op.requestValue(), flags, spec.name() + " " + op.name(), null);
        if (op.fixedHeader() != null) {
            encoder.encodeStruct(w.segment(), GENL_HEADERS, op.fixedHeader(), request, "");
        }
        encoder.encode(w, op.attributeSet(), request, requestAttributes, op.fixedHeader());
    }

    private Map<String, Object> decodeMessage(GenlMessage message, SpecOperation op) {
        int header = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
        Map<String, Object> out = decoder.decode(message.attributes(NetlinkAlignment.nlaAlign(header)),
                op.attributeSet());
        if (header > 0) {
            out.putAll(decoder.struct(message.segment(), message.offset() + GENL_HEADERS, header, op.fixedHeader()));
        }
        return out;
    }

    /** The kernel's error with the offending attribute named by its path in the spec. */
    private NetlinkException named(NetlinkException e) {
        if (e.getClass() != NetlinkException.class || e.extAckOffset().isEmpty()) {
            return e;
        }
        String path = encoders.get().pathAt(e.extAckOffset().getAsInt());
        if (path == null) {
            return e;
        }
        NetlinkException named = new NetlinkException(e.errno(), e.operation(), e.sequence(),
                e.extAckMessage().orElse(null), e.extAckOffset().getAsInt(), e.attributeType().orElse(-1), path,
                e.missingAttributeType().orElse(-1));
        named.initCause(e);
        return named;
    }
}
