package org.vnetnl.ynl.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.DumpHandler;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.genl.PerThread;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.ynl.McastGroup;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecSchema;
import org.vnetnl.ynl.YnlSpec;

/**
 * Any netlink family, driven by its YNL spec: operations, attributes, enums and groups by name. A generic netlink
 * family is resolved by name through the controller; a netlink-raw family (rtnetlink's {@code rt_link},
 * {@code rt_addr}, {@code rt_route}, {@code tc}) talks on a socket of its own protocol ({@code protonum}) with the
 * message types, fixed header and multicast group numbers of its spec:
 *
 * <pre>{@code
 * try (YnlClient rt = YnlClient.open(SpecLoader.load(Path.of(".../rt_addr.yaml")))) {
 *     rt.call("newaddr", Map.of("ifa-family", 2, "ifa-prefixlen", 24, "ifa-index", 1, "ifa-local", "10.0.0.1"),
 *             NetlinkFlags.CREATE | NetlinkFlags.EXCL);
 *     List<Map<String, Object>> addresses = rt.dump("getaddr", Map.of());
 * }
 * }</pre>
 *
 * A generic netlink family:
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
    /** nlmsghdr: where a netlink-raw family's fixed header starts. */
    private static final int NETLINK_HEADER = 16;

    private final YnlSpec spec;
    private final GenlConnection connection;
    private final boolean ownsConnection;
    private final Family family;
    /** Per thread: an encoder remembers where it wrote each attribute, to name the one an error points at. */
    private final PerThread<RequestEncoder> encoders;
    private final ReplyDecoder decoder;
    private volatile Duration timeout = GenlConnection.DEFAULT_TIMEOUT;
    private volatile DumpInterruptPolicy interruptPolicy = DumpInterruptPolicy.retry(3);

    private YnlClient(YnlSpec spec, GenlConnection connection, boolean ownsConnection) throws NetlinkException {
        this.spec = spec;
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        if (spec.isNetlinkRaw()) {
            if (connection.protocol() != spec.protonum()) {
                throw new IllegalArgumentException(spec.name() + " is netlink protocol " + spec.protonum()
                        + ", the connection speaks protocol " + connection.protocol()
                        + " (open one with GenlConnection.openRaw)");
            }
            this.family = null;
        } else {
            this.family = connection.family(spec.name());
            SpecSchema.checkFixedHeader(spec, family);
        }
        this.encoders = new PerThread<>(() -> new RequestEncoder(spec));
        this.decoder = new ReplyDecoder(spec);
    }

    /**
     * Opens a connection of its own (closed with the client) and resolves the spec's family; for a netlink-raw
     * spec, a socket of its protocol.
     */
    public static YnlClient open(YnlSpec spec) throws NetlinkException {
        return own(spec, spec.isNetlinkRaw() ? GenlConnection.openRaw(spec.protonum(), ConnectionOptions.defaults())
                : GenlConnection.open());
    }

    /**
     * As {@link #open(YnlSpec)}, with the connection in network namespace {@code namespace} (a name from
     * {@code ip netns add} or a path); see {@link GenlConnection#openInNamespace}.
     */
    public static YnlClient openInNamespace(YnlSpec spec, String namespace) throws NetlinkException {
        return own(spec, spec.isNetlinkRaw()
                ? GenlConnection.openRawInNamespace(namespace, spec.protonum(), ConnectionOptions.defaults())
                : GenlConnection.openInNamespace(namespace, ConnectionOptions.defaults()));
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

    /** The family as the kernel registered it; null for a netlink-raw family, which is not registered by name. */
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
        if (spec.isNetlinkRaw()) {
            throw new IllegalStateException(spec.name() + " is a netlink-raw family: the kernel publishes no policy"
                    + " of it to check against");
        }
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
        return call(operation, request, 0);
    }

    /**
     * {@link #call(String, Map)} with request flags besides NLM_F_REQUEST and NLM_F_ACK: {@link NetlinkFlags#CREATE},
     * {@link NetlinkFlags#EXCL}, {@link NetlinkFlags#REPLACE}, {@link NetlinkFlags#APPEND}, which netlink-raw
     * families read (an rtnetlink {@code newroute} needs CREATE).
     */
    public Map<String, Object> call(String operation, Map<String, ?> request, int flags) throws NetlinkException {
        SpecOperation op = operation(operation, "do");
        prepare(op, op.doMode(), request, NetlinkFlags.ACK | flags);
        try {
            GenlMessage reply = connection.transact(timeout);
            return reply == null ? null : decodeMessage(reply, op);
        } catch (NetlinkException e) {
            throw named(e, op);
        }
    }

    /** {@link #call(String, Map)} with the request as a JSON object. */
    public Map<String, Object> call(String operation, String jsonRequest) throws NetlinkException {
        return call(operation, JsonRequest.parse(jsonRequest));
    }

    /** {@link #call(String, Map, int)} with the request as a JSON object. */
    public Map<String, Object> call(String operation, String jsonRequest, int flags) throws NetlinkException {
        return call(operation, JsonRequest.parse(jsonRequest), flags);
    }

    /** Runs the {@code dump} of {@code operation} and returns every part as named values. */
    public List<Map<String, Object>> dump(String operation, Map<String, ?> request) throws NetlinkException {
        return dump(operation, request, 0);
    }

    /** {@link #dump(String, Map)} with request flags besides NLM_F_REQUEST and NLM_F_DUMP. */
    public List<Map<String, Object>> dump(String operation, Map<String, ?> request, int flags)
            throws NetlinkException {
        SpecOperation op = operation(operation, "dump");
        // 6.12's rtnetlink specs describe some dumps the kernel answers by their do form alone (tc's getqdisc):
        // as the kernel's YNL does, such a dump is sent with it.
        prepare(op, op.dumpMode() != null ? op.dumpMode() : op.doMode(), request, NetlinkFlags.DUMP | flags);
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
            throw named(e, op);
        }
        return parts;
    }

    /** {@link #dump(String, Map)} with the request as a JSON object. */
    public List<Map<String, Object>> dump(String operation, String jsonRequest) throws NetlinkException {
        return dump(operation, JsonRequest.parse(jsonRequest));
    }

    /** {@link #dump(String, Map, int)} with the request as a JSON object. */
    public List<Map<String, Object>> dump(String operation, String jsonRequest, int flags) throws NetlinkException {
        return dump(operation, JsonRequest.parse(jsonRequest), flags);
    }

    /**
     * Joins the multicast group {@code group}. Group ids come from the kernel, so a group the spec does not list
     * (6.12's ethtool spec omits its {@code monitor} group) can still be joined.
     *
     * @throws IllegalArgumentException if the kernel's family has no such group (the valid ones are listed)
     */
    public void subscribe(String group) throws NetlinkException {
        if (spec.isNetlinkRaw()) {
            // A netlink-raw family's groups are numbers fixed by its spec (rtnetlink's RTNLGRP_*).
            McastGroup known = spec.mcastGroups().get(group);
            if (known == null || known.value() < 0) {
                throw new IllegalArgumentException(spec.name() + " has no multicast group '" + group + "'; valid: "
                        + spec.mcastGroups().keySet());
            }
            connection.joinGroup(known.value());
            return;
        }
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
        // A netlink-raw message's type is its command; generic netlink's is the family id.
        int command = spec.isNetlinkRaw() ? message.familyId() : message.command();
        SpecOperation op = spec.notificationByValue(command)
                .or(() -> spec.operationByReplyValue(command)).orElse(null);
        if (op == null && spec.isNetlinkRaw()) {
            // rtnetlink announces a deletion with the delete request's own type (RTM_DELLINK), which 6.12's specs
            // give no reply: it is read with that request's attributes and fixed header.
            op = spec.operations().values().stream().filter(o -> o.isCall() && o.requestValue() == command)
                    .findFirst().orElse(null);
        }
        if (op == null) {
            if (spec.isNetlinkRaw()) {
                // Without its operation, the size of its fixed header is unknown: the payload is kept whole.
                Map<String, Object> raw = new java.util.LinkedHashMap<>();
                raw.put("payload", new Undecoded(DisplayHints.hex(message.segment().asSlice(message.offset()
                        + NETLINK_HEADER, message.length() - NETLINK_HEADER).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)),
                        "message type " + command + " is not in the spec"));
                return new Notification("UnknownCommand(" + command + ")", raw);
            }
            return new Notification("UnknownCommand(" + command + ")",
                    decoder.decode(message.attributes(family.headerSize()), null));
        }
        return new Notification(op.name(), decodeMessage(message, op));
    }

    /** One {@code do} request of {@link #callAll}: an operation and its named values. */
    public record Call(String operation, Map<String, ?> request) {
        public Call {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(request, "request");
        }

        /** A call whose request is a JSON object (empty or null text: no attributes). */
        public static Call ofJson(String operation, String jsonRequest) {
            return new Call(operation, JsonRequest.parse(jsonRequest));
        }
    }

    /**
     * Sends the {@code do} requests of {@code calls} together, in one send (a {@link org.vnetnl.genl.GenlBatch}),
     * as cli.py's {@code --multi} does: nfnetlink transactions (nftables' batch-begin ... batch-end) need that.
     * Every request is checked before any is sent.
     *
     * @param flags request flags besides NLM_F_REQUEST and NLM_F_ACK, for every request
     * @return the replies in order, null for a request the kernel only acknowledged
     * @throws NetlinkException the first failure among them (the others were processed all the same)
     */
    public List<Map<String, Object>> callAll(List<Call> calls, int flags) throws NetlinkException {
        if (calls.isEmpty()) {
            return List.of();
        }
        RequestEncoder encoder = encoders.get();
        try (org.vnetnl.genl.GenlBatch batch = connection.newBatch(calls.size())) {
            return callAll(batch, encoder, calls, flags);
        }
    }

    private List<Map<String, Object>> callAll(org.vnetnl.genl.GenlBatch batch, RequestEncoder encoder, List<Call> calls,
                                              int flags) throws NetlinkException {
        List<SpecOperation> ops = new ArrayList<>();
        for (Call call : calls) {
            SpecOperation op = operation(call.operation(), "do");
            ops.add(op);
            String name = spec.name() + " " + op.name();
            int header = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
            AttributeWriter w = spec.isNetlinkRaw()
                    ? batch.addRaw(op.requestValue(op.doMode()), NetlinkFlags.ACK | flags, header, name)
                    : batch.add(family, op.requestValue(), NetlinkFlags.ACK | flags, name, null);
            if (op.fixedHeader() != null) {
                encoder.encodeStruct(w.segment(), w.position() - NetlinkAlignment.nlaAlign(header), op.fixedHeader(),
                        call.request(), "");
            }
            encoder.encode(w, op.attributeSet(), call.request(), op.doMode().request(), op.fixedHeader());
        }
        batch.execute(timeout);
        List<Map<String, Object>> replies = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            GenlMessage reply = batch.reply(i);
            replies.add(reply == null ? null : decodeMessage(reply, ops.get(i)));
        }
        return replies;
    }

    /**
     * The kernel's message on the success of the last call or dump: a warning (tc's "quantum of class 10010 is
     * big"), or empty.
     */
    public Optional<String> warning() {
        return connection.warning();
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
        if (op != null && mode.equals("dump") && op.dumpMode() == null && op.doMode() != null
                && spec.isNetlinkRaw()) {
            return op;
        }
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

    private void prepare(SpecOperation op, SpecOperation.Mode mode, Map<String, ?> request, int flags) {
        Objects.requireNonNull(request, "request");
        RequestEncoder encoder = encoders.get();
        String name = spec.name() + " " + op.name();
        int header = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
        AttributeWriter w = spec.isNetlinkRaw()
                ? connection.prepareRaw(op.requestValue(mode), flags, header, name)
                : connection.prepare(family, op.requestValue(), flags, name, null);
        if (op.fixedHeader() != null) {
            encoder.encodeStruct(w.segment(), spec.isNetlinkRaw() ? NETLINK_HEADER : GENL_HEADERS, op.fixedHeader(),
                    request, "");
        }
        encoder.encode(w, op.attributeSet(), request, mode.request(), op.fixedHeader());
    }

    private Map<String, Object> decodeMessage(GenlMessage message, SpecOperation op) {
        int header = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
        int headers = spec.isNetlinkRaw() ? NETLINK_HEADER : GENL_HEADERS;
        Map<String, Object> out = decoder.decode(spec.isNetlinkRaw() ? rawAttributes(message, header)
                : message.attributes(NetlinkAlignment.nlaAlign(header)), op.attributeSet());
        if (header > 0) {
            out.putAll(decoder.struct(message.segment(), message.offset() + headers,
                    Math.min(header, Math.max(0, message.length() - headers)), op.fixedHeader()));
        }
        return out;
    }

    /** The attributes of a netlink-raw message, after its netlink header and a fixed header of {@code header} bytes. */
    private static AttributeReader rawAttributes(GenlMessage message, int header) {
        long start = Math.min(message.length(), NETLINK_HEADER + (long) NetlinkAlignment.nlaAlign(header));
        return new AttributeReader().wrap(message.segment(), message.offset() + start, message.length() - start);
    }

    /**
     * The kernel's error with the offending attribute named by its path in the spec, and a missing attribute by
     * its name (by its path when the kernel says which nest it is missing from).
     */
    private NetlinkException named(NetlinkException e, SpecOperation op) {
        if (e.getClass() != NetlinkException.class) {
            return e;
        }
        RequestEncoder encoder = encoders.get();
        String path = e.extAckOffset().isPresent() ? encoder.pathAt(e.extAckOffset().getAsInt()) : null;
        String missing = null;
        if (e.missingAttributeType().isPresent()) {
            String set = op.attributeSet();
            String prefix = "";
            if (e.missingAttributeNest().isPresent()) {
                long nest = e.missingAttributeNest().getAsInt();
                set = encoder.setAt(nest);
                prefix = encoder.pathAt(nest) + ".";
            }
            if (set != null) {
                String at = prefix;
                missing = spec.attributeSet(set).attribute(e.missingAttributeType().getAsInt())
                        .map(a -> at + a.name()).orElse(null);
            }
        }
        if (path == null && missing == null) {
            return e;
        }
        NetlinkException named = new NetlinkException(e.errno(), e.operation(), e.sequence(),
                e.extAckMessage().orElse(null), e.extAckOffset().orElse(-1), e.attributeType().orElse(-1),
                path != null ? path : e.attributeName().orElse(null), e.missingAttributeType().orElse(-1),
                e.missingAttributeNest().orElse(-1), missing, e.policy().orElse(null));
        named.initCause(e);
        return named;
    }
}
