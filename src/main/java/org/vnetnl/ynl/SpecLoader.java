package org.vnetnl.ynl;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.vnetnl.internal.OptionalModule;

/**
 * Reads a YNL spec of a generic netlink family into a {@link YnlSpec}, with the semantics of the kernel's
 * {@code tools/net/ynl/lib/nlspec.py}: attribute and operation numbers counted on from the last explicit
 * {@code value}, subsets sharing their parent's attributes, flags as bit positions. Keys are checked against
 * the schema's vocabulary and every reference (enum, struct, attribute set, attribute, const, group) is resolved,
 * so a malformed spec fails here naming its file, line and key instead of misbehaving later. Numbers are read
 * exactly and checked against what they become on the wire (a command is one byte, an attribute type 14 bits, a
 * flag a bit of 64), and struct sizes against what a message can hold, so that nothing is truncated later; YAML
 * nested deeper than {@value #MAX_NESTING} levels is refused before it is built.
 *
 * <p>It reads YAML with SnakeYAML Engine ({@code org.snakeyaml:snakeyaml-engine}), an optional dependency of the
 * library: a program that loads specs adds it to its own (on the module path, {@code requires
 * org.snakeyaml.engine}); without it, loading fails with an {@link IllegalStateException} saying so.
 */
public final class SpecLoader {

    /** The deepest YAML nesting read; the kernel's specs nest 6 levels, and deeper text would exhaust the stack. */
    static final int MAX_NESTING = 64;

    private SpecLoader() {}

    /** Loads the spec in {@code file}. */
    public static YnlSpec load(Path file) throws IOException {
        OptionalModule.YAML.require("loading a YNL spec");
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return SpecYamlReader.load(file, reader);
        }
    }

    /** Loads a spec from {@code reader}; {@code file} names it in error messages. */
    public static YnlSpec load(Path file, Reader reader) throws IOException {
        OptionalModule.YAML.require("loading a YNL spec");
        return SpecYamlReader.load(file, reader);
    }
}
