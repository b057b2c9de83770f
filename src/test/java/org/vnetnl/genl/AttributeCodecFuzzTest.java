package org.vnetnl.genl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.vnetnl.genl.AttributePolicy.AttributeSpec;


/**
 * Fuzz tests of the attribute codec. Each input either succeeds or fails with one of the documented
 * exceptions; anything else (an {@link IndexOutOfBoundsException}, a read outside the range, an
 * inconsistency between what was written and what is read) is a finding.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/vnetnl/genl/AttributeCodecFuzzTestInputs/<method>/}: hand-made seeds (valid
 * messages and one per kind of malformation or violation) and inputs the fuzzer found to widen coverage.
 * To fuzz one method (Jazzer fuzzes a single test per run), for example for ten minutes:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -Dtest='AttributeCodecFuzzTest#readAttributes' -Djazzer.max_duration=10m
 * </pre>
 * The growing corpus goes to {@code .cifuzz-corpus/}; a crashing input is written to this inputs
 * directory, where it becomes a regression test once committed.
 */
class AttributeCodecFuzzTest {

    private static final AttributePolicy STATS = AttributePolicy.builder()
            .integer(AttributeKind.U64, 1, "RX_PACKETS")
            .integer(AttributeKind.U64, 2, "TX_PACKETS", 0, 1_000_000)
            .integer(AttributeKind.S64, 3, "DELTA")
            .rejectUnknown()
            .build();

    private static final AttributePolicy POLICY = AttributePolicy.builder()
            .string(1, "MSG", 255)
            .integer(AttributeKind.U32, 2, "VALUE")
            .integer(AttributeKind.U8, 3, "FLAG", 0, 1)
            .integer(AttributeKind.U32, 4, "IFINDEX", 1, 0xFFFF_FFFFL)
            .string(5, "IFNAME", 15)
            .integer(AttributeKind.S8, 6, "LEVEL", -3, 3)
            .nested(7, "STATS", STATS)
            .binary(8, "PAD", 0, 4)
            .integer(AttributeKind.U16, 9, "PORT", 1, 0xFFFF)
            .integer(AttributeKind.S16, 10, "OFFSET", -300, 300)
            .integer(AttributeKind.S32, 11, "DELTA32")
            .flag(12, "ENABLED")
            .build();

    // ---------------------------------------------------------------------------------------------------
    // Reader: arbitrary bytes

    /** Decodes arbitrary bytes as attributes, calling every accessor on every attribute at every depth. */
    @FuzzTest
    void readAttributes(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = copy(arena, data);
            AttributeReader reader = new AttributeReader().wrap(segment, 0, segment.byteSize());
            try {
                readLevel(reader, 0, segment.byteSize());
            } catch (MalformedMessageException expected) {
                assertWithin(expected.offset(), 0, segment.byteSize());
            }
        }
    }

    private static void readLevel(AttributeReader reader, long start, long end) {
        long expectedOffset = start;
        while (reader.next()) {
            assertEquals(expectedOffset, reader.offset(), "attributes follow each other, 4-aligned");
            assertEquals(reader.offset() + 4, reader.payloadOffset());
            assertTrue(reader.payloadOffset() + reader.payloadLength() <= end, "payload within the range");
            assertEquals(reader.rawType() & 0x3FFF, reader.type());
            assertEquals((reader.rawType() & 0x8000) != 0, reader.isNested());
            assertEquals((reader.rawType() & 0x4000) != 0, reader.isNetByteOrder());
            exerciseAccessors(reader);
            AttributeReader nested = reader.nested();
            try {
                readLevel(nested, reader.payloadOffset(), reader.payloadOffset() + reader.payloadLength());
            } catch (MalformedMessageException expected) {
                assertWithin(expected.offset(), reader.payloadOffset(), reader.payloadOffset() + reader.payloadLength());
            }
            expectedOffset = reader.offset() + ((reader.payloadLength() + 4 + 3) & ~3);
        }
        assertFalse(reader.hasCurrent());
    }

    private static void exerciseAccessors(AttributeReader reader) {
        int size = reader.payloadLength();
        readsOnlyWithSize(size == 1, reader::u8);
        readsOnlyWithSize(size == 1, reader::s8);
        readsOnlyWithSize(size == 2, reader::u16);
        readsOnlyWithSize(size == 2, reader::s16);
        readsOnlyWithSize(size == 4, reader::u32);
        readsOnlyWithSize(size == 4, reader::u32AsInt);
        readsOnlyWithSize(size == 4, reader::s32);
        readsOnlyWithSize(size == 8, reader::u64);
        readsOnlyWithSize(size == 8, reader::s64);
        readsOnlyWithSize(size == 0, reader::flag);
        if (size == 4) {
            assertEquals(Integer.toUnsignedLong(reader.s32()), reader.u32());
        }
        byte[] payload = reader.bytesCopy();
        assertEquals(size, payload.length);
        assertEquals(size, reader.bytes().byteSize());
        int nul = indexOfNul(payload);
        if (nul < 0) {
            assertThrows(MalformedMessageException.class, reader::string);
            assertThrows(MalformedMessageException.class, reader::stringLength);
            assertThrows(MalformedMessageException.class, () -> reader.stringEquals(""));
        } else {
            assertEquals(nul, reader.stringLength());
            byte[] stringBytes = Arrays.copyOf(payload, nul);
            String decoded = reader.string();
            assertEquals(new String(stringBytes, StandardCharsets.UTF_8), decoded);
            boolean validUtf8 = Arrays.equals(stringBytes, decoded.getBytes(StandardCharsets.UTF_8));
            assertEquals(validUtf8, reader.stringEquals(decoded), "stringEquals agrees with the JDK's UTF-8");
            byte[] copied = new byte[nul];
            assertEquals(nul, reader.copyString(copied));
            assertArrayEquals(stringBytes, copied);
        }
    }

    private static void readsOnlyWithSize(boolean sizeMatches, Supplier<?> accessor) {
        if (sizeMatches) {
            accessor.get();
        } else {
            assertThrows(MalformedMessageException.class, accessor::get);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Policy: arbitrary bytes

    /**
     * Validates arbitrary bytes against a policy using every kind; whatever passes must then be readable
     * with the declared accessors, within the declared limits.
     */
    @FuzzTest
    void validateAgainstPolicy(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = copy(arena, data);
            AttributeReader reader = new AttributeReader().wrap(segment, 0, segment.byteSize());
            try {
                POLICY.validate(reader);
            } catch (PolicyViolationException expected) {
                assertWithin(expected.offset(), 0, segment.byteSize());
                String name = expected.attributeName();
                assertTrue(isDeclared(POLICY, name) || isDeclared(STATS, name)
                        || name.equals("type " + expected.attributeType()), expected.getMessage());
                return;
            } catch (MalformedMessageException expected) {
                assertWithin(expected.offset(), 0, segment.byteSize());
                return;
            }
            assertFalse(reader.hasCurrent(), "validate leaves the reader rewound");
            readAccordingToPolicy(reader, POLICY);
        }
    }

    private static boolean isDeclared(AttributePolicy policy, String name) {
        return policy.specs().stream().anyMatch(spec -> spec.name().equals(name));
    }

    private static void readAccordingToPolicy(AttributeReader reader, AttributePolicy policy) {
        while (reader.next()) {
            AttributeSpec spec = policy.spec(reader.type()).orElse(null);
            if (spec == null) {
                assertFalse(policy.rejectsUnknown(), "a strict policy let an unknown type through");
                continue;
            }
            AttributeKind kind = spec.kind();
            switch (kind) {
                case U8 -> assertInRange(spec, reader.u8());
                case U16 -> assertInRange(spec, reader.u16());
                case U32 -> assertInRange(spec, reader.u32());
                case U64 -> assertInRange(spec, reader.u64());
                case S8 -> assertInRange(spec, reader.s8());
                case S16 -> assertInRange(spec, reader.s16());
                case S32 -> assertInRange(spec, reader.s32());
                case S64 -> assertInRange(spec, reader.s64());
                case FLAG -> assertTrue(reader.flag());
                case NUL_STRING -> {
                    reader.string();
                    assertTrue(reader.stringLength() <= spec.maxLength());
                }
                case BINARY -> assertTrue(reader.payloadLength() >= spec.minLength()
                        && reader.payloadLength() <= spec.maxLength());
                case NESTED -> readAccordingToPolicy(reader.nested(), spec.nestedPolicy().orElseThrow());
                default -> fail("a policy declared kind " + kind + ", which it cannot validate");
            }
        }
    }

    private static void assertInRange(AttributeSpec spec, long value) {
        boolean signed = spec.kind().isSigned();
        int low = signed ? Long.compare(value, spec.min()) : Long.compareUnsigned(value, spec.min());
        int high = signed ? Long.compare(value, spec.max()) : Long.compareUnsigned(value, spec.max());
        assertTrue(low >= 0 && high <= 0, spec + " let " + value + " through");
    }

    // ---------------------------------------------------------------------------------------------------
    // Writer: random sequences of puts, read back

    /** One attribute the writer accepted, as the reader must find it again. */
    private record Written(int type, String kind, Object value, List<Written> children) {
    }

    /** Where the model expects the writer to be. */
    private static final class Model {
        final long start;
        final long limit;
        long position;
        final Deque<List<Written>> levels = new ArrayDeque<>();
        final Deque<Integer> tokens = new ArrayDeque<>();
        final Deque<Long> nestHeaders = new ArrayDeque<>();

        Model(long start, long capacity) {
            this.start = start;
            this.limit = start + capacity;
            this.position = start;
            levels.push(new ArrayList<>());
        }

        boolean fits(long payloadLength) {
            long limitNow = nestHeaders.isEmpty() ? limit : Math.min(limit, nestHeaders.peekLast() + 0xFFFF);
            return ((4 + payloadLength + 3) & ~3) <= limitNow - position;
        }
    }

    /**
     * Applies a random sequence of puts, nests and ends (valid and invalid) to a writer of random capacity,
     * predicting each outcome with an independent model, then reads everything back.
     */
    @FuzzTest
    void writeThenRead(FuzzedDataProvider data) {
        try (Arena arena = Arena.ofConfined()) {
            int capacity = data.consumeInt(0, 4096);
            int start = 4 * data.consumeInt(0, 4);
            MemorySegment segment = arena.allocate(start + capacity + 16);
            segment.fill((byte) 0x5A);
            AttributeWriter writer = new AttributeWriter().wrap(segment, start, capacity);
            Model model = new Model(start, capacity);
            int operations = data.consumeInt(0, 64);
            for (int i = 0; i < operations && data.remainingBytes() > 0; i++) {
                applyOne(data, writer, model);
                assertEquals(model.position, writer.position());
                assertEquals(model.tokens.size(), writer.depth());
            }
            while (!model.tokens.isEmpty()) {
                writer.endNested(model.tokens.pop());
                model.nestHeaders.pop();
                List<Written> children = model.levels.pop();
                model.levels.peek().getLast().children().addAll(children);
            }
            assertEquals(model.position - start, writer.length());
            for (long p = writer.position(); p < segment.byteSize(); p++) {
                assertEquals((byte) 0x5A, segment.get(ValueLayout.JAVA_BYTE, p), "written past the position");
            }
            AttributeReader reader = new AttributeReader().wrap(segment, start, writer.length());
            assertReadsBack(reader, model.levels.pop(), start + writer.length());
        }
    }

    private static void applyOne(FuzzedDataProvider data, AttributeWriter writer, Model model) {
        int op = data.consumeInt(0, 17);
        if (op == 16) {
            beginNested(data, writer, model);
            return;
        }
        if (op == 17) {
            endNested(data, writer, model);
            return;
        }
        int type = data.pickValue(new int[] {1, 2, 3, 100, 0x3FFF, 0, 0x4000, -1, data.consumeInt()});
        boolean validType = type >= 1 && type <= 0x3FFF;
        switch (op) {
            case 0 -> {
                int value = data.consumeInt(-2, 300);
                put(model, writer, type, validType && value >= 0 && value <= 0xFF, 1, "u8", value,
                        () -> writer.putU8(type, value));
            }
            case 1 -> {
                int value = data.consumeInt(-2, 70_000);
                put(model, writer, type, validType && value >= 0 && value <= 0xFFFF, 2, "u16", value,
                        () -> writer.putU16(type, value));
            }
            case 2 -> {
                int value = data.consumeInt(-2, 70_000);
                put(model, writer, type, validType && value >= 0 && value <= 0xFFFF, 2, "u16be", value,
                        () -> writer.putU16Be(type, value));
            }
            case 3 -> {
                int value = data.consumeInt();
                put(model, writer, type, validType && value >= 0, 4, "u32", value,
                        () -> writer.putU32(type, value));
            }
            case 4 -> {
                long value = data.consumeLong(-2, 0x1_0000_0001L);
                put(model, writer, type, validType && value >= 0 && value <= 0xFFFF_FFFFL, 4, "u32", value,
                        () -> writer.putU32(type, value));
            }
            case 5 -> {
                int value = data.consumeInt();
                put(model, writer, type, validType, 4, "u32be", Integer.toUnsignedLong(value),
                        () -> writer.putU32Be(type, value));
            }
            case 6 -> {
                long value = data.consumeLong();
                put(model, writer, type, validType, 8, "u64", value, () -> writer.putU64(type, value));
            }
            case 7 -> {
                long value = data.consumeLong();
                put(model, writer, type, validType, 8, "u64be", value, () -> writer.putU64Be(type, value));
            }
            case 8 -> {
                int value = data.consumeInt(-200, 200);
                put(model, writer, type, validType && value >= -128 && value <= 127, 1, "s8", value,
                        () -> writer.putS8(type, value));
            }
            case 9 -> {
                int value = data.consumeInt(-40_000, 40_000);
                put(model, writer, type, validType && value >= -32_768 && value <= 32_767, 2, "s16", value,
                        () -> writer.putS16(type, value));
            }
            case 10 -> {
                int value = data.consumeInt();
                put(model, writer, type, validType, 4, "s32", value, () -> writer.putS32(type, value));
            }
            case 11 -> {
                long value = data.consumeLong();
                put(model, writer, type, validType, 8, "s64", value, () -> writer.putS64(type, value));
            }
            case 12 -> put(model, writer, type, validType, 0, "flag", null, () -> writer.putFlag(type));
            case 13 -> {
                String text = data.consumeString(data.consumeInt(0, 300));
                boolean encodable = isEncodableCString(text);
                long length = encodable ? text.getBytes(StandardCharsets.UTF_8).length + 1 : 0;
                put(model, writer, type, validType && encodable, length, "string", text,
                        () -> writer.putString(type, text));
            }
            case 14 -> {
                byte[] bytes = data.consumeBytes(data.consumeInt(0, 300));
                put(model, writer, type, validType, bytes.length, "bytes", bytes, () -> writer.putBytes(type, bytes));
            }
            case 15 -> {
                byte[] bytes = data.consumeBytes(data.consumeInt(0, 300));
                put(model, writer, type, validType, bytes.length, "bytes", bytes,
                        () -> writer.putBytes(type, MemorySegment.ofArray(bytes)));
            }
            default -> throw new AssertionError(op);
        }
    }

    private static void put(Model model, AttributeWriter writer, int type, boolean valid, long payloadLength,
            String kind, Object value, Runnable put) {
        if (!valid) {
            assertThrows(IllegalArgumentException.class, put::run);
        } else if (!model.fits(payloadLength)) {
            assertThrows(IllegalStateException.class, put::run);
        } else {
            put.run();
            model.position += (4 + payloadLength + 3) & ~3;
            model.levels.peek().add(new Written(type, kind, value, new ArrayList<>()));
        }
    }

    private static void beginNested(FuzzedDataProvider data, AttributeWriter writer, Model model) {
        int type = data.pickValue(new int[] {1, 7, 0x3FFF, 0});
        if (type == 0) {
            assertThrows(IllegalArgumentException.class, () -> writer.beginNested(type));
        } else if (!model.fits(0)) {
            assertThrows(IllegalStateException.class, () -> writer.beginNested(type));
        } else {
            long header = model.position;
            int token = writer.beginNested(type);
            model.position += 4;
            model.levels.peek().add(new Written(type, "nested", null, new ArrayList<>()));
            model.levels.push(new ArrayList<>());
            model.tokens.push(token);
            model.nestHeaders.push(header);
        }
    }

    private static void endNested(FuzzedDataProvider data, AttributeWriter writer, Model model) {
        boolean useRightToken = data.consumeBoolean();
        if (model.tokens.isEmpty()) {
            assertThrows(IllegalStateException.class, () -> writer.endNested(0));
        } else if (!useRightToken) {
            int wrong = model.tokens.peek() + 1 + data.consumeInt(0, 5);
            assertThrows(IllegalStateException.class, () -> writer.endNested(wrong));
        } else {
            writer.endNested(model.tokens.pop());
            model.nestHeaders.pop();
            List<Written> children = model.levels.pop();
            model.levels.peek().getLast().children().addAll(children);
        }
    }

    private static void assertReadsBack(AttributeReader reader, List<Written> expected, long end) {
        for (Written attribute : expected) {
            assertTrue(reader.next(), "missing " + attribute);
            assertEquals(attribute.type(), reader.type());
            assertEquals(attribute.kind().endsWith("be"), reader.isNetByteOrder());
            assertEquals(attribute.kind().equals("nested"), reader.isNested());
            long paddingEnd = Math.min(end, reader.payloadOffset() + ((reader.payloadLength() + 3) & ~3));
            for (long p = reader.payloadOffset() + reader.payloadLength(); p < paddingEnd; p++) {
                assertEquals(0, reader.segment().get(ValueLayout.JAVA_BYTE, p), "padding at " + p);
            }
            switch (attribute.kind()) {
                case "u8" -> assertEquals(attribute.value(), reader.u8());
                case "u16", "u16be" -> assertEquals(attribute.value(), reader.u16());
                case "u32", "u32be" -> assertEquals(attribute.value(), reader.u32());
                case "u64", "u64be" -> assertEquals(attribute.value(), reader.u64());
                case "s8" -> assertEquals(attribute.value(), (int) reader.s8());
                case "s16" -> assertEquals(attribute.value(), (int) reader.s16());
                case "s32" -> assertEquals(attribute.value(), reader.s32());
                case "s64" -> assertEquals(attribute.value(), reader.s64());
                case "flag" -> assertTrue(reader.flag());
                case "string" -> {
                    assertEquals(attribute.value(), reader.string());
                    assertTrue(reader.stringEquals((String) attribute.value()));
                }
                case "bytes" -> assertArrayEquals((byte[]) attribute.value(), reader.bytesCopy());
                case "nested" -> assertReadsBack(reader.nested(), attribute.children(),
                        reader.payloadOffset() + reader.payloadLength());
                default -> fail(attribute.kind());
            }
        }
        assertFalse(reader.next(), "more attributes than written");
    }

    // ---------------------------------------------------------------------------------------------------

    private static MemorySegment copy(Arena arena, byte[] data) {
        MemorySegment segment = arena.allocate(Math.max(1, data.length));
        MemorySegment.copy(data, 0, segment, ValueLayout.JAVA_BYTE, 0, data.length);
        return segment.asSlice(0, data.length);
    }

    private static void assertWithin(long offset, long start, long end) {
        assertTrue(offset >= start && offset < end, "offset " + offset + " outside " + start + ".." + end);
    }

    private static int indexOfNul(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the JDK can encode {@code text} to UTF-8 exactly and a C string can hold it. */
    private static boolean isEncodableCString(String text) {
        return text.indexOf('\0') < 0
                && text.equals(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
