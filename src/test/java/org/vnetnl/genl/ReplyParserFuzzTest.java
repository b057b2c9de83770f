package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.vnetnl.internal.MessageHeader;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Fuzz tests of everything that reads what the kernel sends back: the datagram walk with NLMSG_ERROR (and its
 * extended acknowledgement), NLMSG_DONE and dump parts ({@link ReplyParser}), generic netlink messages and their
 * attributes ({@link GenlMessage}), the controller's family description ({@link Family#parse}), a policy dump
 * ({@link FamilyPolicy.Parser}) and the ancillary data naming a multicast group. Each input either parses or
 * fails with {@link MalformedMessageException}, or is a kernel error turned into a {@link NetlinkException}
 * that agrees with the bytes; anything else (an {@link IndexOutOfBoundsException}, an
 * {@link IllegalArgumentException}, a hang) is a finding.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/vnetnl/genl/ReplyParserFuzzTestInputs/<method>/}: replies captured from a real
 * kernel (nlctrl GETFAMILY reply, acknowledgement and dump, policy violations with extended acks, a missing
 * attribute, a policy dump) and hand-made malformed ones. To fuzz one method, for example for ten minutes:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -Dtest='ReplyParserFuzzTest#datagram' -Djazzer.max_duration=10m
 * </pre>
 */
class ReplyParserFuzzTest {

    private static final int NLMSG_ERROR = LibNl.NLMSG_ERROR();
    private static final int NLMSG_DONE = LibNl.NLMSG_DONE();
    private static final int NLMSG_MIN_TYPE = LibNl.NLMSG_MIN_TYPE();
    private static final int NLM_F_CAPPED = LibNl.NLM_F_CAPPED();

    private static final String OPERATION = "nlctrl CTRL_CMD_GETFAMILY";
    private static final int SEQUENCE = 7;

    private static final AttributePolicy REQUEST_SCHEMA = AttributePolicy.builder()
            .integer(AttributeKind.U16, LibNl.CTRL_ATTR_FAMILY_ID(), "CTRL_ATTR_FAMILY_ID")
            .string(LibNl.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME", LibNl.GENL_NAMSIZ() - 1)
            .nested(LibNl.CTRL_ATTR_OPS(), "CTRL_ATTR_OPS", AttributePolicy.builder().build())
            .build();

    /**
     * The request errors without an echoed request are taken to answer: the seeds' policy violation (a u16
     * family id at 20, the family name sent as a u32 at 28) plus a nested list at 36 holding one operation at 40
     * with its id at 44 and flags at 52, so that offsets can point into nested attributes.
     */
    private static final byte[] SENT_REQUEST = sentRequest();
    private static final ReplyParser.SentRequest SENT = new ReplyParser.SentRequest(
            MemorySegment.ofArray(SENT_REQUEST), MessageHeader.GENL_PAYLOAD, SENT_REQUEST.length, REQUEST_SCHEMA,
            OPERATION, SEQUENCE);

    /** Where each attribute of {@link #SENT_REQUEST} starts: offset, type, enclosing top-level type. */
    private static final int[][] SENT_ATTRIBUTES = {
            {20, LibNl.CTRL_ATTR_FAMILY_ID(), -1},
            {28, LibNl.CTRL_ATTR_FAMILY_NAME(), -1},
            {36, LibNl.CTRL_ATTR_OPS(), -1},
            {40, 1, LibNl.CTRL_ATTR_OPS()},
            {44, LibNl.CTRL_ATTR_OP_ID(), LibNl.CTRL_ATTR_OPS()},
            {52, LibNl.CTRL_ATTR_OP_FLAGS(), LibNl.CTRL_ATTR_OPS()},
    };

    /** The client's view of nlctrl's GETFAMILY policy, compared with whatever a fuzzed policy dump reports. */
    private static final AttributePolicy EXPECTED_POLICY = AttributePolicy.builder()
            .integer(AttributeKind.U16, LibNl.CTRL_ATTR_FAMILY_ID(), "CTRL_ATTR_FAMILY_ID")
            .string(LibNl.CTRL_ATTR_FAMILY_NAME(), "CTRL_ATTR_FAMILY_NAME", LibNl.GENL_NAMSIZ() - 1)
            .integer(AttributeKind.U32, LibNl.CTRL_ATTR_VERSION(), "CTRL_ATTR_VERSION", 0, 255)
            .nested(LibNl.CTRL_ATTR_OPS(), "CTRL_ATTR_OPS", AttributePolicy.builder()
                    .integer(AttributeKind.U32, LibNl.CTRL_ATTR_OP_ID(), "CTRL_ATTR_OP_ID")
                    .build())
            .build();

    // ---------------------------------------------------------------------------------------------------
    // A whole datagram, as transact and dump walk it

    /**
     * Walks arbitrary bytes as a datagram the way {@link GenlConnection#transact} and {@link GenlConnection#dump}
     * do: every message's bounds, the status of NLMSG_ERROR and NLMSG_DONE and, for an error, the exception with
     * its extended acknowledgement and the request attribute it points at; data messages are read as generic
     * netlink messages with their attributes.
     */
    @FuzzTest
    void datagram(byte[] data) {
        MemorySegment datagram = MemorySegment.ofArray(data);
        int end = data.length;
        for (int pos = 0; pos < end; ) {
            int length;
            try {
                length = ReplyParser.messageLength(datagram, pos, end);
            } catch (MalformedMessageException expected) {
                assertEquals(pos, expected.offset());
                assertEquals(-1, ReplyParser.wellFormedLength(datagram, pos, end));
                return;
            }
            assertEquals(length, ReplyParser.wellFormedLength(datagram, pos, end));
            assertTrue(length >= NetlinkAlignment.NLMSG_HDRLEN && length <= end - pos, "message within the datagram");
            int type = MessageHeader.type(datagram, pos);
            if (type == NLMSG_ERROR) {
                readError(datagram, pos, length);
            } else if (type == NLMSG_DONE) {
                int status = ReplyParser.doneStatus(datagram, pos, length);
                if (status != 0) {
                    checkKernelError(datagram, pos, length, -status, sentRequest(datagram, pos, length));
                }
            } else if (type >= NLMSG_MIN_TYPE) {
                readGenericMessage(datagram, pos, length);
            }
            int next = pos + NetlinkAlignment.nlmsgAlign(length);
            assertTrue(next > pos, "the walk advances");
            pos = next;
        }
    }

    private static void readError(MemorySegment datagram, int pos, int length) {
        int code;
        try {
            code = ReplyParser.errorCode(datagram, pos, length);
        } catch (MalformedMessageException expected) {
            assertTrue(length < MessageHeader.ERROR_REQUEST, expected.getMessage());
            assertEquals(pos, expected.offset());
            return;
        }
        if (code != 0) {
            checkKernelError(datagram, pos, length, -code, sentRequest(datagram, pos, length));
        }
    }

    /**
     * The request an error answers: the one echoed in full inside an uncapped NLMSG_ERROR when it is there (so
     * fuzzed requests are searched too), otherwise {@link #SENT_REQUEST}.
     */
    private static ReplyParser.SentRequest sentRequest(MemorySegment datagram, int pos, int length) {
        boolean error = MessageHeader.type(datagram, pos) == NLMSG_ERROR;
        boolean capped = (MessageHeader.flags(datagram, pos) & NLM_F_CAPPED) != 0;
        if (error && !capped && length >= MessageHeader.ERROR_REQUEST + MessageHeader.GENL_PAYLOAD) {
            int echoed = MessageHeader.length(datagram, pos + MessageHeader.ERROR_REQUEST);
            if (echoed >= MessageHeader.GENL_PAYLOAD && echoed <= length - MessageHeader.ERROR_REQUEST) {
                MemorySegment request = datagram.asSlice(pos + MessageHeader.ERROR_REQUEST, echoed);
                return new ReplyParser.SentRequest(request, MessageHeader.GENL_PAYLOAD, echoed, REQUEST_SCHEMA,
                        OPERATION, SEQUENCE);
            }
        }
        return SENT;
    }

    private static void checkKernelError(MemorySegment datagram, int pos, int length, int errno,
                                         ReplyParser.SentRequest request) {
        NetlinkException e = ReplyParser.kernelError(datagram, pos, length, errno, request);
        assertEquals(errno, e.errno());
        assertEquals(OPERATION, e.operation());
        assertEquals(SEQUENCE, e.sequence());
        assertNotNull(e.getMessage());

        ReplyParser.ExtendedAck ack = ReplyParser.extendedAck(datagram, pos, length);
        assertEquals(ack.message(), e.extAckMessage().orElse(null));
        assertEquals(ack.offset() < 0 ? OptionalInt.empty() : OptionalInt.of(ack.offset()), e.extAckOffset());
        assertEquals(ack.missingType() < 0 ? OptionalInt.empty() : OptionalInt.of(ack.missingType()),
                e.missingAttributeType());

        int offset = ack.offset();
        boolean inRequest = offset >= request.attributesStart() && offset < request.length();
        if (!inRequest) {
            assertTrue(e.attributeType().isEmpty(), "an offset outside the request names no attribute");
            return;
        }
        ReplyParser.AttributeLocation found = ReplyParser.locateAttribute(request.segment(),
                request.attributesStart(), request.length(), offset);
        if (request == SENT) {
            int[] expected = knownAttribute(offset);
            if (expected == null) {
                assertNull(found, "no attribute of the sent request starts at " + offset);
                assertTrue(e.attributeType().isEmpty());
            } else {
                assertEquals(new ReplyParser.AttributeLocation(expected[1], expected[2]), found);
                assertEquals(expected[1], e.attributeType().orElseThrow());
                String name = expected[2] < 0 ? REQUEST_SCHEMA.nameOf(expected[1])
                        : REQUEST_SCHEMA.nameOf(expected[2]) + "/type " + expected[1];
                assertEquals(name, e.attributeName().orElseThrow());
            }
        } else if (found != null) {
            // An echoed request: whatever was found is an attribute header of that type at that offset.
            int rawType = Short.toUnsignedInt(request.segment().get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + 2));
            assertEquals(rawType & AttributeReader.NLA_TYPE_MASK, found.type());
            assertEquals(found.type(), e.attributeType().orElseThrow());
        } else {
            assertTrue(e.attributeType().isEmpty());
        }
    }

    private static int[] knownAttribute(int offset) {
        for (int[] attribute : SENT_ATTRIBUTES) {
            if (attribute[0] == offset) {
                return attribute;
            }
        }
        return null;
    }

    /** Reads one data message as transact or dump hands it out, attributes at every depth included. */
    private static void readGenericMessage(MemorySegment datagram, int pos, int length) {
        GenlMessage message;
        try {
            message = new GenlMessage().wrap(datagram, pos, length, 0);
        } catch (MalformedMessageException expected) {
            assertTrue(length < MessageHeader.GENL_PAYLOAD, expected.getMessage());
            return;
        }
        assertEquals(MessageHeader.type(datagram, pos), message.familyId());
        assertEquals((message.flags() & LibNl.NLM_F_DUMP_INTR()) != 0, message.isDumpInterrupted());
        assertFalse(message.isNotification());
        readAllAttributes(message.attributes(), pos + MessageHeader.GENL_PAYLOAD, pos + length);
    }

    private static void readAllAttributes(AttributeReader reader, long start, long end) {
        try {
            while (reader.next()) {
                assertTrue(reader.offset() >= start && reader.payloadOffset() + reader.payloadLength() <= end,
                        "attribute within its range");
                if (reader.isNested() || reader.payloadLength() >= NetlinkAlignment.NLA_HDRLEN) {
                    readAllAttributes(reader.nested(), reader.payloadOffset(),
                            reader.payloadOffset() + reader.payloadLength());
                }
            }
        } catch (MalformedMessageException expected) {
            assertTrue(expected.offset() >= start && expected.offset() < end,
                    "offset " + expected.offset() + " outside " + start + ".." + end);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // One generic netlink message: the controller's family description

    /**
     * Wraps arbitrary bytes as one generic netlink message and parses it as the controller's description of a
     * family (the reply to CTRL_CMD_GETFAMILY or one part of its dump). When the declared length disagrees with
     * the input, the wrap must refuse it; the message is then read again with the length field corrected.
     */
    @FuzzTest
    void familyMessage(byte[] data) {
        MemorySegment segment = MemorySegment.ofArray(data);
        GenlMessage message = new GenlMessage();
        try {
            message.wrap(segment, 0, data.length, 0);
        } catch (MalformedMessageException expected) {
            assertEquals(0, expected.offset());
            if (data.length < MessageHeader.GENL_PAYLOAD) {
                return;
            }
            assertTrue(MessageHeader.length(segment, 0) != data.length, expected.getMessage());
            MessageHeader.setLength(segment, 0, data.length);
            message.wrap(segment, 0, data.length, 0);
        }
        assertEquals(data.length, message.length());
        assertTrue(message.toString().startsWith("GenlMessage[family=" + message.familyId() + ", command="
                + message.command()), message.toString());
        readAllAttributes(message.attributes(), MessageHeader.GENL_PAYLOAD, data.length);
        assertThrows(MalformedMessageException.class, () -> message.attributes(data.length));

        Family family;
        try {
            family = Family.parse(message);
        } catch (MalformedMessageException expected) {
            assertTrue(expected.offset() >= 0 && expected.offset() < data.length, expected.getMessage());
            return;
        }
        assertNotNull(family.name());
        assertTrue(family.id() >= 0 && family.id() <= 0xFFFF, "family ids are u16");
        for (Family.Operation operation : family.operations()) {
            assertTrue(operation.command() >= 0);
            assertEquals(operation.command(), family.operation(operation.command()).orElseThrow().command());
        }
        for (Map.Entry<String, Integer> group : family.multicastGroups().entrySet()) {
            assertTrue(group.getValue() > 0, "group ids are positive");
            assertEquals(group.getValue(), family.multicastGroup(group.getKey()).getAsInt());
        }
        assertTrue(family.toString().contains(family.name()), family.toString());
    }

    // ---------------------------------------------------------------------------------------------------
    // A policy dump

    /**
     * Feeds the data messages of an arbitrary datagram to the policy-dump parser, as {@link FamilyPolicy#read}
     * does, then builds the policy, describes every rule and compares it with a client's expected policy.
     */
    @FuzzTest
    void policyDump(byte[] data) {
        MemorySegment datagram = MemorySegment.ofArray(data);
        FamilyPolicy.Parser parser = new FamilyPolicy.Parser();
        GenlMessage message = new GenlMessage();
        int end = data.length;
        try {
            for (int pos = 0; pos < end; ) {
                int length = ReplyParser.messageLength(datagram, pos, end);
                int type = MessageHeader.type(datagram, pos);
                if (type == NLMSG_DONE) {
                    break;
                }
                if (type >= NLMSG_MIN_TYPE) {
                    parser.onMessage(message.wrap(datagram, pos, length, 0));
                }
                pos += NetlinkAlignment.nlmsgAlign(length);
            }
        } catch (MalformedMessageException expected) {
            assertTrue(expected.offset() >= 0 && expected.offset() < end, expected.getMessage());
            return;
        }
        FamilyPolicy policy = parser.policy("nlctrl", LibNl.CTRL_CMD_GETFAMILY());
        for (Map.Entry<Integer, FamilyPolicy.Table> table : policy.tables().entrySet()) {
            assertEquals(table.getKey(), table.getValue().index());
            for (Map.Entry<Integer, FamilyPolicy.Rule> rule : table.getValue().rules().entrySet()) {
                assertEquals(rule.getKey(), rule.getValue().type());
                assertTrue(rule.getValue().describe().startsWith(rule.getValue().kind().toString()),
                        rule.getValue().describe());
            }
            List<String> differences = policy.mismatches(table.getValue(), EXPECTED_POLICY);
            differences.forEach(difference -> assertTrue(difference.contains("CTRL_ATTR_"), difference));
        }
        assertEquals(parser.doPolicy.isPresent() && policy.tables().containsKey(parser.doPolicy.getAsInt()),
                policy.doPolicy().isPresent(), "the do policy is found exactly when the dump named a table it holds");
        assertTrue(policy.toString().startsWith("FamilyPolicy[nlctrl command " + LibNl.CTRL_CMD_GETFAMILY()),
                policy.toString());
        parser.onRestart();
        assertTrue(parser.policy("nlctrl", 3).tables().isEmpty(), "a restarted dump forgets the earlier parts");
    }

    // ---------------------------------------------------------------------------------------------------
    // Ancillary data

    /**
     * Reads arbitrary bytes as the control messages recvmsg returns: the NETLINK_PKTINFO group or 0, never a read
     * past the control length, and a control length beyond the buffer is clamped to it.
     */
    @FuzzTest
    void controlMessages(byte[] data) {
        MemorySegment control = MemorySegment.ofArray(data);
        int group = ReplyParser.packetInfoGroup(control, data.length);
        assertEquals(group, ReplyParser.packetInfoGroup(control, Long.MAX_VALUE));
        if (data.length > 0) {
            // Fewer bytes can only hide the group or find none: the walk never reads beyond the length given.
            int shorter = ReplyParser.packetInfoGroup(control, data.length - 1);
            assertTrue(shorter == group || shorter == 0, "group " + shorter + " from a truncated control area");
        }
        assertEquals(0, ReplyParser.packetInfoGroup(control, -1));
    }

    // ---------------------------------------------------------------------------------------------------

    private static byte[] sentRequest() {
        MemorySegment request = MemorySegment.ofArray(new byte[60]);
        MessageHeader.writeGenl(request, 0, LibNl.GENL_ID_CTRL(), LibNl.NLM_F_REQUEST(), SEQUENCE, 0,
                LibNl.CTRL_CMD_GETFAMILY(), 1);
        AttributeWriter writer = new AttributeWriter().wrap(request, MessageHeader.GENL_PAYLOAD,
                request.byteSize() - MessageHeader.GENL_PAYLOAD);
        writer.putU16(LibNl.CTRL_ATTR_FAMILY_ID(), LibNl.GENL_ID_CTRL());
        writer.putU32(LibNl.CTRL_ATTR_FAMILY_NAME(), 0x41414141);
        int operations = writer.beginNested(LibNl.CTRL_ATTR_OPS());
        int operation = writer.beginNested(1);
        writer.putU32(LibNl.CTRL_ATTR_OP_ID(), LibNl.CTRL_CMD_GETFAMILY());
        writer.putU32(LibNl.CTRL_ATTR_OP_FLAGS(), 0);
        writer.endNested(operation);
        writer.endNested(operations);
        MessageHeader.setLength(request, 0, (int) writer.position());
        if (writer.position() != request.byteSize()) {
            throw new AssertionError("the sent request is " + writer.position() + " bytes, expected 60");
        }
        return request.toArray(ValueLayout.JAVA_BYTE);
    }
}
