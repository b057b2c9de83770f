package org.vnetnl.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vnetnl.genl.AttributeIndex;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;

/**
 * Decoding fixed-size attributes, no I/O: a reply of {@value #ATTRIBUTES} attributes, types 1 to
 * {@value #ATTRIBUTES}, odd types u32 and even types u64, built once in native memory. The score is nanoseconds
 * <em>per attribute</em> ({@code @OperationsPerInvocation}): every invocation decodes the whole reply.
 *
 * <ul>
 *   <li>{@code walk}: one pass with {@code next()}, each attribute read by its type with {@code u32()} or
 *       {@code u64()}, as a hand-written decoder does.</li>
 *   <li>{@code index}: {@link AttributeIndex} records where each attribute is (one pass), then each is read by
 *       its slot, as the generated readers do; the counterpart of libnl's {@code nla_parse} and
 *       {@code nla_get_u32} / {@code nla_get_u64}.</li>
 *   <li>{@code segment}: no {@code AttributeReader}: c-hand's loop written against the {@link MemorySegment}
 *       directly (header and payload length checked, the value read by type), so the distance from it to
 *       {@code walk} is what the reader's own checks cost (a stale view, the current attribute, the byte order
 *       flag), and from it to c-hand what a bounds- and liveness-checked segment costs.</li>
 * </ul>
 *
 * <p>The C anchor, {@code bench/c/decode.c}, decodes the same bytes (the same layout and values, the same
 * checksum) with libnl and with a hand-written loop, and prints the same unit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FixedAttributeDecodeBenchmark {

    /** How many attributes the reply carries; bench/c/decode.c builds the same number. */
    public static final int ATTRIBUTES = 16;

    private static final int[] TYPES = new int[ATTRIBUTES];
    private static final String[] NAMES = new String[ATTRIBUTES];

    static {
        for (int slot = 0; slot < ATTRIBUTES; slot++) {
            TYPES[slot] = slot + 1;
            NAMES[slot] = "attr-" + (slot + 1);
        }
    }

    private Arena arena;
    private MemorySegment reply;
    private long replyLength;
    private final AttributeReader reader = new AttributeReader();
    private final AttributeIndex index = new AttributeIndex("fixed", TYPES, NAMES);

    /** The value of attribute {@code type}: as in decode.c, distinct and wider than 32 bits for the u64 ones. */
    static long valueOf(int type) {
        return (type & 1) != 0 ? 1000L * type + 7 : 0x1_0000_0000L * type + type;
    }

    @Setup(Level.Trial)
    public void build() {
        arena = Arena.ofConfined();
        reply = arena.allocate(512, 8);
        AttributeWriter writer = new AttributeWriter().wrap(reply, 0, reply.byteSize());
        long expected = 0;
        for (int type = 1; type <= ATTRIBUTES; type++) {
            if ((type & 1) != 0) {
                writer.putU32(type, (int) valueOf(type));
            } else {
                writer.putU64(type, valueOf(type));
            }
            expected += valueOf(type);
        }
        replyLength = writer.position();
        if (walk() != expected || index() != expected || segment() != expected) {
            throw new IllegalStateException("the decoder does not read back what was written");
        }
    }

    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /** The sum of every value read, so that nothing can be optimised away; decode.c prints the same sum. */
    @Benchmark
    @OperationsPerInvocation(ATTRIBUTES)
    public long walk() {
        AttributeReader attributes = reader.wrap(reply, 0, replyLength);
        long sum = 0;
        while (attributes.next()) {
            sum += (attributes.type() & 1) != 0 ? attributes.u32() : attributes.u64();
        }
        return sum;
    }

    /** c-hand's loop (bench/c/decode.c) on the segment: the floor of decoding through the FFM API. */
    @Benchmark
    @OperationsPerInvocation(ATTRIBUTES)
    public long segment() {
        MemorySegment bytes = reply;
        long at = 0;
        long remaining = replyLength;
        long sum = 0;
        while (remaining >= 4) {
            int header = bytes.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            int length = header & 0xFFFF;
            int type = (header >>> 16) & 0x3FFF;
            if (length < 4 || length > remaining) {
                throw new IllegalStateException("malformed attribute at " + at);
            }
            if ((type & 1) != 0) {
                if (length != 8) {
                    throw new IllegalStateException("not a u32 at " + at);
                }
                sum += Integer.toUnsignedLong(bytes.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4));
            } else {
                if (length != 12) {
                    throw new IllegalStateException("not a u64 at " + at);
                }
                sum += bytes.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 4);
            }
            long aligned = (length + 3) & ~3L;
            remaining -= aligned;
            at += aligned;
        }
        if (remaining != 0) {
            throw new IllegalStateException("trailing bytes");
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(ATTRIBUTES)
    public long index() {
        AttributeIndex attributes = index.wrap(reader.wrap(reply, 0, replyLength));
        long sum = 0;
        for (int slot = 0; slot < ATTRIBUTES; slot += 2) {
            sum += attributes.at(slot).u32() + attributes.at(slot + 1).u64();
        }
        return sum;
    }
}
