package org.vnetnl.ynl.codegen;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/** Writes the writer of one attribute set, and the typed setters requests share with it. */
final class WriterGenerator {

    private final JavaGenerator names;
    private final YnlSpec spec;
    private final Map<String, String> enumClass;
    private final Map<String, String> writerClass;

    WriterGenerator(JavaGenerator names) {
        this.names = names;
        this.spec = names.spec;
        this.enumClass = names.enumClass;
        this.writerClass = names.writerClass;
    }

    String writer(AttributeSet set) {
        String cls = writerClass.get(set.name());
        JavaNames members = new JavaNames("wrap", "open", "end", "out", "token");
        Src s = names.file();
        s.line("import org.vnetnl.genl.AttributeWriter;");
        s.line("");
        s.line("/** Writes attributes of the set {@code " + set.name() + "} through an {@link AttributeWriter}. Not thread-safe. */");
        s.open("public final class " + cls + " {");
        s.line("");
        s.line("private AttributeWriter out;");
        s.line("private int token = -1;");
        List<String[]> children = new ArrayList<>();
        for (SpecAttribute a : ReaderGenerator.accessible(set)) {
            if (a.type() == SpecType.NEST) {
                String field = members.member(a.name() + "-writer");
                children.add(new String[] {writerClass.get(a.nestedAttributes()), field});
                s.line("private " + writerClass.get(a.nestedAttributes()) + " " + field + ";");
            }
        }
        s.line("");
        s.line("/** Writes into {@code out} at its position. */");
        s.open("public " + cls + " wrap(AttributeWriter out) {");
        s.line("this.out = out;");
        s.line("this.token = -1;");
        s.line("return this;");
        s.close("}");
        s.line("");
        s.open(cls + " open(AttributeWriter out, int token) {");
        s.line("this.out = out;");
        s.line("this.token = token;");
        s.line("return this;");
        s.close("}");
        s.line("");
        s.line("/** Ends the nest this writer was begun for. */");
        s.open("public void end() {");
        s.open("if (token < 0) {");
        s.line("throw new IllegalStateException(\"this " + cls + " writes no nest\");");
        s.close("}");
        s.line("int t = token;");
        s.line("token = -1;");
        s.line("out.endNested(t);");
        s.close("}");
        setters(s, set, ReaderGenerator.accessible(set).stream().map(SpecAttribute::name).toList(), cls, "out", members);
        s.close("}");
        return s.toString();
    }

    /** One setter per attribute (two for an enum: number and entry); {@code beginX()} for a nest. */
    void setters(Src s, AttributeSet set, List<String> attributeNames, String returnType, String out,
                         JavaNames members) {
        java.util.Set<String> done = new java.util.HashSet<>();
        for (String attributeName : attributeNames) {
            // A request's list may name a member of its fixed header (rt_addr's ifa-index), set through the
            // header's setters, and may name an attribute twice (rt_link's newlink names group twice).
            SpecAttribute a = set.attribute(attributeName).orElse(null);
            if (a == null || !done.add(attributeName) || a.type() == SpecType.PAD || a.type() == SpecType.UNUSED
                    || a.type() == SpecType.INDEXED_ARRAY || a.type() == SpecType.NEST_TYPE_VALUE) {
                continue;
            }
            if (a.type() == SpecType.SUB_MESSAGE) {
                new SubMessageGenerator(spec, names).writer(s, set, a, returnType, out, members);
                continue;
            }
            String type = names.attrConstant(set.name(), a.name());
            String name = members.member(a.type() == SpecType.NEST ? "begin-" + a.name() : a.name());
            s.line("");
            switch (a.type()) {
                case FLAG -> {
                    s.line("/** Sets the flag {@code " + a.name() + "}. */");
                    s.open("public " + returnType + " " + name + "() {");
                    s.line(out + ".putFlag(" + type + ");");
                }
                case STRING -> {
                    s.line("/** Sets {@code " + a.name() + "}. */");
                    s.open("public " + returnType + " " + name + "(CharSequence value) {");
                    s.line(out + ".putString(" + type + ", value);");
                }
                case BINARY -> {
                    s.line("/** Sets {@code " + a.name() + "}. */");
                    s.open("public " + returnType + " " + name + "(byte[] value) {");
                    s.line(out + ".putBytes(" + type + ", value);");
                    s.line("return this;");
                    s.close("}");
                    s.line("");
                    s.line("/** Sets {@code " + a.name() + "}. */");
                    s.open("public " + returnType + " " + name + "(java.lang.foreign.MemorySegment value) {");
                    s.line(out + ".putBytes(" + type + ", value);");
                }
                case BITFIELD32 -> {
                    s.line("/** Sets {@code " + a.name() + "}: the bits of {@code value} that {@code selector} names. */");
                    s.open("public " + returnType + " " + name + "(int value, int selector) {");
                    s.line(out + ".putBitfield32(" + type + ", value, selector);");
                }
                case NEST -> {
                    String child = writerClass.get(a.nestedAttributes());
                    String field = members.existing(a.name() + "-writer");
                    if (field == null) {
                        // A request's nests: the writer is created once, on first use, and reused.
                        field = members.member(a.name() + "-writer");
                        s.line("private " + child + " " + field + ";");
                        s.line("");
                    }
                    s.line("/** Begins the nest {@code " + a.name() + "}; end it with the returned writer's {@code end()}. */");
                    s.open("public " + child + " " + name + "() {");
                    s.open("if (" + field + " == null) {");
                    s.line(field + " = new " + child + "();");
                    s.close("}");
                    s.line("return " + field + ".open(" + out + ", " + out + ".beginNested(" + type + "));");
                    s.close("}");
                    continue;
                }
                default -> {
                    s.line("/** Sets {@code " + a.name() + "}, " + a.type().yamlName() + ". */");
                    s.open("public " + returnType + " " + name + "(" + JavaGenerator.javaType(a.type()) + " value) {");
                    s.line(writeExpression(a.type(), a.byteOrder(), out, type, "value") + ";");
                    SpecEnum e = a.enumName() == null ? null : spec.enums().get(a.enumName());
                    if (e != null && !e.flags() && !a.enumAsFlags()) {
                        s.line("return this;");
                        s.close("}");
                        String ec = enumClass.get(e.name());
                        s.line("");
                        s.line("/** Sets {@code " + a.name() + "} to an entry of {@link " + ec + "}. */");
                        s.open("public " + returnType + " " + name + "(" + ec + " value) {");
                        String cast = JavaGenerator.javaType(a.type()).equals("long") ? "" : "(" + JavaGenerator.javaType(a.type()) + ") ";
                        s.line(writeExpression(a.type(), a.byteOrder(), out, type, cast + "value.value()") + ";");
                    }
                }
            }
            s.line("return this;");
            s.close("}");
        }
    }

    private static String writeExpression(SpecType type, ByteOrder order, String w, String t, String v) {
        String o = order == null ? "" : ", " + JavaGenerator.order(order);
        return switch (type) {
            case U8 -> w + ".putU8(" + t + ", " + v + ")";
            case U16 -> w + ".putU16(" + t + ", " + v + o + ")";
            case U32 -> w + ".putU32(" + t + ", " + v + o + ")";
            case U64 -> w + ".putU64(" + t + ", " + v + o + ")";
            case S8 -> w + ".putS8(" + t + ", " + v + ")";
            case S16 -> order == null ? w + ".putS16(" + t + ", " + v + ")" : w + ".putU16(" + t + ", (" + v + ") & 0xFFFF" + o + ")";
            case S32 -> order == null ? w + ".putS32(" + t + ", " + v + ")" : w + ".putU32(" + t + ", (" + v + ") & 0xFFFFFFFFL" + o + ")";
            case S64 -> order == null ? w + ".putS64(" + t + ", " + v + ")" : w + ".putU64(" + t + ", " + v + o + ")";
            case UINT -> order == null ? w + ".putUint(" + t + ", " + v + ")" : w + ".putU64(" + t + ", " + v + o + ")";
            case SINT -> w + ".putSint(" + t + ", " + v + ")";
            default -> throw new IllegalArgumentException(type.yamlName());
        };
    }
}
