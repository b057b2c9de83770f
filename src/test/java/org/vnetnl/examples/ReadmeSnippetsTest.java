package org.vnetnl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Keeps the README's API tour honest: every Java block marked {@code <!-- tour: FILE#NAME -->} must be, line for
 * line, the region between {@code // tour:NAME} and {@code // end} of FILE, a test that the build compiles and runs.
 */
class ReadmeSnippetsTest {

    private static final Pattern MARKED_BLOCK =
            Pattern.compile("<!-- tour: (\\S+)#(\\S+) -->\\s*\\n```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyTourSnippetIsCompiledCode() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher block = MARKED_BLOCK.matcher(readme);
        int checked = 0;
        while (block.find()) {
            Path source = Path.of(block.group(1));
            List<String> region = region(Files.readAllLines(source), block.group(2), source);
            assertEquals(String.join("\n", region), block.group(3).stripTrailing(),
                    "README snippet " + block.group(1) + "#" + block.group(2) + " differs from the code");
            checked++;
        }
        assertTrue(checked >= 5, "expected the README to show at least 5 tour snippets, found " + checked);
    }

    /** The lines between the markers, with the indentation they share removed. */
    private static List<String> region(List<String> lines, String name, Path source) {
        List<String> region = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.equals("// tour:" + name)) {
                inside = true;
            } else if (inside && trimmed.equals("// end")) {
                break;
            } else if (inside) {
                region.add(line);
            }
        }
        assertFalse(region.isEmpty(), "no region tour:" + name + " in " + source);
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
