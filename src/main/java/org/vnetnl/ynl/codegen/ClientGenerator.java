package org.vnetnl.ynl.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.YnlSpec;

/** Writes the family's client: request factories, batches, multicast groups and notifications. */
final class ClientGenerator {

    private final JavaGenerator names;
    private final YnlSpec spec;
    private final String familyClass;
    private final String clientClass;
    private final Map<String, String> readerClass;
    private final Map<String, String> structClass;
    private final Map<String, String> commandConstant;
    private final Map<String, String> replyCommandConstant;
    private final Map<String, String> groupConstant;
    private final Map<String, String> policyConstant;

    ClientGenerator(JavaGenerator names) {
        this.names = names;
        this.spec = names.spec;
        this.familyClass = names.familyClass;
        this.clientClass = names.clientClass;
        this.readerClass = names.readerClass;
        this.structClass = names.structClass;
        this.commandConstant = names.commandConstant;
        this.replyCommandConstant = names.replyCommandConstant;
        this.groupConstant = names.groupConstant;
        this.policyConstant = names.policyConstant;
    }

    /**
     * The messages a netlink-raw family sends on its groups: the replies of its requests (rtnetlink announces a new
     * link with RTM_NEWLINK, the reply of getlink) and the requests that change something (RTM_DELLINK, which
     * 6.12's specs give no reply), each read with its operation's set. The handler method is named after the
     * operation whose request has that number (newlink, dellink), else after the reply ({@code getgen-reply}).
     */
    private void rawNotifications(List<String[]> notifications, java.util.Set<Integer> seen, JavaNames events,
                                  JavaNames members) {
        Map<Integer, SpecOperation> changes = new LinkedHashMap<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() != null && op.doMode() != null && op.doMode().reply() == null && op.dumpMode() == null
                    && op.requestValue() >= 0) {
                changes.putIfAbsent(op.requestValue(), op);
            }
        }
        Map<Integer, String[]> byValue = new TreeMap<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() == null) {
                continue;
            }
            if (changes.get(op.requestValue()) == op) {
                byValue.putIfAbsent(op.requestValue(), new String[] {op.name(), op.attributeSet(), commandConstant.get(op.name())});
            }
            if (op.replyValue() >= 0 && (op.doMode() != null || op.dumpMode() != null)) {
                SpecOperation named = changes.get(op.replyValue());
                byValue.putIfAbsent(op.replyValue(), named != null
                        ? new String[] {named.name(), named.attributeSet(), commandConstant.get(named.name())}
                        : new String[] {op.name() + "-reply", op.attributeSet(), replyCommandConstant.get(op.name())});
            }
        }
        for (Map.Entry<Integer, String[]> m : byValue.entrySet()) {
            if (seen.add(m.getKey())) {
                String[] n = m.getValue();
                notifications.add(new String[] {n[0], events.member(n[0]), readerClass.get(n[1]),
                        members.member(n[0] + "-event"), n[2]});
            }
        }
    }

    /** {@code join(Group)} and {@code leave(Group)}: a group by its generated name. */
    private void joinAndLeave(Src s) {
        for (String verb : new String[] {"join", "leave"}) {
            s.line("");
            s.line("/** " + (verb.equals("join") ? "Joins" : "Leaves") + " the multicast group {@code group}"
                    + (spec.isNetlinkRaw() ? ", by the number the spec gives it." : ", by its name.")
                    + (spec.isNetlinkRaw() ? "" : " */"));
            if (spec.isNetlinkRaw()) {
                s.line(" *");
                s.line(" * @throws IllegalArgumentException if the spec gives the group no number");
                s.line(" */");
            }
            s.open("public void " + verb + "(" + familyClass + ".Group group) throws NetlinkException {");
            if (spec.isNetlinkRaw()) {
                s.open("if (group.value() < 0) {");
                s.line("throw new IllegalArgumentException(" + familyClass + ".FAMILY_NAME + \": the spec gives multicast group \" + group.specName()");
                s.line("        + \" no number\");");
                s.close("}");
                s.line("connection." + verb + "Group(group.value());");
            } else {
                s.line("connection." + verb + "Group(family, group.specName());");
            }
            s.close("}");
        }
    }

    String client(Map<String, String[]> requests, JavaNames members) {
        Src s = names.file();
        s.line("import java.time.Duration;");
        s.line("import java.util.Objects;");
        s.line("");
        s.line("import org.vnetnl.genl.Family;");
        s.line("import org.vnetnl.genl.GenlBatch;");
        s.line("import org.vnetnl.genl.GenlConnection;");
        s.line("import org.vnetnl.genl.GenlMessage;");
        s.line("import org.vnetnl.genl.NetlinkException;");
        s.line("import org.vnetnl.genl.NetlinkFlags;");
        s.line("import org.vnetnl.genl.PerThread;");
        s.line("");
        s.line("/**");
        s.line(" * A typed client of the generic netlink family {@code " + spec.name() + "} over a connection the caller owns");
        s.line(" * (and closes). Any number of threads may share it: each thread gets its own request objects, reused call after");
        s.line(" * call. A request's {@code call()} returns a reader of its own (a small object; {@code call(reader)} reads into");
        s.line(" * the caller's and allocates nothing); a dump hands each reply to its handler in one reused reader.");
        s.line(" */");
        s.open("public final class " + clientClass + " {");
        s.line("");
        s.line("/** Receives the replies of a dump, each valid only during the call. */");
        s.line("@FunctionalInterface");
        s.open("public interface ReplyHandler<R> {");
        s.line("void onReply(R reply) throws NetlinkException;");
        s.line("");
        s.line("/** An interrupted dump is being retried from the start: forget the replies so far. */");
        s.open("default void onRestart() {");
        s.line("throw new IllegalStateException(\"the dump was interrupted and is being retried, but this handler\"");
        s.line("        + \" cannot discard what it received: implement ReplyHandler.onRestart()\");");
        s.close("}");
        s.close("}");
        s.line("");
        JavaNames events = new JavaNames("unknown");
        // {spec name, handler method, reader class, per-thread reader field, the Cmd constant of its number}
        List<String[]> notifications = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.isAsync() && op.attributeSet() != null && op.replyValue() >= 0 && seen.add(op.replyValue())) {
                notifications.add(new String[] {op.name(), events.member(op.name()), readerClass.get(op.attributeSet()),
                        members.member(op.name() + "-event"), replyCommandConstant.get(op.name())});
            }
        }
        if (spec.isNetlinkRaw()) {
            rawNotifications(notifications, seen, events, members);
        }
        s.line("/** The notifications and events of the family, one method each; those not overridden are ignored. */");
        s.open("public interface Notifications {");
        for (String[] n : notifications) {
            s.line("/** {@code " + n[0] + "}. */");
            s.open("default void " + n[1] + "(" + n[2] + " event) throws NetlinkException {");
            s.close("}");
            s.line("");
        }
        s.line("/** A message of a command the spec does not list as a notification. */");
        s.open("default void unknown(GenlMessage message) throws NetlinkException {");
        s.close("}");
        s.close("}");
        s.line("");
        s.line("private final GenlConnection connection;");
        s.line("private final Family family;");
        s.line("private volatile Duration timeout = GenlConnection.DEFAULT_TIMEOUT;");
        for (Map.Entry<String, String[]> r : requests.entrySet()) {
            s.line("private final PerThread<" + r.getValue()[0] + "> " + r.getValue()[1] + "Request = new PerThread<>(() -> new "
                    + r.getValue()[0] + "(this));");
        }
        for (String[] n : notifications) {
            s.line("private final PerThread<" + n[2] + "> " + n[3] + " = new PerThread<>(" + n[2] + "::new);");
        }
        s.line("");
        s.open("private " + clientClass + "(GenlConnection connection, Family family) {");
        s.line("this.connection = connection;");
        s.line("this.family = family;");
        s.close("}");
        s.line("");
        if (spec.isNetlinkRaw()) {
            s.line("/**");
            s.line(" * A client over {@code connection}, a netlink-raw connection of the family's protocol:");
            s.line(" * {@code GenlConnection.openRaw(" + familyClass + ".PROTONUM, options)} or {@code openRawInNamespace}.");
            s.line(" *");
            s.line(" * @throws IllegalArgumentException if the connection is of another protocol");
            s.line(" */");
            s.open("public static " + clientClass + " open(GenlConnection connection) {");
            s.open("if (connection.protocol() != " + familyClass + ".PROTONUM) {");
            s.line("throw new IllegalArgumentException(" + familyClass + ".FAMILY_NAME + \" is netlink protocol \" + " + familyClass
                    + ".PROTONUM + \", the connection is of protocol \" + connection.protocol() + \" (open one with GenlConnection.openRaw)\");");
            s.close("}");
            s.line("return new " + clientClass + "(connection, null);");
            s.close("}");
        } else {
            String header = spec.operations().values().stream().filter(o -> o.attributeSet() != null)
                    .map(SpecOperation::fixedHeader).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            if (header == null) {
                s.line("/** A client over {@code connection}, resolving the family by name. */");
                s.open("public static " + clientClass + " open(GenlConnection connection) throws NetlinkException {");
                s.line("return new " + clientClass + "(connection, connection.family(" + familyClass + ".FAMILY_NAME));");
                s.close("}");
            } else {
                // The connection reserves the kernel's hdrsize for the family's header: it must be the spec's struct.
                String struct = structClass.get(header);
                s.line("/**");
                s.line(" * A client over {@code connection}, resolving the family by name.");
                s.line(" *");
                s.line(" * @throws org.vnetnl.ynl.SchemaMismatchException if the kernel's fixed header is not the spec's struct " + header);
                s.line(" */");
                s.open("public static " + clientClass + " open(GenlConnection connection) throws NetlinkException {");
                s.line("Family family = connection.family(" + familyClass + ".FAMILY_NAME);");
                s.open("if (family.headerSize() != " + struct + ".SIZE) {");
                s.line("throw new org.vnetnl.ynl.SchemaMismatchException(family.name(), java.util.List.of(\"the spec's fixed header is struct "
                        + header + " of \" + " + struct + ".SIZE");
                s.line("        + \" bytes, the kernel's family has a fixed header of \" + family.headerSize() + \" bytes\"));");
                s.close("}");
                s.line("return new " + clientClass + "(connection, family);");
                s.close("}");
            }
        }
        s.line("");
        s.line("/** The connection requests go through. */");
        s.open("public GenlConnection connection() {");
        s.line("return connection;");
        s.close("}");
        s.line("");
        s.line("/** The family as the kernel registered it" + (spec.isNetlinkRaw() ? ": null, a netlink-raw family is not registered by name" : "") + ". */");
        s.open("public Family family() {");
        s.line("return family;");
        s.close("}");
        s.line("");
        s.line("/** How long a request waits for its reply (each part, for a dump). */");
        s.open("public Duration timeout() {");
        s.line("return timeout;");
        s.close("}");
        s.line("");
        s.line("/** Sets how long a request waits for its reply. */");
        s.open("public " + clientClass + " timeout(Duration timeout) {");
        s.line("this.timeout = Objects.requireNonNull(timeout, \"timeout\");");
        s.line("return this;");
        s.close("}");
        s.line("");
        if (!spec.isNetlinkRaw()) {
            s.line("/**");
            s.line(" * Checks the running kernel's family against the spec this client was generated from: its version, groups,");
            s.line(" * requests and, read with {@code CTRL_CMD_GETPOLICY}, each request attribute's kind and limits.");
            s.line(" *");
            s.line(" * @param everyOperation whether a request the kernel does not implement is a difference (yes for a module built");
            s.line(" *                       from this spec; no for a kernel family whose operations depend on the kernel's configuration)");
            s.line(" * @throws org.vnetnl.ynl.SchemaMismatchException naming each attribute that differs");
            s.line(" */");
            s.open("public void checkKernel(boolean everyOperation) throws NetlinkException {");
            s.line(familyClass + ".SCHEMA.check(connection, family, timeout, everyOperation);");
            s.close("}");
        }
        for (Map.Entry<String, String[]> r : requests.entrySet()) {
            // "operation/do" or "operation/dump"; an operation's name may hold a slash itself.
            int slash = r.getKey().lastIndexOf('/');
            String[] key = {r.getKey().substring(0, slash), r.getKey().substring(slash + 1)};
            SpecOperation op = spec.operation(key[0]);
            boolean dump = key[1].equals("dump");
            boolean ack = !dump && op.doMode().reply() == null;
            String flags = dump ? "NetlinkFlags.DUMP" : ack ? "NetlinkFlags.ACK" : "0";
            s.line("");
            if (dump && op.dumpMode() == null) {
                s.line("/**");
                s.line(" * Starts a {@code dump} request of {@code " + op.name() + "}, whose spec lists only {@code do}: the do's request");
                s.line(" * with NLM_F_DUMP, as iproute2 and {@code cli.py --dump} send it; a kernel without that dump refuses it.");
                s.line(" */");
            } else {
                s.line("/** Starts the {@code " + key[1] + "} request of {@code " + op.name() + "}. */");
            }
            s.open("public " + r.getValue()[0] + " " + r.getValue()[1] + "() {");
            String arguments = spec.isNetlinkRaw()
                    ? familyClass + ".Cmd." + commandConstant.get(op.name()) + ", " + flags + ", "
                            + (op.fixedHeader() == null ? "0" : structClass.get(op.fixedHeader()) + ".SIZE") + ", "
                            + r.getValue()[0] + ".OPERATION"
                    : "family, " + familyClass + ".Cmd." + commandConstant.get(op.name()) + ", " + flags + ", "
                            + r.getValue()[0] + ".OPERATION, " + (policyConstant.containsKey(r.getKey())
                            ? familyClass + ".Policy." + policyConstant.get(r.getKey()) : "null");
            String prepare = spec.isNetlinkRaw() ? "prepareRaw" : "prepare";
            s.line("return " + r.getValue()[1] + "Request.get().start(connection." + prepare + "(" + arguments + "));");
            s.close("}");
            if (!dump) {
                String reply = op.doMode().reply() == null ? null : readerClass.get(op.attributeSet());
                s.line("");
                s.line("/**");
                s.line(" * Adds a {@code do} request of {@code " + op.name() + "} to {@code batch}: set its attributes, add more, then");
                s.line(" * {@link GenlBatch#execute}. Entry {@code i}'s outcome is {@code batch.reply(i)}"
                        + (reply == null ? " ({@code null}: acknowledged)" : ", read with a {@link " + reply + "}") + ",");
                s.line(" * or the {@link NetlinkException} it throws. The same request object as {@link #" + r.getValue()[1]
                        + "()} on this thread: filled before its next request.");
                s.line(" *");
                s.line(" * @throws IllegalArgumentException if {@code batch} belongs to another connection, is full or has no room");
                s.line(" */");
                s.open("public " + r.getValue()[0] + " " + r.getValue()[1] + "(GenlBatch batch) {");
                s.line("requireOwn(batch, " + r.getValue()[0] + ".OPERATION);");
                s.line("return " + r.getValue()[1] + "Request.get().startInBatch(batch." + (spec.isNetlinkRaw() ? "addRaw" : "add")
                        + "(" + arguments + "));");
                s.close("}");
            }
        }
        if (requests.keySet().stream().anyMatch(k -> k.endsWith("/do"))) {
            s.line("");
            s.open("private void requireOwn(GenlBatch batch, String operation) {");
            s.open("if (batch.connection() != connection) {");
            s.line("throw new IllegalArgumentException(operation + \": the batch belongs to another connection than this client's\");");
            s.close("}");
            s.close("}");
        }
        for (Map.Entry<String, String> g : groupConstant.entrySet()) {
            s.line("");
            s.line("/** Joins the multicast group {@code " + g.getKey() + "}. */");
            s.open("public void " + members.member("join-" + g.getKey()) + "() throws NetlinkException {");
            if (spec.isNetlinkRaw()) {
                s.line("join(" + familyClass + ".Group." + g.getValue() + ");");
            } else {
                s.line("connection.joinGroup(family, " + familyClass + ".Mcgrp." + g.getValue() + ");");
            }
            s.close("}");
        }
        joinAndLeave(s);
        s.line("");
        s.line("/** Waits up to {@code timeout} for the next notification and hands it to its method of {@code handler}. */");
        s.open("public void receiveNotification(Duration timeout, Notifications handler) throws NetlinkException {");
        s.line("GenlMessage message = connection.receiveNotification(timeout);");
        // A netlink-raw message's type is its command; generic netlink's is the family id.
        s.open("switch (message." + (spec.isNetlinkRaw() ? "familyId" : "command") + "()) {");
        for (String[] n : notifications) {
            s.line("case " + familyClass + ".Cmd." + n[4] + " -> handler." + n[1] + "(" + n[3] + ".get().wrap(message));");
        }
        s.line("default -> handler.unknown(message);");
        s.close("}");
        s.close("}");
        s.close("}");
        return s.toString();
    }
}
