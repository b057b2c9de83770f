package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.vnetnl.ynl.codegen.JavaGenerator;

/**
 * Fuzz test of what is built from a spec: the loader, the schema ({@link SpecSchema#of}) and the Java generator.
 * A spec either loads or fails with a {@link MalformedSpecException} naming its line; a loaded spec gives its
 * schema, and generated code or a {@link MalformedSpecException} naming the construct the generator does not
 * support. Anything else (a stack overflow, an arithmetic or index exception, an illegal argument from the policy
 * classes) is a finding.
 *
 * <p>{@code mvn verify} replays the committed inputs under
 * {@code src/test/resources/org/vnetnl/ynl/SpecFuzzTestInputs/loadSpec/}: the hostile specs of the issue (YAML nested
 * thousands deep, numbers past their range, structs that contain themselves or cannot fit, sets nested in
 * themselves) and a few valid ones. To fuzz for a minute:
 * <pre>
 * JAZZER_FUZZ=1 mvn test -Dtest='SpecFuzzTest#loadSpec' -Djazzer.max_duration=60s
 * </pre>
 */
class SpecFuzzTest {

    @FuzzTest
    void loadSpec(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.UTF_8);
        YnlSpec spec;
        try {
            spec = SpecLoader.load(Path.of("fuzz.yaml"), new StringReader(text));
        } catch (MalformedSpecException expected) {
            assertTrue(expected.getMessage().startsWith("fuzz.yaml:"), expected.getMessage());
            return;
        }
        SpecSchema.of(spec);
        for (String struct : spec.structs().keySet()) {
            assertTrue(spec.structSize(struct) >= 0, struct);
        }
        try {
            JavaGenerator.generate(spec, "org.vnetnl.fuzz");
        } catch (MalformedSpecException unsupported) {
            assertTrue(unsupported.getMessage().startsWith("fuzz.yaml:"), unsupported.getMessage());
        }
    }
}
