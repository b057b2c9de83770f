package org.vnetnl.ynl.codegen;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/** Writes the reader of one attribute set: a flyweight that indexes the attributes once and reads them in place. */
final class ReaderGenerator {

    private final JavaGenerator names;
    private final YnlSpec spec;
    private final Map<String, String> enumClass;
    private final Map<String, String> readerClass;
    private final Map<String, String> structClass;
    private final Map<String, String> headerOf;
    private final java.util.Set<String> setsAfterAHeader;

    ReaderGenerator(JavaGenerator names) {
        this.names = names;
        this.spec = names.spec;
        this.enumClass = names.enumClass;
        this.readerClass = names.readerClass;
        this.structClass = names.structClass;
        this.headerOf = names.headerOf;
        this.setsAfterAHeader = names.setsAfterAHeader;
    }

    /** The attributes a reader or writer has members for: all but pads and unused numbers. */
    static List<SpecAttribute> accessible(AttributeSet set) {
        return set.attributes().stream().filter(a -> a.type() != SpecType.PAD && a.type() != SpecType.UNUSED).toList();
    }

    String reader(AttributeSet set) {
        String cls = readerClass.get(set.name());
        List<SpecAttribute> attrs = accessible(set);
        JavaNames members = new JavaNames("wrap", "wrapNested", "view", "share", "TYPES", "NAMES", "SET");
        String header = headerOf.get(set.name()) == null ? null : structClass.get(headerOf.get(set.name()));
        if (header != null) {
            members.reserve("header");
            members.reserve("HEADERS");
            members.reserve("hasHeader");
        }
        Src s = names.file();
        s.line("import org.vnetnl.genl.AttributeIndex;");
        s.line("import org.vnetnl.genl.AttributeReader;");
        s.line("import org.vnetnl.genl.GenlMessage;");
        s.line("");
        s.line("/**");
        s.line(" * Reads the attribute set {@code " + set.name() + "} in place: {@code wrap} indexes the attributes in one pass,");
        s.line(" * the accessors read from the recorded offsets. Valid as long as the bytes it wraps: a reader over a");
        s.line(" * connection's receive buffer fails once the connection received again. Not thread-safe.");
        s.line(" */");
        s.open("public final class " + cls + " {");
        s.line("");
        StringBuilder typeList = new StringBuilder();
        StringBuilder nameList = new StringBuilder();
        for (SpecAttribute a : attrs) {
            typeList.append(typeList.length() == 0 ? "" : ", ").append(names.attrConstant(set.name(), a.name()));
            nameList.append(nameList.length() == 0 ? "" : ", ").append(JavaNames.literal(a.name()));
        }
        s.line("private static final int[] TYPES = {" + typeList + "};");
        s.line("private static final String[] NAMES = {" + nameList + "};");
        s.line("/** The set's tables, built once: each reader's index shares them (a reader made per reply stays cheap). */");
        s.line("private static final AttributeIndex SET = new AttributeIndex(" + JavaNames.literal(set.name()) + ", TYPES, NAMES);");
        s.line("/** Where each attribute is: this reader's own, or shared with the reader it was {@code share()}d from. */");
        s.line("private final AttributeIndex index;");
        s.line("/** The index's wrap this reader shows: once the index shows another message, this reader fails. */");
        s.line("private long shown;");
        Map<SpecAttribute, String> names = new LinkedHashMap<>();
        for (SpecAttribute a : attrs) {
            names.put(a, members.member(a.name()));
        }
        for (SpecAttribute a : attrs) {
            if (a.type() == SpecType.NEST && !a.multiAttr()) {
                String child = readerClass.get(a.nestedAttributes());
                s.line("private " + child + " " + names.get(a) + "Reader;");
                members.reserve(names.get(a) + "Reader");
            }
        }
        if (header != null) {
            s.line("/** Where the fixed header starts: after the netlink header" + (spec.isNetlinkRaw() ? "" : " and the generic netlink header") + ". */");
            s.line("private static final int HEADERS = " + (spec.isNetlinkRaw() ? 16 : 20) + ";");
            s.line("private final " + header + " header = new " + header + "();");
            s.line("private boolean hasHeader;");
        }
        s.line("");
        s.line("/** An empty reader with an index of its own. */");
        s.open("public " + cls + "() {");
        s.line("this.index = new AttributeIndex(SET);");
        s.close("}");
        s.line("");
        s.open("private " + cls + "(AttributeIndex index) {");
        s.line("this.index = index;");
        s.close("}");
        s.line("");
        s.line("/**");
        s.line(" * A reader of its own showing what this one shows, sharing its index: it fails once this one (or any reader");
        s.line(" * sharing the index) is wrapped again, rather than show the later message. Cheap: no per-attribute arrays.");
        s.line(" */");
        s.open("public " + cls + " share() {");
        s.line("view();");
        s.line(cls + " copy = new " + cls + "(index);");
        s.line("copy.shown = shown;");
        if (header != null) {
            s.line("copy.hasHeader = hasHeader;");
            s.open("if (hasHeader) {");
            s.line("copy.header.wrapLike(header);");
            s.close("}");
        }
        s.line("return copy;");
        s.close("}");
        s.line("");
        s.line("/** The index, while it still shows what this reader wrapped (else this fails, naming why). */");
        s.open("private AttributeIndex view() {");
        s.open("if (index.wraps() != shown) {");
        s.line("index.requireCurrent(shown);");
        s.close("}");
        s.line("return index;");
        s.close("}");
        s.line("");
        if (header != null) {
            s.line("");
            s.line("/** Wraps the fixed header {@code " + headerOf.get(set.name()) + "} and the attributes of {@code message} (a reply, notification or dump part of this set). */");
            s.open("public " + cls + " wrap(GenlMessage message) {");
            // The attributes start after the fixed header, padded to 4; attributes(n) counts from the end of a
            // generic netlink header, which a netlink-raw message does not have (its headers are never under 4 bytes).
            s.line("index.wrap(message.attributes(((" + header + ".SIZE + 3) & ~3)" + (spec.isNetlinkRaw() ? " - 4" : "") + "));");
            s.line("shown = index.wraps();");
            s.line("header.wrap(message.segment(), message.offset() + HEADERS, message.length() - HEADERS, index);");
            s.line("hasHeader = true;");
            s.line("return this;");
            s.close("}");
            s.line("");
            s.line("/** The fixed header {@code " + headerOf.get(set.name()) + "} of the message this reader wraps, valid as long as this reader's bytes. */");
            s.open("public " + header + " header() {");
            s.line("view();");
            s.open("if (!hasHeader) {");
            s.line("throw new IllegalStateException(\"this " + cls + " wraps a nest, which has no fixed header\");");
            s.close("}");
            s.line("return header;");
            s.close("}");
        } else if (!spec.isNetlinkRaw()) {
            s.line("/** Wraps the attributes of {@code message} (a reply, notification or dump part of this set). */");
            s.open("public " + cls + " wrap(GenlMessage message) {");
            s.line("index.wrap(message.attributes());");
            s.line("shown = index.wraps();");
            s.line("return this;");
            s.close("}");
        }
        s.line("");
        s.line("/** Wraps the range {@code attributes} covers, with its validity. */");
        s.open("public " + cls + " wrap(AttributeReader attributes) {");
        s.line("index.wrap(attributes);");
        s.line("shown = index.wraps();");
        if (header != null) {
            s.line("hasHeader = false;");
        }
        s.line("return this;");
        s.close("}");
        s.line("");
        s.line("/** Wraps the payload of the current attribute of {@code parent}, a nest of this set. */");
        s.open("public " + cls + " wrapNested(AttributeReader parent) {");
        s.line("index.wrapNested(parent);");
        s.line("shown = index.wraps();");
        if (header != null) {
            s.line("hasHeader = false;");
        }
        s.line("return this;");
        s.close("}");
        if (setsAfterAHeader.contains(set.name())) {
            s.line("");
            s.line("/** Wraps the payload of the current attribute of {@code parent} after a struct of {@code headerLength} bytes: a sub-message's. */");
            s.open("public " + cls + " wrapNested(AttributeReader parent, int headerLength) {");
            s.line("index.wrapNested(parent, headerLength);");
            s.line("shown = index.wraps();");
            if (header != null) {
                s.line("hasHeader = false;");
            }
            s.line("return this;");
            s.close("}");
        }
        Map<SpecAttribute, Integer> slots = new java.util.HashMap<>();
        for (int i = 0; i < attrs.size(); i++) {
            slots.put(attrs.get(i), i);
        }
        for (int i = 0; i < attrs.size(); i++) {
            readerMembers(s, set, attrs.get(i), i, names.get(attrs.get(i)), members, slots);
        }
        s.line("");
        s.line("/** The attributes present, by spec name; allocates, for logs and tests. */");
        s.line("@Override");
        s.open("public String toString() {");
        s.line("view();");
        s.line("StringBuilder out = new StringBuilder(\"{\");");
        for (int i = 0; i < attrs.size(); i++) {
            SpecAttribute a = attrs.get(i);
            String n = names.get(a);
            s.open("if (view().has(" + i + ")) {");
            s.line("out.append(out.length() > 1 ? \", \" : \"\").append(" + JavaNames.literal(a.name() + "=") + ");");
            String nestedReader = a.nestedAttributes() == null ? null : readerClass.get(a.nestedAttributes());
            if (a.type() == SpecType.SUB_MESSAGE) {
                s.line("out.append(java.util.HexFormat.of().formatHex(" + n + "().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));");
            } else if (a.type() == SpecType.NEST_TYPE_VALUE) {
                s.line("out.append(" + members.existing(a.name() + "-count") + "()).append(\" entries\");");
            } else if (a.type() == SpecType.INDEXED_ARRAY || a.multiAttr()) {
                String count = a.type() == SpecType.INDEXED_ARRAY ? members.existing(a.name() + "-count") + "()"
                        : "view().count(" + i + ")";
                s.line("out.append('[');");
                s.open("for (int k = 0; k < " + count + "; k++) {");
                s.line("out.append(k > 0 ? \", \" : \"\").append(" + valueText(a, members, "k", nestedReader) + ");");
                s.close("}");
                s.line("out.append(']');");
            } else if (a.type() == SpecType.FLAG) {
                s.line("out.append(true);");
            } else {
                s.line("out.append(" + valueText(a, members, "", nestedReader) + ");");
            }
            s.close("}");
        }
        s.line("return out.append('}').toString();");
        s.close("}");
        s.close("}");
        return s.toString();
    }

    /** The expression {@code toString} shows an attribute's value (occurrence {@code k}, when given) with. */
    private static String valueText(SpecAttribute a, JavaNames members, String k, String nestedReader) {
        SpecType t = a.type() == SpecType.INDEXED_ARRAY ? a.subType() : a.type();
        String name = members.existing(a.name());
        String sep = k.isEmpty() ? "" : ", ";
        return switch (t) {
            case NEST -> name + "(" + k + sep + "new " + nestedReader + "())";
            case BINARY -> "java.util.HexFormat.of().formatHex(" + members.existing(a.name() + "-copy") + "(" + k + "))";
            case STRING -> "'\"' + " + name + "(" + k + ") + '\"'";
            case BITFIELD32 -> members.existing(a.name() + "-value") + "(" + k + ") + \"/\" + "
                    + members.existing(a.name() + "-selector") + "(" + k + ")";
            default -> name + "(" + k + ")";
        };
    }

    private void readerMembers(Src s, AttributeSet set, SpecAttribute a, int i, String name, JavaNames members,
                               Map<SpecAttribute, Integer> slots) {
        s.line("");
        if (a.type() == SpecType.FLAG) {
            s.line("/** Whether the flag {@code " + a.name() + "} is present. */");
            s.open("public boolean " + name + "() {");
            s.line("return view().has(" + i + ");");
            s.close("}");
            return;
        }
        s.line("/** Whether {@code " + a.name() + "} is present. */");
        s.open("public boolean " + members.member("has-" + a.name()) + "() {");
        s.line("return view().has(" + i + ");");
        s.close("}");
        if (a.type() == SpecType.SUB_MESSAGE) {
            new SubMessageGenerator(spec, names).reader(s, set, a, i, name, members, slots);
            return;
        }
        if (a.type() == SpecType.NEST_TYPE_VALUE) {
            new TypeValueGenerator(names).reader(s, a, i, name, members);
            return;
        }
        if (a.type() == SpecType.INDEXED_ARRAY) {
            String count = members.member(a.name() + "-count");
            s.line("");
            s.line("/** The number of entries of the indexed array {@code " + a.name() + "}. */");
            s.open("public int " + count + "() {");
            s.line("return view().itemCount(" + i + ");");
            s.close("}");
            s.line("");
            String item = "view().item(" + i + ", index)";
            if (a.subType() == SpecType.NEST) {
                String child = readerClass.get(a.nestedAttributes());
                s.line("/** Entry {@code index} of {@code " + a.name() + "}, read with {@code target}. */");
                s.open("public " + child + " " + name + "(int index, " + child + " target) {");
                s.line("return target.wrapNested(" + item + ");");
                s.close("}");
            } else if (a.subType() == SpecType.STRING) {
                s.line("/** Entry {@code index} of {@code " + a.name() + "}, copied into a new String. */");
                s.open("public String " + name + "(int index) {");
                s.line("return " + item + ".string();");
                s.close("}");
            } else if (a.subType() == SpecType.BINARY) {
                s.line("/** A copy of entry {@code index} of {@code " + a.name() + "}. */");
                s.open("public byte[] " + members.member(a.name() + "-copy") + "(int index) {");
                s.line("return " + item + ".bytesCopy();");
                s.close("}");
            } else {
                s.line("/** Entry {@code index} of {@code " + a.name() + "}. */");
                s.open("public " + JavaGenerator.javaType(a.subType()) + " " + name + "(int index) {");
                s.line("return " + readExpression(a.subType(), a.byteOrder(), item) + ";");
                s.close("}");
            }
            return;
        }
        if (a.multiAttr()) {
            s.line("");
            s.line("/** How many times {@code " + a.name() + "} occurs. */");
            s.open("public int " + members.member(a.name() + "-count") + "() {");
            s.line("return view().count(" + i + ");");
            s.close("}");
        }
        String param = a.multiAttr() ? "int index" : "";
        String at = a.multiAttr() ? "view().nth(" + i + ", index)" : "view().at(" + i + ")";
        String which = a.multiAttr() ? "occurrence {@code index} of " : "";
        String sep = a.multiAttr() ? ", " : "";
        s.line("");
        switch (a.type()) {
            case NEST -> {
                String child = readerClass.get(a.nestedAttributes());
                s.line("/** " + upper(which) + "{@code " + a.name() + "}, read with {@code target}. */");
                s.open("public " + child + " " + name + "(" + param + sep + child + " target) {");
                s.line("return target.wrapNested(" + at + ");");
                s.close("}");
                if (!a.multiAttr()) {
                    s.line("");
                    s.line("/** {@code " + a.name() + "}, read with a reader this one keeps and reuses. */");
                    s.open("public " + child + " " + name + "() {");
                    s.open("if (" + name + "Reader == null) {");
                    s.line(name + "Reader = new " + child + "();");
                    s.close("}");
                    s.line("return " + name + "(" + name + "Reader);");
                    s.close("}");
                }
            }
            case STRING -> {
                s.line("/** " + upper(which) + "{@code " + a.name() + "}, copied into a new String. */");
                s.open("public String " + name + "(" + param + ") {");
                s.line("return " + at + ".string();");
                s.close("}");
                s.line("");
                s.line("/** Whether " + which + "{@code " + a.name() + "} is {@code expected}, without allocating. */");
                s.open("public boolean " + members.member(a.name() + "-equals") + "(" + param + sep + "String expected) {");
                s.line("return " + at + ".stringEquals(expected);");
                s.close("}");
                s.line("");
                s.line("/** Copies the UTF-8 bytes of " + which + "{@code " + a.name() + "} into {@code destination}; returns their count. */");
                s.open("public int " + members.member("copy-" + a.name()) + "(" + param + sep + "byte[] destination) {");
                s.line("return " + at + ".copyString(destination);");
                s.close("}");
                s.line("");
                s.line("/** The length of " + which + "{@code " + a.name() + "} in UTF-8 bytes, without the NUL. */");
                s.open("public int " + members.member(a.name() + "-length") + "(" + param + ") {");
                s.line("return " + at + ".stringLength();");
                s.close("}");
            }
            case BINARY -> {
                s.line("/** A view of " + which + "{@code " + a.name() + "}" + (a.structName() != null ? " (struct " + a.structName() + ")" : "")
                        + ", valid as long as this reader's bytes. */");
                s.open("public java.lang.foreign.MemorySegment " + name + "(" + param + ") {");
                s.line("return " + at + ".bytes();");
                s.close("}");
                s.line("");
                if (a.structName() != null && structClass.containsKey(a.structName())) {
                    String struct = structClass.get(a.structName());
                    s.line("/** " + upper(which) + "{@code " + a.name() + "} as struct " + a.structName() + ", viewed through {@code target}. */");
                    s.open("public " + struct + " " + name + "(" + param + sep + struct + " target) {");
                    s.line("AttributeReader r = " + at + ";");
                    s.line("return target.wrap(r.segment(), r.payloadOffset(), r.payloadLength(), this.index);");
                    s.close("}");
                    s.line("");
                }
                s.line("/** A copy of " + which + "{@code " + a.name() + "}. */");
                s.open("public byte[] " + members.member(a.name() + "-copy") + "(" + param + ") {");
                s.line("return " + at + ".bytesCopy();");
                s.close("}");
                s.line("");
                s.line("/** The length of " + which + "{@code " + a.name() + "}. */");
                s.open("public int " + members.member(a.name() + "-length") + "(" + param + ") {");
                s.line("return " + at + ".payloadLength();");
                s.close("}");
                s.line("");
                s.line("/** Copies " + which + "{@code " + a.name() + "} into {@code destination} at 0; returns its length. */");
                s.open("public int " + members.member("copy-" + a.name()) + "(" + param + sep + "byte[] destination) {");
                s.line("AttributeReader r = " + at + ";");
                s.line("int length = r.payloadLength();");
                s.line("java.lang.foreign.MemorySegment.copy(r.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, r.payloadOffset(), destination, 0, length);");
                s.line("return length;");
                s.close("}");
            }
            case BITFIELD32 -> {
                s.line("/** The value half of " + which + "{@code " + a.name() + "}. */");
                s.open("public int " + members.member(a.name() + "-value") + "(" + param + ") {");
                s.line("return " + at + ".bitfield32Value();");
                s.close("}");
                s.line("");
                s.line("/** The selector half of " + which + "{@code " + a.name() + "}. */");
                s.open("public int " + members.member(a.name() + "-selector") + "(" + param + ") {");
                s.line("return " + at + ".bitfield32Selector();");
                s.close("}");
            }
            default -> {
                s.line("/** " + upper(which) + "{@code " + a.name() + "}, " + a.type().yamlName()
                        + (a.enumName() != null ? " (" + (a.enumAsFlags() ? "bits of " : "") + "{@link " + enumClass.get(a.enumName()) + "})" : "") + ". */");
                s.open("public " + JavaGenerator.javaType(a.type()) + " " + name + "(" + param + ") {");
                s.line("return " + readExpression(a.type(), a.byteOrder(), at) + ";");
                s.close("}");
                SpecEnum e = a.enumName() == null ? null : spec.enums().get(a.enumName());
                if (e != null && !e.flags() && !a.enumAsFlags()) {
                    String ec = enumClass.get(e.name());
                    s.line("");
                    s.line("/** " + upper(which) + "{@code " + a.name() + "} as {@link " + ec + "}, or null for a number the spec does not name. */");
                    s.open("public " + ec + " " + members.member(a.name() + "-enum") + "(" + param + ") {");
                    s.line("return " + ec + ".of(" + name + "(" + (a.multiAttr() ? "index" : "") + "));");
                    s.close("}");
                }
            }
        }
    }

    private static String upper(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static String readExpression(SpecType type, ByteOrder order, String r) {
        String o = order == null ? "" : JavaGenerator.order(order);
        return switch (type) {
            case U8 -> r + ".u8()";
            case U16 -> r + ".u16(" + o + ")";
            case U32 -> r + ".u32(" + o + ")";
            case U64 -> r + ".u64(" + o + ")";
            case S8 -> r + ".s8()";
            case S16 -> order == null ? r + ".s16()" : "(short) " + r + ".u16(" + o + ")";
            case S32 -> order == null ? r + ".s32()" : "(int) " + r + ".u32(" + o + ")";
            case S64 -> order == null ? r + ".s64()" : r + ".u64(" + o + ")";
            case UINT -> r + ".uint(" + o + ")";
            case SINT -> r + ".sint()";
            default -> throw new IllegalArgumentException(type.yamlName());
        };
    }
}
