package org.vnetnl.ynl.codegen;

/** Java source text with four-space indentation. */
final class Src {
    private final StringBuilder text = new StringBuilder();
    int depth;

    void line(String line) {
        if (!line.isEmpty()) {
            text.append("    ".repeat(depth)).append(line);
        }
        text.append('\n');
    }

    void open(String line) {
        line(line);
        depth++;
    }

    void close(String line) {
        depth--;
        line(line);
    }

    void closeOpen(String line) {
        depth--;
        line(line);
        depth++;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
