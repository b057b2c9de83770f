package org.vnetnl.ynl.codegen;

import org.vnetnl.ynl.SpecAttribute;

/**
 * Writes the reader members of a {@code nest-type-value} attribute: a nest whose entries are keyed by their
 * attribute type rather than named (nlctrl's {@code op-policy}, keyed by op id; its {@code policy}, keyed by
 * policy id and then attribute id). One level gives {@code xCount()}, {@code xKey(index)} (named after the
 * level, e.g. {@code opPolicyOpId}) and {@code x(index, target)}; two levels add the inner count, key and entry
 * with a second index. Deeper nests are refused by the generator.
 */
final class TypeValueGenerator {

    private final JavaGenerator names;

    TypeValueGenerator(JavaGenerator names) {
        this.names = names;
    }

    void reader(Src s, SpecAttribute a, int slot, String name, JavaNames members) {
        String child = names.readerClass(a.nestedAttributes());
        String outer = a.typeValue().isEmpty() ? "key" : a.typeValue().get(0);
        s.line("");
        s.line("/** The number of entries of {@code " + a.name() + "}, nests keyed by " + outer + ". */");
        s.open("public int " + members.member(a.name() + "-count") + "() {");
        s.line("return view().itemCount(" + slot + ");");
        s.close("}");
        s.line("");
        s.line("/** The " + outer + " of entry {@code index} of {@code " + a.name() + "}. */");
        s.open("public int " + members.member(a.name() + "-" + outer) + "(int index) {");
        s.line("return view().item(" + slot + ", index).type();");
        s.close("}");
        if (a.typeValue().size() < 2) {
            s.line("");
            s.line("/** Entry {@code index} of {@code " + a.name() + "}, read with {@code target}. */");
            s.open("public " + child + " " + name + "(int index, " + child + " target) {");
            s.line("return target.wrapNested(view().item(" + slot + ", index));");
            s.close("}");
            return;
        }
        String inner = a.typeValue().get(1);
        String entries = members.member(a.name() + "-entries");
        String entry = members.member(a.name() + "-entry");
        s.line("private final AttributeReader " + entries + " = new AttributeReader();");
        s.line("");
        s.line("/** The number of entries inside entry {@code index} of {@code " + a.name() + "}, keyed by " + inner + ". */");
        s.open("public int " + members.existing(a.name() + "-count") + "(int index) {");
        s.line("view().item(" + slot + ", index).nested(" + entries + ");");
        s.line("int n = 0;");
        s.open("while (" + entries + ".next()) {");
        s.line("n++;");
        s.close("}");
        s.line("return n;");
        s.close("}");
        s.line("");
        s.line("/** The " + inner + " of entry {@code inner} inside entry {@code index} of {@code " + a.name() + "}. */");
        s.open("public int " + members.member(a.name() + "-" + inner) + "(int index, int inner) {");
        s.line("return " + entry + "(index, inner).type();");
        s.close("}");
        s.line("");
        s.line("/** Entry {@code inner} inside entry {@code index} of {@code " + a.name() + "}, read with {@code target}. */");
        s.open("public " + child + " " + name + "(int index, int inner, " + child + " target) {");
        s.line("return target.wrapNested(" + entry + "(index, inner));");
        s.close("}");
        s.line("");
        s.open("private AttributeReader " + entry + "(int index, int inner) {");
        s.line("view().item(" + slot + ", index).nested(" + entries + ");");
        s.open("for (int k = 0; k <= inner; k++) {");
        s.open("if (inner < 0 || !" + entries + ".next()) {");
        s.line("throw new IndexOutOfBoundsException(" + JavaNames.literal(a.name() + " entry ") + " + index + \" has no entry \" + inner);");
        s.close("}");
        s.close("}");
        s.line("return " + entries + ";");
        s.close("}");
    }
}
