package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * Fuzz test of a JSON request on its way to the wire: {@link YnlClient#parse} and {@link RequestEncoder} against a
 * spec with every kind of attribute the encoder writes. Each input is either written or refused with one
 * {@link IllegalArgumentException} whose message is one line; anything else (a null pointer, a class cast, an
 * index out of bounds, a name lookup) is a finding.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/vnetnl/ynl/client/RequestFuzzTestInputs/encodeJson/}: JSON null, values of the wrong
 * kind, text after the object, keys given twice, addresses that are not literals, and valid requests. To fuzz for a
 * minute:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -Dtest='RequestFuzzTest#encodeJson' -Djazzer.max_duration=60s
 * </pre>
 */
class RequestFuzzTest {

    private static final String SPEC = """
            name: fuzz
            protocol: genetlink
            definitions:
              - { type: enum, name: colour, entries: [ red, green, blue ] }
              - { type: flags, name: opts, entries: [ fast, safe, loud ] }
              - type: struct
                name: pair
                members:
                  - { name: a, type: u16 }
                  - { name: pad, type: pad, len: 2 }
                  - { name: b, type: u32, byte-order: big-endian, display-hint: ipv4 }
                  - { name: m, type: binary, len: 6, display-hint: mac }
            attribute-sets:
              - name: main
                attributes:
                  - { name: family-name, type: string, checks: { max-len: 15 } }
                  - { name: id, type: u32, checks: { min: 1 } }
                  - { name: colour, type: u8, enum: colour }
                  - { name: opts, type: u32, enum: opts }
                  - { name: addr, type: u32, byte-order: big-endian, display-hint: ipv4 }
                  - { name: inner, type: nest, nested-attributes: main }
                  - { name: tag, type: s16, multi-attr: true }
                  - { name: pair, type: binary, struct: pair }
                  - { name: v6, type: binary, display-hint: ipv6 }
                  - { name: id-uuid, type: binary, display-hint: uuid }
                  - { name: big, type: uint }
                  - { name: small, type: sint }
                  - { name: bits, type: bitfield32, enum: opts }
                  - { name: up, type: flag }
                  - { name: raw, type: binary, checks: { max-len: 32 } }
            operations:
              list:
                - name: get
                  attribute-set: main
                  do:
                    request:
                      attributes: [ family-name, id, colour, opts, addr, inner, tag, pair, v6, id-uuid, big, small,
                                    bits, up, raw ]
            """;

    private static final YnlSpec FUZZ;

    static {
        try {
            FUZZ = SpecLoader.load(Path.of("fuzz.yaml"), new StringReader(SPEC));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    void encodeJson(byte[] data) {
        String json = new String(data, StandardCharsets.UTF_8);
        MemorySegment buffer = MemorySegment.ofArray(new byte[AttributeWriter.MAX_PAYLOAD_LENGTH]);
        AttributeWriter w = new AttributeWriter().wrap(buffer, 0, buffer.byteSize());
        try {
            new RequestEncoder(FUZZ).encode(w, "main", JsonRequest.parse(json), null, null);
        } catch (IllegalArgumentException refused) {
            String message = refused.getMessage();
            assertTrue(message != null && !message.isBlank(), "a refusal says why");
        } catch (IllegalStateException full) {
            // The writer's documented refusal of a request larger than its buffer.
            assertTrue(full.getMessage().contains("bytes"), full.getMessage());
        }
    }
}
