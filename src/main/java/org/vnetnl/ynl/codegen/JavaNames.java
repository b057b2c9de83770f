package org.vnetnl.ynl.codegen;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * How spec names become Java names, and how clashes are resolved; the rules are listed in {@link JavaGenerator}.
 * One instance per Java scope (a class's members, a package's classes): it remembers the names it handed out.
 */
final class JavaNames {

    /** Java's keywords and literals (JLS 3.9, 3.10): never an identifier, so never part of a package name either. */
    private static final Set<String> KEYWORDS = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
            "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
            "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
            "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "_");

    /** Keywords, contextual keywords, and names a generated member must not take from {@link Object}. */
    private static final Set<String> RESERVED = union(KEYWORDS, Set.of(
            "var", "yield", "record", "sealed", "permits", "non-sealed",
            "toString", "hashCode", "equals", "getClass", "notify", "notifyAll", "wait", "clone", "finalize"));

    private final Set<String> used = new HashSet<>();
    private final java.util.Map<String, String> given = new java.util.HashMap<>();

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** Whether {@code word} is a Java keyword or literal, which no identifier may be. */
    static boolean isKeyword(String word) {
        return KEYWORDS.contains(word);
    }

    JavaNames(String... taken) {
        used.addAll(Set.of(taken));
    }

    /** {@code dev-get} becomes {@code DevGet}; unique in this scope. */
    String type(String specName) {
        return unique(upperCamel(specName));
    }

    /** {@code dev-get} becomes {@code devGet}; unique in this scope. */
    String member(String specName) {
        String name = unique(lowerCamel(specName));
        given.put(specName, name);
        return name;
    }

    /** The member name {@link #member} gave {@code specName} in this scope, or null. */
    String existing(String specName) {
        return given.get(specName);
    }

    /** {@code dev-get} becomes {@code DEV_GET}; unique in this scope. */
    String constant(String specName) {
        return unique(constantCase(specName));
    }

    /** Takes {@code name} as it is (a fixed member such as {@code wrap}), failing if it is already used. */
    String fixed(String name) {
        if (!used.add(name)) {
            throw new IllegalStateException("generated name " + name + " used twice");
        }
        return name;
    }

    /** Reserves {@code name} so that spec names mapping to it are mangled. */
    void reserve(String name) {
        used.add(name);
    }

    /** A name not yet used: the name itself, else with {@code _}, {@code _2}, {@code _3}... appended. */
    private String unique(String name) {
        String candidate = RESERVED.contains(name) ? name + "_" : name;
        if (used.add(candidate)) {
            return candidate;
        }
        for (int n = 2; ; n++) {
            String numbered = name + "_" + n;
            if (used.add(numbered)) {
                return numbered;
            }
        }
    }

    static String upperCamel(String specName) {
        StringBuilder out = new StringBuilder();
        for (String part : parts(specName)) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return digitSafe(out.toString());
    }

    static String lowerCamel(String specName) {
        String upper = upperCamel(specName);
        if (upper.startsWith("_")) {
            return upper;
        }
        return Character.toLowerCase(upper.charAt(0)) + upper.substring(1);
    }

    static String constantCase(String specName) {
        return digitSafe(String.join("_", parts(specName)).toUpperCase(Locale.ROOT));
    }

    /** The words of a spec name: split at every character that cannot be part of a Java identifier. */
    private static String[] parts(String specName) {
        String[] parts = specName.split("[^A-Za-z0-9]+");
        java.util.List<String> kept = new java.util.ArrayList<>();
        for (String p : parts) {
            if (!p.isEmpty()) {
                kept.add(p);
            }
        }
        if (kept.isEmpty()) {
            kept.add("unnamed");
        }
        return kept.toArray(String[]::new);
    }

    private static String digitSafe(String name) {
        return Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    /** {@code text} as a Java string literal. */
    static String literal(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
