package org.vnetnl.ynl.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecSubMessage;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/**
 * Writes the members of a {@code sub-message} attribute (netlink-raw): its payload takes one of several formats,
 * chosen by the value of a selector attribute (rt_link's {@code data} by the link's {@code kind}, tc's
 * {@code options} by the qdisc's {@code kind}). A format is an attribute set, a fixed header, or a header followed
 * by a set.
 * <ul>
 *   <li>Readers get one {@code x(Target target)} per distinct set reader or header struct of the formats, which
 *       checks, when the selector is a string of the same set, that the selector names a format of that type.</li>
 *   <li>Writers get one method per format value: {@code beginXValue()} (a set: returns its writer, ended with
 *       {@code end()}), {@code xValue(H target)} (a header alone: returns it over the attribute's payload) or
 *       {@code beginXValue(H header)} (both).</li>
 * </ul>
 * The selector is an attribute of its own: a request sets it as it sets any other.
 */
final class SubMessageGenerator {

    private final YnlSpec spec;
    private final JavaGenerator names;

    SubMessageGenerator(YnlSpec spec, JavaGenerator names) {
        this.spec = spec;
        this.names = names;
    }

    /** The sets read after a fixed header somewhere, whose readers need {@code wrapNested(parent, headerLength)}. */
    static java.util.Set<String> setsAfterAHeader(YnlSpec spec) {
        java.util.Set<String> sets = new java.util.HashSet<>();
        for (SpecSubMessage m : spec.subMessages().values()) {
            for (SpecSubMessage.Format f : m.formats()) {
                if (f.fixedHeader() != null && f.attributeSet() != null) {
                    sets.add(f.attributeSet());
                }
            }
        }
        return sets;
    }

    /** The formats of {@code a}, grouped by what reads them: a set reader or a header struct class. */
    private Map<String, List<SpecSubMessage.Format>> byReader(SpecAttribute a, boolean header) {
        Map<String, List<SpecSubMessage.Format>> out = new LinkedHashMap<>();
        for (SpecSubMessage.Format f : spec.subMessage(a.subMessage()).formats()) {
            String cls = header ? (f.fixedHeader() == null ? null : names.structClass(f.fixedHeader()))
                    : (f.attributeSet() == null ? null : names.readerClass(f.attributeSet()));
            if (cls != null) {
                out.computeIfAbsent(cls, k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    void reader(Src s, AttributeSet set, SpecAttribute a, int slot, String name, JavaNames members,
                Map<SpecAttribute, Integer> slots) {
        SpecAttribute selector = a.selector() == null ? null : set.attribute(a.selector()).orElse(null);
        boolean checked = selector != null && selector.type() == SpecType.STRING && slots.containsKey(selector);
        String check = members.member("require-" + a.name() + "-format");
        s.line("");
        s.line("/** The bytes of {@code " + a.name() + "}, valid as long as this reader's bytes. */");
        s.open("public java.lang.foreign.MemorySegment " + name + "() {");
        s.line("return view().at(" + slot + ").bytes();");
        s.close("}");
        for (Map.Entry<String, List<SpecSubMessage.Format>> r : byReader(a, false).entrySet()) {
            SpecSubMessage.Format f = r.getValue().get(0);
            s.line("");
            s.line("/** {@code " + a.name() + "} as {@code " + f.attributeSet() + "} (" + a.selector() + " " + values(r.getValue())
                    + "), read with {@code target}. */");
            s.open("public " + r.getKey() + " " + name + "(" + r.getKey() + " target) {");
            if (checked) {
                s.line(check + "(" + literals(r.getValue()) + ");");
            }
            s.line("return target.wrapNested(view().at(" + slot + ")" + (f.fixedHeader() == null ? ""
                    : ", " + names.structClass(f.fixedHeader()) + ".SIZE") + ");");
            s.close("}");
        }
        for (Map.Entry<String, List<SpecSubMessage.Format>> r : byReader(a, true).entrySet()) {
            s.line("");
            s.line("/** The fixed header of {@code " + a.name() + "} (" + a.selector() + " " + values(r.getValue())
                    + "), viewed through {@code target}. */");
            s.open("public " + r.getKey() + " " + name + "(" + r.getKey() + " target) {");
            if (checked) {
                s.line(check + "(" + literals(r.getValue()) + ");");
            }
            s.line("AttributeReader payload = view().at(" + slot + ");");
            s.line("return target.wrap(payload.segment(), payload.payloadOffset(), payload.payloadLength(), this.index);");
            s.close("}");
        }
        if (checked) {
            int sel = slots.get(selector);
            s.line("");
            s.open("private void " + check + "(String... formats) {");
            s.open("if (view().has(" + sel + ")) {");
            s.open("for (String format : formats) {");
            s.open("if (view().at(" + sel + ").stringEquals(format)) {");
            s.line("return;");
            s.close("}");
            s.close("}");
            s.close("}");
            s.line("throw new IllegalStateException(" + JavaNames.literal(a.name() + " is of " + a.selector() + " ")
                    + " + (view().has(" + sel + ") ? view().at(" + sel + ").string() : \"(absent)\") + \", not \" + String.join(\" or \", formats));");
            s.close("}");
        }
    }

    void writer(Src s, AttributeSet set, SpecAttribute a, String returnType, String out, JavaNames members) {
        String type = names.attrConstant(set.name(), a.name());
        Map<String, String> fields = new LinkedHashMap<>();
        for (SpecSubMessage.Format f : spec.subMessage(a.subMessage()).formats()) {
            String header = f.fixedHeader() == null ? null : names.structClass(f.fixedHeader());
            String writer = f.attributeSet() == null ? null : names.writerClass(f.attributeSet());
            String what = "{@code " + a.name() + "} of " + a.selector() + " " + f.value();
            s.line("");
            if (writer == null && header == null) {
                s.line("/** Sets " + what + ", which is empty. */");
                s.open("public " + returnType + " " + members.member(a.name() + "-" + f.value()) + "() {");
                s.line(out + ".endNested(" + out + ".beginNested(" + type + "));");
                s.line("return this;");
                s.close("}");
                continue;
            }
            if (writer == null) {
                s.line("/** Sets " + what + ", the struct " + f.fixedHeader() + ": returns {@code target} over it, zeroed, to fill in. */");
                s.open("public " + header + " " + members.member(a.name() + "-" + f.value()) + "(" + header + " target) {");
                s.line("long at = " + out + ".position();");
                s.line(out + ".putBytes(" + type + ", " + header + ".ZEROS);");
                s.line("return target.wrap(" + out + ".segment(), at + 4);");
                s.close("}");
                continue;
            }
            String field = fields.get(writer);
            if (field == null) {
                field = members.member(a.name() + "-" + f.attributeSet() + "-writer");
                fields.put(writer, field);
                s.line("private " + writer + " " + field + ";");
                s.line("");
            }
            String begin = members.member("begin-" + a.name() + "-" + f.value());
            if (header == null) {
                s.line("/** Begins " + what + " (set " + f.attributeSet() + "); end it with the returned writer's {@code end()}. */");
                s.open("public " + writer + " " + begin + "() {");
            } else {
                s.line("/** Begins " + what + ": {@code header} is wrapped over its struct " + f.fixedHeader()
                        + ", zeroed, to fill in; then set " + f.attributeSet() + ", ended with the returned writer's {@code end()}. */");
                s.open("public " + writer + " " + begin + "(" + header + " header) {");
            }
            s.open("if (" + field + " == null) {");
            s.line(field + " = new " + writer + "();");
            s.close("}");
            s.line("int token = " + out + ".beginNested(" + type + ");");
            if (header != null) {
                s.line("long at = " + out + ".position();");
                s.line(out + ".putUnframed(" + header + ".ZEROS);");
                s.line("header.wrap(" + out + ".segment(), at);");
            }
            s.line("return " + field + ".open(" + out + ", token);");
            s.close("}");
        }
    }

    private static String values(List<SpecSubMessage.Format> formats) {
        return String.join(", ", formats.stream().map(SpecSubMessage.Format::value).toList());
    }

    private static String literals(List<SpecSubMessage.Format> formats) {
        return String.join(", ", formats.stream().map(f -> JavaNames.literal(f.value())).toList());
    }
}
