package org.vnetnl.ynl.client;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.MalformedMessageException;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecStruct;
import org.vnetnl.ynl.SpecSubMessage;
import org.vnetnl.internal.NetlinkAlignment;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/**
 * Turns attributes into named values, table-driven from a spec, with the kernel's YNL library's rendering:
 * nests as maps, enums by name, flags as lists of names, multi-attr as lists, indexed arrays, structs, binary as
 * hex, values with a display hint as the hint shows them. What the spec does not describe is kept raw and
 * marked (see {@link Undecoded}).
 */
final class ReplyDecoder {

    private final YnlSpec spec;

    ReplyDecoder(YnlSpec spec) {
        this.spec = spec;
    }

    /** Decodes every attribute of {@code attrs} (already wrapped) in attribute set {@code setName}. */
    Map<String, Object> decode(AttributeReader attrs, String setName) {
        return decode(attrs, setName, null);
    }

    /**
     * The values decoded so far in one nest and those around it, where a sub-message's selector is looked up:
     * in its own nest first (it comes before the sub-message there), then outwards.
     */
    private record Scope(Map<String, Object> values, Scope outer) {
        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.outer) {
                Object v = s.values.get(name);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
    }

    /**
     * Decodes every attribute of {@code attrs} into {@code out} (a message's own map, sized for its fixed header's
     * members too, which {@link #struct(Map, MemorySegment, long, long, String)} adds after them).
     */
    Map<String, Object> decodeInto(Map<String, Object> out, AttributeReader attrs, String setName) {
        return decode(out, attrs, setName, null);
    }

    private Map<String, Object> decode(AttributeReader attrs, String setName, Scope outer) {
        return decode(new LinkedHashMap<>(), attrs, setName, outer);
    }

    private Map<String, Object> decode(Map<String, Object> out, AttributeReader attrs, String setName, Scope outer) {
        AttributeSet set = setName == null ? null : spec.attributeSet(setName);
        Scope scope = new Scope(out, outer);
        while (attrs.next()) {
            SpecAttribute a = set == null ? null : set.attribute(attrs.type()).orElse(null);
            if (a == null) {
                addRepeatable(out, "UnknownAttr(" + attrs.type() + ")", unknown(attrs));
                continue;
            }
            Object value;
            try {
                value = decodeOne(attrs, a, scope);
            } catch (MalformedMessageException | IllegalArgumentException e) {
                value = new Undecoded(DisplayHints.hex(attrs.bytesCopy()), e.getMessage());
            }
            if (a.multiAttr()) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) out.computeIfAbsent(a.name(), k -> new ArrayList<>());
                list.add(value);
            } else {
                out.put(a.name(), value);
            }
        }
        return out;
    }

    private Object unknown(AttributeReader attrs) {
        if (attrs.isNested()) {
            Map<String, Object> inner = new LinkedHashMap<>();
            AttributeReader nested = attrs.nested();
            while (nested.next()) {
                addRepeatable(inner, "UnknownAttr(" + nested.type() + ")", unknown(nested));
            }
            return inner;
        }
        return DisplayHints.hex(attrs.bytesCopy());
    }

    /** Python's {@code _rsp_add} for names without multi-attr: a repeat turns the value into a list. */
    private static void addRepeatable(Map<String, Object> out, String key, Object value) {
        Object old = out.get(key);
        if (old == null) {
            out.put(key, value);
        } else if (old instanceof RepeatedValues list) {
            list.add(value);
        } else {
            RepeatedValues list = new RepeatedValues();
            list.add(old);
            list.add(value);
            out.put(key, list);
        }
    }

    /** A list made by repeats of an undescribed attribute. */
    private static final class RepeatedValues extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
    }

    private Object decodeOne(AttributeReader r, SpecAttribute a, Scope scope) {
        SpecType t = a.type();
        return switch (t) {
            case NEST -> decode(r.nested(), a.nestedAttributes(), scope);
            case SUB_MESSAGE -> subMessage(r, a, scope);
            case STRING -> string(r);
            case FLAG -> Boolean.TRUE;
            case BINARY -> binary(r, a);
            case UINT, SINT -> integer(t == SpecType.UINT ? r.uint(a.byteOrder()) : r.sint(), t, r.payloadLength(), a);
            case U8, S8, U16, S16, U32, S32, U64, S64 -> integer(fixed(r, t, a.byteOrder()), t, t.fixedSize(), a);
            case INDEXED_ARRAY -> indexedArray(r, a);
            case BITFIELD32 -> bitfield32(r, a);
            case NEST_TYPE_VALUE -> nestTypeValue(r, a);
            case PAD -> DisplayHints.hex(r.bytesCopy()); // padding the kernel sent: its bytes, as the kernel's YNL shows them
            default -> new Undecoded(DisplayHints.hex(r.bytesCopy()), "type " + t.yamlName() + " is not decoded");
        };
    }

    private static String string(AttributeReader r) {
        byte[] b = r.bytesCopy();
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    private static long fixed(AttributeReader r, SpecType t, ByteOrder order) {
        return switch (t) {
            case U8 -> r.u8();
            case S8 -> r.s8();
            case U16 -> r.u16(order);
            case S16 -> (short) r.u16(order);
            case U32 -> r.u32(order);
            case S32 -> (int) r.u32(order);
            case U64, S64 -> r.u64(order);
            default -> throw new IllegalArgumentException(t.yamlName() + " is not a fixed-width integer");
        };
    }

    private Object integer(long raw, SpecType t, int size, SpecAttribute a) {
        if (a.enumName() != null) {
            return enumValue(raw, spec.enumeration(a.enumName()), a.enumAsFlags());
        }
        if (a.displayHint() != null) {
            return DisplayHints.formatInteger(raw, size, a.displayHint());
        }
        return number(raw, t);
    }

    static Object number(long raw, SpecType t) {
        if (!t.isSigned() && raw < 0) {
            return new BigInteger(Long.toUnsignedString(raw));
        }
        return raw;
    }

    /** An enum value by name, or flags as the names of their set bits; a number the spec lacks stays a number. */
    static Object enumValue(long raw, SpecEnum e, boolean asFlags) {
        if (e.flags() || asFlags) {
            List<Object> names = new ArrayList<>();
            for (int bit = 0; bit < 64; bit++) {
                if ((raw & (1L << bit)) != 0) {
                    int b = bit;
                    names.add(e.entryByValue(bit).map(x -> (Object) x.name()).orElse(1L << b));
                }
            }
            return names;
        }
        return e.entryByValue(raw).map(x -> (Object) x.name()).orElse(raw);
    }

    private Object binary(AttributeReader r, SpecAttribute a) {
        byte[] raw = r.bytesCopy();
        if (a.structName() != null) {
            return struct(MemorySegment.ofArray(raw), 0, raw.length, a.structName());
        }
        if (a.subType() != null && a.subType().isFixedScalar()) {
            int size = a.subType().fixedSize();
            List<Object> values = new ArrayList<>();
            MemorySegment s = MemorySegment.ofArray(raw);
            for (int off = 0; off + size <= raw.length; off += size) {
                values.add(number(scalar(s, off, a.subType(), null), a.subType()));
            }
            return values;
        }
        return DisplayHints.formatBytes(raw, a.displayHint());
    }

    /**
     * A sub-message in the format its selector chooses: the format's fixed header, then its attributes. A
     * selector value the spec has no format for (a newer kernel's link kind) leaves the bytes undecoded.
     */
    private Object subMessage(AttributeReader r, SpecAttribute a, Scope scope) {
        SpecSubMessage sub = spec.subMessage(a.subMessage());
        Object selected = scope.lookup(a.selector());
        SpecSubMessage.Format format = selected == null ? null : sub.format(String.valueOf(selected)).orElse(null);
        if (format == null) {
            return new Undecoded(DisplayHints.hex(r.bytesCopy()), selected == null ? "no '" + a.selector()
                    + "' chooses its format" : a.subMessage() + " has no format for '" + selected + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        byte[] raw = r.bytesCopy();
        int offset = 0;
        if (format.fixedHeader() != null) {
            offset = spec.structSize(format.fixedHeader());
            out.putAll(struct(MemorySegment.ofArray(raw), 0, Math.min(offset, raw.length), format.fixedHeader()));
        }
        if (format.attributeSet() != null && offset < raw.length) {
            int start = NetlinkAlignment.nlaAlign(offset);
            AttributeReader inner = new AttributeReader().wrap(MemorySegment.ofArray(raw), Math.min(start, raw.length),
                    raw.length - Math.min(start, raw.length));
            out.putAll(decode(inner, format.attributeSet(), scope));
        }
        return out;
    }

    private Object indexedArray(AttributeReader r, SpecAttribute a) {
        List<Object> out = new ArrayList<>();
        AttributeReader items = r.nested();
        while (items.next()) {
            SpecType sub = a.subType();
            if (sub == SpecType.NEST) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put(Integer.toString(items.type()), decode(items.nested(), a.nestedAttributes(), null));
                out.add(item);
            } else if (sub == SpecType.BINARY) {
                out.add(DisplayHints.formatBytes(items.bytesCopy(), a.displayHint()));
            } else if (sub.isFixedScalar()) {
                long v = fixed(items, sub, a.byteOrder());
                out.add(a.displayHint() != null ? DisplayHints.formatInteger(v, sub.fixedSize(), a.displayHint())
                        : number(v, sub));
            } else {
                out.add(new Undecoded(DisplayHints.hex(items.bytesCopy()), "indexed-array of " + sub.yamlName()));
            }
        }
        return out;
    }

    private Object bitfield32(AttributeReader r, SpecAttribute a) {
        long value = Integer.toUnsignedLong(r.bitfield32Value());
        long selector = Integer.toUnsignedLong(r.bitfield32Selector());
        Map<String, Object> out = new LinkedHashMap<>();
        if (a.enumName() != null) {
            SpecEnum e = spec.enumeration(a.enumName());
            out.put("value", enumValue(value, e, a.enumAsFlags()));
            out.put("selector", enumValue(selector, e, a.enumAsFlags()));
        } else {
            out.put("value", value);
            out.put("selector", selector);
        }
        return out;
    }

    /** Each level of a nest-type-value is one attribute whose type is the value the level names. */
    private Object nestTypeValue(AttributeReader r, SpecAttribute a) {
        Map<String, Object> out = new LinkedHashMap<>();
        AttributeReader level = r.nested();
        for (String name : a.typeValue()) {
            if (!level.next()) {
                throw new IllegalArgumentException("nest-type-value level '" + name + "' is missing");
            }
            out.put(name, (long) level.type());
            level = level.nested();
        }
        out.putAll(decode(level, a.nestedAttributes()));
        return out;
    }

    /** Decodes struct {@code structName} from {@code length} bytes at {@code offset} of {@code s}. */
    Map<String, Object> struct(MemorySegment s, long offset, long length, String structName) {
        return struct(new LinkedHashMap<>(), s, offset, length, structName);
    }

    /** As {@link #struct(MemorySegment, long, long, String)}, the members put into {@code out}. */
    Map<String, Object> struct(Map<String, Object> out, MemorySegment s, long offset, long length, String structName) {
        long at = offset;
        long end = offset + length;
        for (SpecStruct.Member m : spec.struct(structName).members()) {
            int size = spec.memberSize(m);
            if (at + size > end) {
                out.put(m.name(), new Undecoded(DisplayHints.hex(s.asSlice(at, Math.max(0, end - at))
                        .toArray(ValueLayout.JAVA_BYTE)), "struct " + structName + " ends before member " + m.name()));
                break;
            }
            if (m.type() == SpecType.PAD) {
                at += size;
                continue;
            }
            Object value;
            if (m.type() == SpecType.BINARY && m.structName() != null) {
                value = struct(s, at, size, m.structName());
            } else if (m.type() == SpecType.BINARY) {
                value = DisplayHints.formatBytes(s.asSlice(at, size).toArray(ValueLayout.JAVA_BYTE), m.displayHint());
            } else if (m.type() == SpecType.STRING) {
                byte[] b = s.asSlice(at, size).toArray(ValueLayout.JAVA_BYTE);
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                value = new String(b, 0, n, StandardCharsets.UTF_8);
            } else {
                long raw = scalar(s, at, m.type(), m.byteOrder());
                value = m.enumName() != null ? enumValue(raw, spec.enumeration(m.enumName()), m.enumAsFlags())
                        : m.displayHint() != null ? DisplayHints.formatInteger(raw, size, m.displayHint())
                        : number(raw, m.type());
            }
            out.put(m.name(), value);
            at += size;
        }
        return out;
    }


    private static long scalar(MemorySegment s, long at, SpecType t, ByteOrder order) {
        boolean big = (order == null ? ByteOrder.nativeOrder() : order) == ByteOrder.BIG_ENDIAN;
        return switch (t) {
            case U8 -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, at));
            case S8 -> s.get(ValueLayout.JAVA_BYTE, at);
            case U16 -> Short.toUnsignedLong(s.get(big ? OrderedLayouts.SHORT_BIG : OrderedLayouts.SHORT_LITTLE, at));
            case S16 -> s.get(big ? OrderedLayouts.SHORT_BIG : OrderedLayouts.SHORT_LITTLE, at);
            case U32 -> Integer.toUnsignedLong(s.get(big ? OrderedLayouts.INT_BIG : OrderedLayouts.INT_LITTLE, at));
            case S32 -> s.get(big ? OrderedLayouts.INT_BIG : OrderedLayouts.INT_LITTLE, at);
            case U64, S64 -> s.get(big ? OrderedLayouts.LONG_BIG : OrderedLayouts.LONG_LITTLE, at);
            default -> throw new IllegalArgumentException(t.yamlName() + " is not a scalar");
        };
    }
}
