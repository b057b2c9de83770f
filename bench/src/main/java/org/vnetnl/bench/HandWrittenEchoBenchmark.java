package org.vnetnl.bench;

import java.time.Duration;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.genl.AttributeKind;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.uapi.VnetNlUapi;

/**
 * The baseline of {@link VnetEchoBenchmark}: the ECHO round trip as {@code VnetClient} did it by hand before it
 * was built on the code generated from {@code vnet_nl.yaml}, kept here as it was, on the public
 * {@link GenlConnection} API. The request is written into the send buffer with the hand-typed request policy
 * (for the names in errors), the reply's family and command are checked, and the reply view makes one pass over
 * the attributes remembering MSG's offset and VALUE's and FLAG's values, with the client's generation check on
 * every accessor. bench/run runs both in one JMH run with the same settings and reports whether the generated
 * path's p50 is within 1.05x of this one.
 */
public class HandWrittenEchoBenchmark extends RoundTripBenchmark {

    private static final String OPERATION = "vnet_nl ECHO";
    private static final int CMD_ECHO = VnetNlUapi.VNET_NL_CMD_ECHO();

    private HandWrittenEcho client;
    private long value;

    @Setup(Level.Trial)
    public void open() throws NetlinkException {
        client = new HandWrittenEcho(GenlConnection.open());
    }

    @TearDown(Level.Trial)
    public void close() {
        client.close();
    }

    @Benchmark
    public long echo() throws NetlinkException {
        long sent = value = (value + 1) & 0xFFFF_FFFFL;
        HandWrittenEcho.Reply reply = client.echo(Payloads.ECHO_MESSAGE, sent, Payloads.ECHO_FLAG != 0,
                Payloads.TIMEOUT);
        if (!reply.hasValue() || reply.value() != sent) {
            throw new IllegalStateException("ECHO did not return VALUE " + sent);
        }
        return sent;
    }

    /** The old client's echo path: prepare, three puts, transact, reply check, one-pass reply view. */
    static final class HandWrittenEcho {

        static final int ATTR_MSG = VnetNlUapi.VNET_NL_ATTR_MSG();
        static final int ATTR_VALUE = VnetNlUapi.VNET_NL_ATTR_VALUE();
        static final int ATTR_FLAG = VnetNlUapi.VNET_NL_ATTR_FLAG();

        // The request schema as the old VnetSchema typed it: the ECHO attributes with the module's limits.
        static final AttributePolicy REQUEST_ATTRIBUTES = AttributePolicy.builder()
                .string(ATTR_MSG, "VNET_NL_ATTR_MSG", VnetNlUapi.VNET_NL_MSG_MAX_LEN())
                .integer(AttributeKind.U32, ATTR_VALUE, "VNET_NL_ATTR_VALUE")
                .integer(AttributeKind.U8, ATTR_FLAG, "VNET_NL_ATTR_FLAG", 0, VnetNlUapi.VNET_NL_BOOL_MAX())
                .build();

        private final GenlConnection connection;
        private final Family family;
        private final Reply reply = new Reply(this);
        private final Thread owner = Thread.currentThread();
        private long generation;
        private boolean closed;

        HandWrittenEcho(GenlConnection connection) throws NetlinkException {
            this.connection = connection;
            this.family = connection.family(VnetNlUapi.VNET_NL_FAMILY_NAME().getString(0));
        }

        Reply echo(CharSequence message, long value, boolean flag, Duration timeout) throws NetlinkException {
            nextGeneration();                       // prepareEcho()
            AttributeWriter writer = connection.prepare(family, CMD_ECHO, 0, OPERATION, REQUEST_ATTRIBUTES);
            writer.putString(ATTR_MSG, message);
            writer.putU32(ATTR_VALUE, value);
            writer.putU8(ATTR_FLAG, flag ? 1 : 0);
            long current = nextGeneration();        // sendEcho()
            GenlMessage received = connection.transact(timeout);
            if (received == null) {
                throw new IllegalStateException("the module acknowledged without a reply");
            }
            if (received.familyId() != family.id() || received.command() != CMD_ECHO) {
                throw new IllegalStateException("expected a reply of family " + family.id() + " command " + CMD_ECHO
                        + ", got family " + received.familyId() + " command " + received.command());
            }
            return reply.wrap(received, current);
        }

        private long nextGeneration() {
            if (Thread.currentThread() != owner) {
                throw new WrongThreadException("this client belongs to thread \"" + owner.getName() + "\"");
            }
            if (closed) {
                throw new IllegalStateException("the client is closed");
            }
            return ++generation;
        }

        void close() {
            connection.close();
            closed = true;
        }

        boolean isCurrent(long viewGeneration) {
            return !closed && viewGeneration == generation;
        }

        /** The old EchoReply: one pass over the attributes, then reads from what it remembered. */
        static final class Reply {
            private final HandWrittenEcho client;
            private long generation = -1;
            private GenlMessage message;
            private long messageAt = -1;
            private int messageSize;
            private long value;
            private boolean hasValue;
            private int flag;
            private boolean hasFlag;

            Reply(HandWrittenEcho client) {
                this.client = client;
            }

            Reply wrap(GenlMessage reply, long generation) {
                this.message = reply;
                this.generation = generation;
                messageAt = -1;
                hasValue = false;
                hasFlag = false;
                AttributeReader attributes = reply.attributes();
                while (attributes.next()) {
                    int type = attributes.type();
                    if (type == ATTR_MSG) {
                        attributes.stringLength();
                        messageAt = attributes.offset();
                        messageSize = (int) (attributes.payloadOffset() + attributes.payloadLength() - messageAt);
                    } else if (type == ATTR_VALUE) {
                        value = attributes.u32();
                        hasValue = true;
                    } else if (type == ATTR_FLAG) {
                        flag = attributes.u8();
                        hasFlag = true;
                    }
                }
                return this;
            }

            private void checkValid() {
                if (!client.isCurrent(generation)) {
                    throw new IllegalStateException("this reply is no longer valid");
                }
            }

            boolean hasValue() {
                checkValid();
                return hasValue;
            }

            long value() {
                checkValid();
                if (!hasValue) {
                    throw new java.util.NoSuchElementException("the reply has no VNET_NL_ATTR_VALUE");
                }
                return value;
            }

            boolean flag() {
                checkValid();
                return hasFlag && flag != 0;
            }
        }
    }
}
