package org.vnetnl.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;

/**
 * Decoding a reply of {@value #ATTRIBUTES} attributes with {@link AttributeReader}, no I/O: the attribute area
 * is built once in native memory, then every invocation walks it with {@code next()} and reads each attribute
 * with its typed accessor, as a client decoding a reply does. Two strings (copied into a reused array), two u8,
 * two u32 and two u64. The report divides ns/op by {@value #ATTRIBUTES} for ns per attribute.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AttributeDecodeBenchmark {

    /** How many attributes the decoded reply carries; the report uses it for ns per attribute. */
    public static final int ATTRIBUTES = 8;

    // The layout of a small status reply; the numbers only need to be distinct.
    private static final int MESSAGE = 1;
    private static final int VALUE = 2;
    private static final int FLAG = 3;
    private static final int INDEX = 4;
    private static final int NAME = 5;
    private static final int UP = 6;
    private static final int RX_PACKETS = 7;
    private static final int TX_PACKETS = 8;

    private Arena arena;
    private MemorySegment reply;
    private long replyLength;
    private final AttributeReader reader = new AttributeReader();
    private final byte[] text = new byte[256];

    @Setup(Level.Trial)
    public void build() {
        arena = Arena.ofConfined();
        reply = arena.allocate(512, 8);
        AttributeWriter writer = new AttributeWriter().wrap(reply, 0, reply.byteSize());
        writer.putString(MESSAGE, Payloads.ECHO_MESSAGE)
                .putU32(VALUE, 0xC0FFEE)
                .putU8(FLAG, 1)
                .putU32(INDEX, 7)
                .putString(NAME, "vnet0")
                .putU8(UP, 1)
                .putU64(RX_PACKETS, 123_456_789_012L)
                .putU64(TX_PACKETS, 987_654_321_098L);
        replyLength = writer.position();
        if (decode() != expected()) {
            throw new IllegalStateException("the decoder does not read back what was written");
        }
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /** Returns a checksum of everything read, so that nothing can be optimised away. */
    @Benchmark
    public long decode() {
        AttributeReader attributes = reader.wrap(reply, 0, replyLength);
        long sum = 0;
        int seen = 0;
        while (attributes.next()) {
            seen++;
            sum += switch (attributes.type()) {
                case MESSAGE, NAME -> attributes.copyString(text) + text[0];
                case VALUE, INDEX -> attributes.u32();
                case FLAG, UP -> attributes.u8();
                case RX_PACKETS, TX_PACKETS -> attributes.u64();
                default -> throw new IllegalStateException("unexpected attribute " + attributes.type());
            };
        }
        return sum * 31 + seen;
    }

    private static long expected() {
        long strings = Payloads.ECHO_MESSAGE.length() + 'v' + "vnet0".length() + 'v';
        return (strings + 0xC0FFEE + 1 + 7 + 1 + 123_456_789_012L + 987_654_321_098L) * 31 + ATTRIBUTES;
    }
}
