package org.vnetnl.ynl.codegen;

import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecStruct;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/**
 * Writes the class of one {@code struct} definition: a flyweight over its bytes with a getter and a setter per
 * member, used for fixed headers (before a message's attributes, or before a sub-message's), and for binary
 * attributes that hold a struct. A struct read from a received message shares the validity of the reader that
 * handed it out; members past the bytes received read as 0, as the kernel reads a short struct.
 */
final class StructGenerator {

    private final YnlSpec spec;
    private final JavaGenerator names;

    StructGenerator(YnlSpec spec, JavaGenerator names) {
        this.spec = spec;
        this.names = names;
    }

    String generate(SpecStruct struct) {
        String cls = names.structClass(struct.name());
        int size = spec.structSize(struct.name());
        Map<SpecStruct.Member, String[]> memberNames = memberNames(struct);
        Map<SpecStruct.Member, String> getters = new LinkedHashMap<>();
        memberNames.forEach((m, n) -> getters.put(m, n[0]));
        Src s = names.file();
        s.line("import java.lang.foreign.MemorySegment;");
        s.line("import java.lang.foreign.ValueLayout;");
        s.line("");
        s.line("import org.vnetnl.genl.AttributeIndex;");
        s.line("");
        s.line("/**");
        s.line(" * The struct {@code " + struct.name() + "} (" + size + " bytes), read and written in place. A view of received bytes");
        s.line(" * is valid as long as the reader that handed it out, and reads members past the bytes received as 0; one over");
        s.line(" * a request being written sets its members. Not thread-safe.");
        s.line(" */");
        s.open("public final class " + cls + " {");
        s.line("");
        s.line("/** Its size in bytes. */");
        s.line("public static final int SIZE = " + size + ";");
        s.line("/** Zeroed bytes of its size, which writers reserve before filling the struct in place. */");
        s.line("static final byte[] ZEROS = new byte[SIZE];");
        s.line("");
        s.line("private MemorySegment segment = MemorySegment.NULL;");
        s.line("private long offset;");
        s.line("private long length;");
        s.line("private AttributeIndex owner;");
        s.line("/** The owner's wrap this view belongs to: once the owner shows another message, this view fails. */");
        s.line("private long ownerWraps;");
        s.line("");
        s.line("/** Views the " + size + " bytes at {@code offset} of {@code segment}, to read or write them. */");
        s.open("public " + cls + " wrap(MemorySegment segment, long offset) {");
        s.open("if (offset < 0 || offset > segment.byteSize() - SIZE) {");
        s.line("throw new IllegalArgumentException(\"struct " + struct.name() + " of \" + SIZE + \" bytes at \" + offset");
        s.line("        + \" lies outside a segment of \" + segment.byteSize() + \" bytes\");");
        s.close("}");
        s.line("return wrap(segment, offset, SIZE, null);");
        s.close("}");
        s.line("");
        s.line("/** Views {@code length} received bytes (fewer than its size when the sender's struct is shorter), valid as long as {@code owner}. */");
        s.open(cls + " wrap(MemorySegment segment, long offset, long length, AttributeIndex owner) {");
        s.line("this.segment = segment;");
        s.line("this.offset = offset;");
        s.line("this.length = Math.max(0, Math.min(length, SIZE));");
        s.line("this.owner = owner;");
        s.line("this.ownerWraps = owner == null ? 0 : owner.wraps();");
        s.line("return this;");
        s.close("}");
        s.line("");
        s.line("/** Views what {@code other} views, with its validity. */");
        s.open(cls + " wrapLike(" + cls + " other) {");
        s.line("this.segment = other.segment;");
        s.line("this.offset = other.offset;");
        s.line("this.length = other.length;");
        s.line("this.owner = other.owner;");
        s.line("this.ownerWraps = other.ownerWraps;");
        s.line("return this;");
        s.close("}");
        s.line("");
        s.line("/** Where a member of {@code size} bytes at {@code member} is, or -1 when the bytes received end before it. */");
        s.open("private long at(int member, int size) {");
        s.line("require();");
        s.line("return member + size <= length ? offset + member : -1;");
        s.close("}");
        s.line("");
        s.open("private long write(int member) {");
        s.line("require();");
        s.open("if (owner != null) {");
        s.line("throw new IllegalStateException(\"struct " + struct.name() + " of a received message is read-only\");");
        s.close("}");
        s.line("return offset + member;");
        s.close("}");
        s.line("");
        s.open("private void require() {");
        s.open("if (segment.equals(MemorySegment.NULL)) {");
        s.line("throw new IllegalStateException(\"this " + cls + " is not wrapped over a struct: call wrap(...) first\");");
        s.close("}");
        s.open("if (owner != null) {");
        s.line("owner.requireCurrent(ownerWraps);");
        s.close("}");
        s.close("}");
        int at = 0;
        for (SpecStruct.Member m : struct.members()) {
            int memberSize = spec.memberSize(m);
            if (m.type() != SpecType.PAD) {
                member(s, struct, m, at, memberSize, memberNames.get(m), cls);
            }
            at += memberSize;
        }
        s.line("");
        s.line("/** The members, by spec name; allocates, for logs and tests. */");
        s.line("@Override");
        s.open("public String toString() {");
        s.open("if (segment.equals(MemorySegment.NULL)) {");
        s.line("return \"" + cls + "[unwrapped]\";");
        s.close("}");
        s.line("StringBuilder out = new StringBuilder(\"{\");");
        boolean first = true;
        for (Map.Entry<SpecStruct.Member, String> g : getters.entrySet()) {
            SpecStruct.Member m = g.getKey();
            String value;
            if (m.type() == SpecType.BINARY && m.structName() != null) {
                value = g.getValue() + "(new " + names.structClass(m.structName()) + "())";
            } else if (m.type() == SpecType.BINARY) {
                s.line("byte[] " + g.getValue() + " = new byte[" + m.len() + "];");
                s.line(g.getValue() + "(" + g.getValue() + ");");
                value = "java.util.HexFormat.of().formatHex(" + g.getValue() + ")";
            } else {
                value = g.getValue() + "()";
            }
            s.line("out.append(" + JavaNames.literal((first ? "" : ", ") + m.name() + "=") + ").append(" + value + ");");
            first = false;
        }
        s.line("return out.append('}').toString();");
        s.close("}");
        s.close("}");
        return s.toString();
    }

    /**
     * The Java names of the members of {@code struct} other than pads: {getter, setter, enum getter or null}. A
     * binary member's getter is {@code copyX}, a nested struct's one method serves both ways.
     */
    static Map<SpecStruct.Member, String[]> memberNames(SpecStruct struct) {
        JavaNames members = new JavaNames("wrap", "SIZE", "ZEROS", "segment", "offset", "length", "owner", "at",
                "write", "require");
        Map<SpecStruct.Member, String[]> names = new LinkedHashMap<>();
        for (SpecStruct.Member m : struct.members()) {
            if (m.type() != SpecType.PAD) {
                boolean bytes = m.type() == SpecType.BINARY && m.structName() == null;
                String getter = members.member(bytes ? "copy-" + m.name() : m.name());
                names.put(m, new String[] {getter, getter, null});
            }
        }
        for (Map.Entry<SpecStruct.Member, String[]> e : names.entrySet()) {
            SpecStruct.Member m = e.getKey();
            if (m.type() == SpecType.BINARY && m.structName() == null) {
                e.getValue()[1] = members.member(m.name());
            } else if (m.enumName() != null && !m.enumAsFlags()) {
                e.getValue()[2] = members.member(m.name() + "-enum");
            }
        }
        return names;
    }

    private void member(Src s, SpecStruct struct, SpecStruct.Member m, int at, int size, String[] memberNames,
                        String cls) {
        String name = memberNames[0];
        s.line("");
        if (m.type() == SpecType.BINARY && m.structName() != null) {
            String child = names.structClass(m.structName());
            s.line("/** The struct {@code " + m.name() + "} inside, viewed through {@code target}. */");
            s.open("public " + child + " " + name + "(" + child + " target) {");
            s.line("require();");
            s.line("return target.wrap(segment, offset + " + at + ", length - " + at + ", owner);");
            s.close("}");
            return;
        }
        if (m.type() == SpecType.BINARY) {
            s.line("/** Copies the " + size + " bytes of {@code " + m.name() + "} into {@code destination} at 0 (zeros past the bytes received). */");
            s.open("public void " + name + "(byte[] destination) {");
            s.line("java.util.Arrays.fill(destination, 0, " + size + ", (byte) 0);");
            s.line("long at = at(" + at + ", 0);");
            s.line("int received = at < 0 ? 0 : (int) Math.min(" + size + ", length - " + at + ");");
            s.line("MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset + " + at + ", destination, 0, received);");
            s.close("}");
            s.line("");
            String setter = memberNames[1];
            s.line("/** Sets the " + size + " bytes of {@code " + m.name() + "}. */");
            s.open("public " + cls + " " + setter + "(byte[] value) {");
            s.open("if (value.length != " + size + ") {");
            s.line("throw new IllegalArgumentException(\"" + struct.name() + "." + m.name() + " holds " + size
                    + " bytes, got \" + value.length);");
            s.close("}");
            s.line("MemorySegment.copy(value, 0, segment, ValueLayout.JAVA_BYTE, write(" + at + "), " + size + ");");
            s.line("return this;");
            s.close("}");
            return;
        }
        String type = JavaGenerator.javaType(m.type());
        SpecEnum e = m.enumName() == null ? null : spec.enums().get(m.enumName());
        s.line("/** {@code " + m.name() + "}, " + m.type().yamlName() + (e != null ? " ({@link " + names.enumClass(e.name()) + "})" : "")
                + (m.byteOrder() != null ? ", " + (m.byteOrder() == ByteOrder.BIG_ENDIAN ? "big" : "little") + "-endian" : "") + ". */");
        s.open("public " + type + " " + name + "() {");
        s.line("long at = at(" + at + ", " + size + ");");
        s.line("return at < 0 ? 0 : " + read(m.type(), layout(m.type(), m.byteOrder())) + ";");
        s.close("}");
        s.line("");
        s.line("/** Sets {@code " + m.name() + "}. */");
        s.open("public " + cls + " " + name + "(" + type + " value) {");
        s.line("segment.set(" + layout(m.type(), m.byteOrder()) + ", write(" + at + "), " + narrow(m.type(), "value") + ");");
        s.line("return this;");
        s.close("}");
        if (e != null && !e.flags() && memberNames[2] != null) {
            String ec = names.enumClass(e.name());
            s.line("");
            s.line("/** {@code " + m.name() + "} as {@link " + ec + "}, or null for a number the spec does not name. */");
            s.open("public " + ec + " " + memberNames[2] + "() {");
            s.line("return " + ec + ".of(" + name + "());");
            s.close("}");
        }
    }

    /** The layout constant of a member of {@code type}, in {@code order} (null: the host's). */
    private static String layout(SpecType type, ByteOrder order) {
        String base = switch (type.fixedSize()) {
            case 1 -> "ValueLayout.JAVA_BYTE";
            case 2 -> "ValueLayout.JAVA_SHORT_UNALIGNED";
            case 4 -> "ValueLayout.JAVA_INT_UNALIGNED";
            default -> "ValueLayout.JAVA_LONG_UNALIGNED";
        };
        return order == null || type.fixedSize() == 1 ? base
                : base + ".withOrder(java.nio.ByteOrder." + (order == ByteOrder.BIG_ENDIAN ? "BIG_ENDIAN" : "LITTLE_ENDIAN") + ")";
    }

    private static String read(SpecType type, String layout) {
        String raw = "segment.get(" + layout + ", at)";
        return switch (type) {
            case U8 -> "Byte.toUnsignedInt(" + raw + ")";
            case U16 -> "Short.toUnsignedInt(" + raw + ")";
            case U32 -> "Integer.toUnsignedLong(" + raw + ")";
            default -> raw; // s8, s16, s32, u64, s64: the Java type's own
        };
    }

    /** {@code value} cast to the member's width where its Java type is wider (u8, u16, u32). */
    private static String narrow(SpecType type, String value) {
        return switch (type) {
            case U8 -> "(byte) " + value;
            case U16 -> "(short) " + value;
            case U32 -> "(int) " + value;
            default -> value;
        };
    }
}
