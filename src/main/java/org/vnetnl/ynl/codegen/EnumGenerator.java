package org.vnetnl.ynl.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.YnlSpec;

/** Writes the Java enum of one {@code enum} or {@code flags} definition. */
final class EnumGenerator {

    private final JavaGenerator names;
    private final YnlSpec spec;
    private final Map<String, String> enumClass;

    EnumGenerator(JavaGenerator names) {
        this.names = names;
        this.spec = names.spec;
        this.enumClass = names.enumClass;
    }

    String enumeration(SpecEnum e) {
        String cls = enumClass.get(e.name());
        Src s = names.file();
        s.line("/** The " + (e.flags() ? "flags" : "enum") + " {@code " + e.name() + "}. */");
        s.open("public enum " + cls + " {");
        JavaNames entries = new JavaNames("VALUES", "ALL");
        List<String> lines = new ArrayList<>();
        long all = 0;
        for (SpecEnum.Entry entry : e.entries()) {
            long value = e.wireValue(entry, false);
            all |= value;
            lines.add(entries.constant(entry.name()) + "(" + JavaNames.literal(entry.name()) + ", " + value + "L)");
        }
        for (int i = 0; i < lines.size(); i++) {
            s.line(lines.get(i) + (i == lines.size() - 1 ? ";" : ","));
        }
        if (lines.isEmpty()) {
            s.line(";");
        }
        s.line("");
        if (e.flags()) {
            s.line("/** Every bit of these flags. */");
            s.line("public static final long ALL = " + all + "L;");
            s.line("");
        }
        s.line("private static final " + cls + "[] VALUES = values();");
        s.line("private final String specName;");
        s.line("private final long value;");
        s.line("");
        s.open(cls + "(String specName, long value) {");
        s.line("this.specName = specName;");
        s.line("this.value = value;");
        s.close("}");
        s.line("");
        s.line("/** The name in the spec. */");
        s.open("public String specName() {");
        s.line("return specName;");
        s.close("}");
        s.line("");
        s.line("/** The number on the wire" + (e.flags() ? ": this flag's bit" : "") + ". */");
        s.open("public long value() {");
        s.line("return value;");
        s.close("}");
        if (e.flags()) {
            s.line("");
            s.line("/** Whether this flag is set in {@code mask}. */");
            s.open("public boolean isSetIn(long mask) {");
            s.line("return (mask & value) != 0;");
            s.close("}");
        }
        s.line("");
        s.line("/** The entry whose wire number is {@code value}, or null. */");
        s.open("public static " + cls + " of(long value) {");
        s.open("for (" + cls + " e : VALUES) {");
        s.open("if (e.value == value) {");
        s.line("return e;");
        s.close("}");
        s.close("}");
        s.line("return null;");
        s.close("}");
        s.close("}");
        return s.toString();
    }
}
