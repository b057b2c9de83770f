package org.vnetnl.ynl.codegen;

import java.util.List;
import java.util.Map;

import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecStruct;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/** Writes the request class of one operation's {@code do} or {@code dump}. */
final class RequestGenerator {

    private final JavaGenerator names;
    private final YnlSpec spec;
    private final String clientClass;
    private final Map<String, String> readerClass;
    private final Map<String, String> structClass;
    private final WriterGenerator writers;

    RequestGenerator(JavaGenerator names) {
        this.names = names;
        this.spec = names.spec;
        this.clientClass = names.clientClass;
        this.readerClass = names.readerClass;
        this.structClass = names.structClass;
        this.writers = new WriterGenerator(names);
    }

    /** Points the request's fixed header (and, for flags, the start of its message) at the bytes just prepared. */
    private static void startHeader(Src s, String header, boolean flags) {
        if (header != null) {
            // The connection wrote the netlink header (and the generic netlink one) and the fixed header's bytes,
            // zeroed and padded to 4, just before the attributes' position.
            s.line("header.wrap(out.segment(), out.position() - ((" + header + ".SIZE + 3) & ~3));");
        }
        if (flags) {
            s.line("this.messageStart = out.position() - " + (header == null ? "0" : "((" + header + ".SIZE + 3) & ~3)") + " - 16;");
        }
    }

    /** A setter on the request per member of its fixed header, and {@code header()} for the struct itself. */
    private void headerSetters(Src s, SpecStruct struct, String header, String cls, JavaNames members) {
        s.line("");
        s.line("/** The request's fixed header {@code " + struct.name() + "}, zeroed at the start, to fill in. */");
        s.open("public " + header + " header() {");
        s.line("return header;");
        s.close("}");
        for (Map.Entry<SpecStruct.Member, String[]> e : StructGenerator.memberNames(struct).entrySet()) {
            SpecStruct.Member m = e.getKey();
            if (m.type() == SpecType.BINARY && m.structName() != null) {
                continue;
            }
            String name = members.member(m.name());
            String type = m.type() == SpecType.BINARY ? "byte[]" : JavaGenerator.javaType(m.type());
            s.line("");
            s.line("/** Sets {@code " + m.name() + "} of the fixed header {@code " + struct.name() + "}. */");
            s.open("public " + cls + " " + name + "(" + type + " value) {");
            s.line("header." + e.getValue()[1] + "(value);");
            s.line("return this;");
            s.close("}");
        }
    }

    String request(SpecOperation op, SpecOperation.Mode mode, String cls, boolean dump) {
        AttributeSet set = spec.attributeSet(op.attributeSet());
        boolean hasReply = dump || mode.reply() != null;
        String reader = readerClass.get(set.name());
        JavaNames members = new JavaNames("start", "call", "dump", "client", "out", "reply", "handler", "forward", "attributes",
                "message", "batched", "startInBatch", "OPERATION");
        String operation = spec.name() + " " + op.name() + (dump ? " dump" : "");
        SpecStruct headerStruct = op.fixedHeader() == null ? null : spec.struct(op.fixedHeader());
        String header = headerStruct == null ? null : structClass.get(headerStruct.name());
        if (header != null) {
            members.reserve("header");
        }
        if (spec.isNetlinkRaw() && !dump) {
            members.reserve("messageStart");
            members.reserve("flag");
        }
        // NLM_F_CREATE and the like, which netlink-raw families read on their new/set requests.
        String[][] flags = spec.isNetlinkRaw() && !dump ? new String[][] {
            {members.member("create"), "CREATE", "create the object if it does not exist"},
            {members.member("excl"), "EXCL", "fail if the object exists"},
            {members.member("replace"), "REPLACE", "replace an existing object"},
            {members.member("append"), "APPEND", "add to the end of the object's list"}} : new String[0][];
        Src s = names.file();
        s.line("import org.vnetnl.genl.AttributeWriter;");
        if (dump) {
            s.line("import org.vnetnl.genl.DumpHandler;");
            s.line("import org.vnetnl.genl.DumpInterruptPolicy;");
            s.line("import org.vnetnl.genl.DumpResult;");
        }
        if (hasReply) {
            s.line("import org.vnetnl.genl.GenlMessage;");
        }
        s.line("import org.vnetnl.genl.NetlinkException;");
        if (flags.length > 0) {
            s.line("import org.vnetnl.genl.NetlinkFlags;");
        }
        s.line("");
        s.line("/**");
        s.line(" * The {@code " + (dump ? "dump" : "do") + "} request of {@code " + op.name() + "}: set its attributes, then "
                + (dump ? "{@link #dump}" : "{@link #call}") + ". Made by {@link " + clientClass + "} once per thread, reused for");
        s.line(" * every request of this kind on that thread; valid until the thread's next request on the connection.");
        s.line(" */");
        s.open("public final class " + cls + " {");
        s.line("");
        s.line("/** How errors name this request: the family and the operation" + (dump ? ", a dump" : "") + ". */");
        s.line("public static final String OPERATION = " + JavaNames.literal(operation) + ";");
        s.line("");
        s.line("private final " + clientClass + " client;");
        if (hasReply) {
            s.line("private final " + reader + " reply = new " + reader + "();");
        }
        s.line("private AttributeWriter out;");
        if (header != null) {
            s.line("private final " + header + " header = new " + header + "();");
        }
        if (flags.length > 0) {
            s.line("private long messageStart;");
        }
        if (hasReply && !dump) {
            s.line("/** The reply's message, this request object's own and never handed out: rewrapped by each call. */");
            s.line("private final GenlMessage view = new GenlMessage();");
        }
        if (!dump) {
            s.line("/** Whether this request was started in a {@code GenlBatch}, which sends it. */");
            s.line("private boolean batched;");
        }
        if (dump) {
            s.line("private " + clientClass + ".ReplyHandler<? super " + reader + "> handler;");
            s.open("private final DumpHandler forward = new DumpHandler() {");
            s.line("@Override");
            s.open("public void onMessage(GenlMessage message) throws NetlinkException {");
            s.line("handler.onReply(reply.wrap(message));");
            s.close("}");
            s.line("");
            s.line("@Override");
            s.open("public void onRestart() {");
            s.line("handler.onRestart();");
            s.close("}");
            s.close("};");
        }
        s.line("");
        s.open(cls + "(" + clientClass + " client) {");
        s.line("this.client = client;");
        s.close("}");
        s.line("");
        s.open(cls + " start(AttributeWriter out) {");
        s.line("this.out = out;");
        startHeader(s, header, flags.length > 0);
        if (!dump) {
            s.line("this.batched = false;");
        }
        s.line("return this;");
        s.close("}");
        if (!dump) {
            s.line("");
            s.open(cls + " startInBatch(AttributeWriter out) {");
            s.line("this.out = out;");
            startHeader(s, header, flags.length > 0);
            s.line("this.batched = true;");
            s.line("return this;");
            s.close("}");
        }
        if (header != null) {
            headerSetters(s, headerStruct, header, cls, members);
        }
        for (String[] flag : flags) {
            s.line("");
            s.line("/** Adds NLM_F_" + flag[1] + " to the request's flags: " + flag[2] + ". */");
            s.open("public " + cls + " " + flag[0] + "() {");
            s.line("return flag(NetlinkFlags." + flag[1] + ");");
            s.close("}");
        }
        if (flags.length > 0) {
            s.line("");
            s.open("private " + cls + " flag(int flag) {");
            s.line("java.lang.foreign.MemorySegment segment = out.segment();");
            s.line("short flags = segment.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, messageStart + 6);");
            s.line("segment.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, messageStart + 6, (short) (flags | flag));");
            s.line("return this;");
            s.close("}");
        }
        writers.setters(s, set, mode.request() == null ? List.of() : mode.request(), cls, "out", members);
        s.line("");
        s.line("/** The request's attributes, to append those the spec does not list (of a newer kernel, or invalid ones for tests). */");
        s.open("public AttributeWriter attributes() {");
        s.line("return out;");
        s.close("}");
        s.line("");
        if (dump) {
            s.line("/** Sends the dump request and calls {@code handler} with each reply, failing if the kernel marks the dump inconsistent. */");
            s.open("public DumpResult dump(" + clientClass + ".ReplyHandler<? super " + reader + "> handler) throws NetlinkException {");
            s.line("return dump(DumpInterruptPolicy.FAIL, handler);");
            s.close("}");
            s.line("");
            s.line("/** Sends the dump request and calls {@code handler} with each reply; {@code onInterrupt} decides about inconsistent dumps. */");
            s.open("public DumpResult dump(DumpInterruptPolicy onInterrupt, " + clientClass + ".ReplyHandler<? super " + reader
                    + "> handler) throws NetlinkException {");
            s.line("this.handler = handler;");
            s.open("try {");
            s.line("return client.connection().dump(client.timeout(), onInterrupt, forward);");
            s.closeOpen("} finally {");
            s.line("this.handler = null;");
            s.close("}");
            s.close("}");
        } else if (hasReply) {
            s.line("/**");
            s.line(" * Sends the request and returns its reply in a reader of its own, valid until this thread's next call on the");
            s.line(" * connection: its accessors then throw {@link IllegalStateException} rather than read another reply. Allocates");
            s.line(" * a small reader (sharing this request's index); {@link #call(" + reader + ")} reads into one of the caller's");
            s.line(" * and allocates nothing.");
            s.line(" */");
            s.open("public " + reader + " call() throws NetlinkException {");
            s.line("return call(client.timeout());");
            s.close("}");
            s.line("");
            s.line("/** As {@link #call()}, waiting at most {@code timeout}. */");
            s.open("public " + reader + " call(java.time.Duration timeout) throws NetlinkException {");
            s.line("return call(timeout, view, reply).share();");
            s.close("}");
            s.line("");
            s.line("/** As {@link #call()}, reading the reply with the caller's {@code into}, rewrapped and returned: no allocation. */");
            s.open("public " + reader + " call(" + reader + " into) throws NetlinkException {");
            s.line("return call(client.timeout(), view, into);");
            s.close("}");
            s.line("");
            s.line("/** As {@link #call(" + reader + ")}, waiting at most {@code timeout}. */");
            s.open("public " + reader + " call(java.time.Duration timeout, " + reader + " into) throws NetlinkException {");
            s.line("return call(timeout, view, into);");
            s.close("}");
            s.line("");
            s.line("/**");
            s.line(" * As {@link #call(java.time.Duration, " + reader + ")}, also pointing the caller's {@code message} at the reply,");
            s.line(" * for its netlink header (sequence number, flags). No allocation.");
            s.line(" */");
            s.open("public " + reader + " call(java.time.Duration timeout, GenlMessage message, " + reader + " into) throws NetlinkException {");
            s.line("java.util.Objects.requireNonNull(message, \"message\");");
            s.line("java.util.Objects.requireNonNull(into, \"into\");");
            s.open("if (batched) {");
            s.line("throw new IllegalStateException(OPERATION + \": this request was added to a GenlBatch: run it with\"");
            s.line("        + \" GenlBatch.execute() and read its outcome with GenlBatch.reply(int)\");");
            s.close("}");
            s.open("if (client.connection().transact(timeout, message) == null) {");
            s.line("throw new IllegalStateException(OPERATION + \": the kernel acknowledged without a reply\");");
            s.close("}");
            s.line("return into.wrap(message);");
            s.close("}");
        } else {
            s.line("/** Sends the request and waits for the kernel's acknowledgement. */");
            s.open("public void call() throws NetlinkException {");
            s.open("if (batched) {");
            s.line("throw new IllegalStateException(OPERATION + \": this request was added to a GenlBatch: run it with\"");
            s.line("        + \" GenlBatch.execute() and read its outcome with GenlBatch.reply(int)\");");
            s.close("}");
            s.line("client.connection().transact(client.timeout());");
            s.close("}");
        }
        s.close("}");
        return s.toString();
    }
}
