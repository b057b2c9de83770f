package org.vnetnl.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.bench.ffm.CHeaders;
import org.vnetnl.bench.ffm.nl_recvmsg_msg_cb_t;

/**
 * The classic libnl path, called from Java the way the original sample application calls it from C: per round
 * trip a message allocated by libnl ({@code nlmsg_alloc}, {@code genlmsg_put}, {@code nla_put_*}), sent with
 * {@code nl_send_auto} and freed, the reply received by {@code nl_recvmsgs_default} and handed to a Java upcall
 * ({@code nl_recvmsg_msg_cb_t}) that parses it with {@code genlmsg_parse}, then a second
 * {@code nl_recvmsgs_default} for the acknowledgement that libnl's default auto-ack asked for. libnl's defaults
 * are kept (auto-ack, MSG_PEEK), as in the sample and in the C baseline {@code c-libnl-default}, which makes the
 * same calls. It shows what the zero-copy path ({@link GenlRoundTripBenchmark}) saves.
 */
public class ClassicLibnlBenchmark extends RoundTripBenchmark {

    @Param({Payloads.NLCTRL, Payloads.VNET})
    public String target;

    private Arena arena;
    private MemorySegment socket = MemorySegment.NULL;
    private MemorySegment attributeTable;
    private MemorySegment requestString;
    private boolean echo;
    private int family;
    private int maxAttribute;
    private int replyAttribute;
    private int value;

    // Written by the upcall. An exception cannot cross back into libnl (the JVM would exit), so the upcall
    // records what went wrong and the benchmark method throws it.
    private int received;
    private boolean replied;
    private String replyProblem;

    @Setup(Level.Trial)
    public void open() {
        echo = Payloads.isVnet(target);
        arena = Arena.ofConfined();
        requestString = arena.allocateFrom(echo ? Payloads.ECHO_MESSAGE : Payloads.NLCTRL_FAMILY);
        maxAttribute = echo ? CHeaders.VNET_NL_ATTR_MAX() : CHeaders.CTRL_ATTR_MAX();
        replyAttribute = echo ? CHeaders.VNET_NL_ATTR_VALUE() : CHeaders.CTRL_ATTR_FAMILY_ID();
        attributeTable = arena.allocate(ADDRESS, maxAttribute + 1);

        socket = CHeaders.nl_socket_alloc();
        if (socket.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("nl_socket_alloc failed");
        }
        check(CHeaders.genl_connect(socket), "genl_connect");
        String familyName = echo ? Payloads.VNET_FAMILY : Payloads.NLCTRL_FAMILY;
        family = CHeaders.genl_ctrl_resolve(socket, arena.allocateFrom(familyName));
        check(family, "resolve family " + familyName);
        MemorySegment upcall = nl_recvmsg_msg_cb_t.allocate(this::onReply, arena);
        check(CHeaders.nl_socket_modify_cb(socket, CHeaders.NL_CB_VALID(), CHeaders.NL_CB_CUSTOM(), upcall,
                MemorySegment.NULL), "nl_socket_modify_cb");
    }

    @TearDown(Level.Trial)
    public void close() {
        if (!socket.equals(MemorySegment.NULL)) {
            CHeaders.nl_socket_free(socket);
        }
        arena.close();
    }

    @Benchmark
    public int roundTrip() {
        int sent = ++value;
        MemorySegment msg = CHeaders.nlmsg_alloc();
        if (msg.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("nlmsg_alloc failed");
        }
        int sendResult;
        try {
            if (echo) {
                putHeader(msg, CHeaders.VNET_NL_CMD_ECHO(), CHeaders.VNET_NL_FAMILY_VERSION());
                check(CHeaders.nla_put_string(msg, CHeaders.VNET_NL_ATTR_MSG(), requestString), "nla_put_string");
                check(CHeaders.nla_put_u32(msg, CHeaders.VNET_NL_ATTR_VALUE(), sent), "nla_put_u32");
                check(CHeaders.nla_put_u8(msg, CHeaders.VNET_NL_ATTR_FLAG(), (byte) Payloads.ECHO_FLAG),
                        "nla_put_u8");
            } else {
                putHeader(msg, CHeaders.CTRL_CMD_GETFAMILY(), Payloads.NLCTRL_VERSION);
                check(CHeaders.nla_put_string(msg, CHeaders.CTRL_ATTR_FAMILY_NAME(), requestString), "nla_put_string");
            }
            replied = false;
            sendResult = CHeaders.nl_send_auto(socket, msg);
        } finally {
            CHeaders.nlmsg_free(msg);
        }
        check(sendResult, "nl_send_auto");
        check(CHeaders.nl_recvmsgs_default(socket), "receive the reply");
        // auto-ack asked for an acknowledgement after the reply; libnl's default ACK handler stops there.
        check(CHeaders.nl_recvmsgs_default(socket), "receive the acknowledgement");
        if (replyProblem != null) {
            throw new IllegalStateException(replyProblem);
        }
        int expected = echo ? sent : family;
        if (!replied || received != expected) {
            throw new IllegalStateException(replied ? "reply carries " + Integer.toUnsignedString(received)
                    + ", expected " + Integer.toUnsignedString(expected) : "no reply to request " + sent);
        }
        return received;
    }

    private void putHeader(MemorySegment msg, int command, int version) {
        MemorySegment header = CHeaders.genlmsg_put(msg, CHeaders.NL_AUTO_PORT(), CHeaders.NL_AUTO_SEQ(), family, 0, 0,
                (byte) command, (byte) version);
        if (header.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("genlmsg_put failed");
        }
    }

    /** The NL_CB_VALID callback: what the sample's echo callback does, reading the one attribute measured. */
    private int onReply(MemorySegment msg, MemorySegment arg) {
        int rc = CHeaders.genlmsg_parse(CHeaders.nlmsg_hdr(msg), 0, attributeTable, maxAttribute, MemorySegment.NULL);
        if (rc < 0) {
            replyProblem = "malformed reply: " + libnlError(rc);
            return CHeaders.NL_STOP();
        }
        MemorySegment attribute = attributeTable.getAtIndex(ADDRESS, replyAttribute);
        if (attribute.equals(MemorySegment.NULL)) {
            replyProblem = "reply carries no attribute " + replyAttribute;
            return CHeaders.NL_STOP();
        }
        received = echo ? CHeaders.nla_get_u32(attribute)
                : Short.toUnsignedInt(CHeaders.nla_data(attribute).reinterpret(Short.BYTES).get(JAVA_SHORT, 0));
        replied = true;
        return CHeaders.NL_OK();
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: " + libnlError(rc));
        }
    }

    private static String libnlError(int rc) {
        return CHeaders.nl_geterror(rc).reinterpret(Long.MAX_VALUE).getString(0);
    }
}
