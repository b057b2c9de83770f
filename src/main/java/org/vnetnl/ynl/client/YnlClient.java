package org.vnetnl.ynl.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.DumpHandler;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.DumpResult;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlBatch;
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
 * For large tables, {@link #dump(String, Map, int, Parts)} streams a dump one decoded message at a time and
 * {@link #callEach} sends many requests of one operation in batched rounds (docs/ynl.md, "Large tables").
 *
 * <p>Requests are checked against the spec (names, types, {@code checks}) before anything is sent
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
        return open(spec, ConnectionOptions.defaults());
    }

    /** As {@link #open(YnlSpec)}, with the connection opened with {@code options} (its buffer sizes and limits). */
    public static YnlClient open(YnlSpec spec, ConnectionOptions options) throws NetlinkException {
        return own(spec, Objects.requireNonNull(spec, "spec").isNetlinkRaw()
                ? GenlConnection.openRaw(spec.protonum(), options) : GenlConnection.open(options));
    }

    /**
     * As {@link #open(YnlSpec)}, with the connection in network namespace {@code namespace} (a name from
     * {@code ip netns add} or a path); see {@link GenlConnection#openInNamespace}.
     */
    public static YnlClient openInNamespace(YnlSpec spec, String namespace) throws NetlinkException {
        return openInNamespace(spec, namespace, ConnectionOptions.defaults());
    }

    /** As {@link #openInNamespace(YnlSpec, String)}, with the connection opened with {@code options}. */
    public static YnlClient openInNamespace(YnlSpec spec, String namespace, ConnectionOptions options)
            throws NetlinkException {
        return own(spec, Objects.requireNonNull(spec, "spec").isNetlinkRaw()
                ? GenlConnection.openRawInNamespace(namespace, spec.protonum(), options)
                : GenlConnection.openInNamespace(namespace, options));
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
        List<Map<String, Object>> parts = new ArrayList<>();
        dump(operation, request, flags, new Parts() {
            @Override
            public void accept(Map<String, Object> part) {
                parts.add(part);
            }

            @Override
            public void onRestart() {
                parts.clear();
            }
        });
        return parts;
    }

    /**
     * Receives the parts of a streamed {@link #dump(String, Map, int, Parts)} one at a time, each decoded into named
     * values of its own (the handler may keep it).
     */
    @FunctionalInterface
    public interface Parts {

        /** One part of the dump, decoded. */
        void accept(Map<String, Object> part) throws NetlinkException;

        /**
         * The kernel marked the dump interrupted and it is about to run again from the start (see
         * {@link #dumpInterruptPolicy}): forget the parts received so far. The default refuses, as
         * {@link DumpHandler#onRestart()} does, because keeping them would deliver duplicates.
         */
        default void onRestart() {
            throw new IllegalStateException("the dump was interrupted and is being retried, but this"
                    + " YnlClient.Parts cannot discard what it received: implement Parts.onRestart()");
        }
    }

    /**
     * Runs the {@code dump} of {@code operation} and hands each part to {@code parts} as it arrives, decoded one
     * message at a time: nothing is collected, so a table of any size (a million routes) is dumped in the memory
     * of one part at a time. If {@code parts} throws, the dump ends with its exception (the rest is read and
     * discarded).
     *
     * @param flags request flags besides NLM_F_REQUEST and NLM_F_DUMP
     * @return how the dump ended: the parts delivered by its last attempt, and the attempts
     */
    public DumpResult dump(String operation, Map<String, ?> request, int flags, Parts parts)
            throws NetlinkException {
        Objects.requireNonNull(parts, "parts");
        SpecOperation op = operation(operation, "dump");
        // 6.12's rtnetlink specs describe some dumps the kernel answers by their do form alone (tc's getqdisc):
        // as the kernel's YNL does, such a dump is sent with it.
        prepare(op, op.dumpMode() != null ? op.dumpMode() : op.doMode(), request, NetlinkFlags.DUMP | flags);
        int header = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
        try {
            return connection.dump(timeout, interruptPolicy, new DumpHandler() {
                @Override
                public void onMessage(GenlMessage part) throws NetlinkException {
                    parts.accept(decodeMessage(part, op, header));
                }

                @Override
                public void onRestart() {
                    parts.onRestart();
                }
            });
        } catch (NetlinkException e) {
            throw named(e, op);
        }
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

    /** What {@link #callEach} does with a request the kernel refused. */
    @FunctionalInterface
    public interface Refusals {

        /**
         * Request number {@code index} (counted from 0 in the order given) was refused with {@code error}. Throwing
         * ends {@link #callEach} with that exception, once its current round is done: the requests sent with it
         * were all carried out or refused, and the requests after that round are not sent.
         */
        void refused(long index, NetlinkException error) throws NetlinkException;
    }

    /**
     * {@link #callEach(String, Iterable, int, Refusals)} that stops at the first refusal and throws it (its message
     * names the request's number); the requests of earlier rounds and the others of its round were processed.
     */
    public long callEach(String operation, Iterable<? extends Map<String, ?>> requests, int flags)
            throws NetlinkException {
        return callEach(operation, requests, flags, (index, error) -> {
            throw numbered(error, index);
        });
    }

    /**
     * Sends many {@code do} requests of one operation (adding or deleting many routes: {@code newroute} with
     * {@link NetlinkFlags#CREATE}, {@code delroute}) in rounds, each round one send of as many requests as fit
     * ({@link GenlBatch}), its acknowledgements matched by sequence number: a few system calls per round instead
     * of two per request. Requests are encoded as they are taken from {@code requests}, one round at a time, so an
     * {@link Iterable} that makes them on the fly is sent in flat memory. Replies, for an operation that has them,
     * are not kept.
     *
     * <p>A round holds up to {@link GenlConnection#MAX_BATCH} requests, fewer when the connection's send buffer
     * ({@link ConnectionOptions#sendBufferSize()}) or its socket's receive buffer, which must hold the round's
     * acknowledgements at once, is smaller: about 1 KiB each (open the connection with
     * {@code ConnectionOptions.withSocketReceiveBufferSize(1 << 20)} for rounds of 1023).
     *
     * @param flags     request flags besides NLM_F_REQUEST and NLM_F_ACK, for every request
     * @param refusals  told of each request the kernel refused, in order
     * @return how many requests were sent
     * @throws IllegalArgumentException an unknown operation, or a request that does not match the spec or does not
     *                                  fit the send buffer on its own (named by its number); the rounds before its
     *                                  own were sent, its own is not
     */
    public long callEach(String operation, Iterable<? extends Map<String, ?>> requests, int flags,
                         Refusals refusals) throws NetlinkException {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(refusals, "refusals");
        SpecOperation op = operation(operation, "do");
        String name = spec.name() + " " + op.name();
        int header = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
        int headers = (spec.isNetlinkRaw() ? NETLINK_HEADER : GENL_HEADERS) + NetlinkAlignment.nlaAlign(header);
        RequestEncoder encoder = encoders.get();
        long index = 0;
        long roundStart = 0;
        long largest = 0;
        try (GenlBatch batch = connection.newBatch(roundSize(), GenlConnection.MIN_BATCH_REPLY_SIZE)) {
            for (Map<String, ?> request : requests) {
                if (batch.size() == batch.capacity()) {
                    runRound(batch, roundStart, refusals);
                    roundStart = index;
                }
                AttributeWriter w = add(batch, op, name, header, flags);
                long start = w.position() - headers;
                if (!encodeEntry(batch, encoder, w, op, header, request, index, name)) {
                    // No room left in this round's datagram for this request: it opens the next round.
                    batch.removeLast();
                    boolean alone = batch.size() == 0;
                    if (!alone) {
                        runRound(batch, roundStart, refusals);
                        roundStart = index;
                        w = add(batch, op, name, header, flags);
                        start = w.position() - headers;
                        alone = !encodeEntry(batch, encoder, w, op, header, request, index, name);
                    }
                    if (alone) {
                        batch.clear();
                        throw new IllegalArgumentException("request " + index + " of " + name + " does not fit"
                                + " the connection's send buffer (ConnectionOptions.sendBufferSize) on its own");
                    }
                }
                largest = Math.max(largest, w.position() - start);
                index++;
                // A request as long as the longest so far would not fit behind this one: send the round now.
                if (w.remaining() < largest && batch.size() < batch.capacity()) {
                    runRound(batch, roundStart, refusals);
                    roundStart = index;
                }
            }
            if (batch.size() > 0 && index > roundStart) {
                runRound(batch, roundStart, refusals);
            }
        }
        return index;
    }

    /**
     * Bytes of the socket's receive buffer one acknowledgement takes: the kernel charges each datagram's whole
     * buffer (its {@code truesize}, about 768 bytes for an acknowledgement on x86-64), with room to spare.
     */
    private static final int ACK_ROOM = 1024;

    /**
     * The requests of a round whose acknowledgements all fit the socket's receive buffer: the size the connection
     * asked for (the kernel caps it at {@code net.core.rmem_max}) or the system default, doubled by the kernel.
     */
    private int roundSize() {
        long asked = connection.options().socketReceiveBufferSize();
        long socketBuffer = asked > 0 ? Math.min(asked, systemSetting("rmem_max", asked))
                : systemSetting("rmem_default", 0);
        long room = 2 * socketBuffer / ACK_ROOM;
        return (int) Math.max(1, Math.min(GenlConnection.MAX_BATCH, room));
    }

    /** A {@code /proc/sys/net/core} setting, or {@code otherwise} where it cannot be read. */
    private static long systemSetting(String name, long otherwise) {
        // Read as a stream: /proc reports a size of 0, and a read sized by it stops short (Files.readString
        // returns "2" of "212992").
        try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(
                java.nio.file.Path.of("/proc/sys/net/core", name))) {
            String line = reader.readLine();
            return line == null ? otherwise : Long.parseLong(line.trim());
        } catch (java.io.IOException | NumberFormatException | SecurityException e) {
            return otherwise;
        }
    }

    private AttributeWriter add(GenlBatch batch, SpecOperation op, String name, int header, int flags) {
        return spec.isNetlinkRaw() ? batch.addRaw(op.requestValue(op.doMode()), NetlinkFlags.ACK | flags, header, name)
                : batch.add(family, op.requestValue(), NetlinkFlags.ACK | flags, name, null);
    }

    /**
     * Encodes request {@code index} into the batch's entry added last; false when it does not fit the room left
     * (the writer's IllegalStateException). A request that does not match the spec empties the round and fails,
     * named by its number.
     */
    private boolean encodeEntry(GenlBatch batch, RequestEncoder encoder, AttributeWriter w, SpecOperation op,
                                int header, Map<String, ?> request, long index, String name) {
        try {
            encode(encoder, w, op, header, request);
            return true;
        } catch (IllegalStateException full) {
            return false;
        } catch (IllegalArgumentException | NullPointerException bad) {
            batch.clear();
            throw new IllegalArgumentException("request " + index + " of " + name + ": " + bad.getMessage(), bad);
        }
    }

    private void encode(RequestEncoder encoder, AttributeWriter w, SpecOperation op, int header,
                        Map<String, ?> request) {
        Objects.requireNonNull(request, "a request is null");
        if (op.fixedHeader() != null) {
            encoder.encodeStruct(w.segment(), w.position() - NetlinkAlignment.nlaAlign(header), op.fixedHeader(),
                    request, "");
        }
        encoder.encode(w, op.attributeSet(), request, op.doMode().request(), op.fixedHeader());
    }

    /** Sends the round and tells {@code refusals} of each request refused, numbered from {@code first}. */
    private void runRound(GenlBatch batch, long first, Refusals refusals) throws NetlinkException {
        batch.execute(timeout);
        int failures = batch.failures();
        for (int i = 0; i < batch.size() && failures > 0; i++) {
            NetlinkException error = batch.error(i);
            if (error != null) {
                failures--;
                refusals.refused(first + i, error);
            }
        }
        batch.clear();
    }

    private NetlinkException numbered(NetlinkException e, long index) {
        NetlinkException numbered = new NetlinkException(e.errno(), e.operation() + " (request " + index + ")",
                e.sequence(), e.extAckMessage().orElse(null), e.extAckOffset().orElse(-1), e.attributeType().orElse(-1),
                e.attributeName().orElse(null), e.missingAttributeType().orElse(-1),
                e.missingAttributeNest().orElse(-1), null, e.policy().orElse(null));
        numbered.initCause(e);
        return numbered;
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
        return decodeMessage(message, op, op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader()));
    }

    /** As {@link #decodeMessage(GenlMessage, SpecOperation)}, the fixed header's size given (once per dump). */
    private Map<String, Object> decodeMessage(GenlMessage message, SpecOperation op, int header) {
        int headers = spec.isNetlinkRaw() ? NETLINK_HEADER : GENL_HEADERS;
        // Sized for the header's members and a few attributes: a map that grows while it fills is rebuilt.
        Map<String, Object> out = new LinkedHashMap<>(header > 0 ? 32 : 16);
        decoder.decodeInto(out, spec.isNetlinkRaw() ? rawAttributes(message, header)
                : message.attributes(NetlinkAlignment.nlaAlign(header)), op.attributeSet());
        if (header > 0) {
            decoder.struct(out, message.segment(), message.offset() + headers,
                    Math.min(header, Math.max(0, message.length() - headers)), op.fixedHeader());
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
