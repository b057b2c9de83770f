package org.vnetnl.ynl;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A YNL spec that cannot be read: not YAML, a missing or unknown key, a value of the wrong kind, or a reference to
 * a definition, attribute set or attribute that does not exist. Names the file, the line (1-based) and the key.
 */
public final class MalformedSpecException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String key;

    public MalformedSpecException(Path file, int line, String key, String problem) {
        super(file + ":" + (line > 0 ? line : "?") + ": " + (key == null ? "" : "'" + key + "': ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /** The spec file. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the offending key or value, 0 when unknown. */
    public int line() {
        return line;
    }

    /** The offending key (e.g. {@code attribute-sets[2].attributes[0].type}), or null for the whole file. */
    public String key() {
        return key;
    }
}
