package org.vnetnl.ynl.client;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.Checks;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecStruct;
import org.vnetnl.ynl.SpecSubMessage;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/**
 * Writes a request given as named values into an {@link AttributeWriter}, table-driven from a spec: names to
 * numbers, enum and flag names to values, nests from maps, multi-attr from lists, structs from maps, binary from
 * hex. Every value is checked against its type and the spec's {@code checks} before it is written, so a bad
 * request fails here naming the attribute's path, before anything is sent: a missing value (JSON {@code null}), a
 * value of the wrong kind (a number, list or object where a string goes), a key that is not a name. Remembers where each attribute went,
 * so the kernel's extended-ack offset can be named as a path.
 */
final class RequestEncoder {

    /** An attribute written at {@code offset} of the request message, named by its path of names. */
    record Written(long offset, String path) {}

    private final YnlSpec spec;
    private final List<Written> written = new ArrayList<>();
    /** The attribute set inside each nest of the last request, by the nest's offset. */
    private final Map<Long, String> nestSets = new java.util.HashMap<>();
    /** Per fixed header: its member names, which the attributes of a request skip. */
    private final Map<String, Set<String>> headerMembers = new java.util.HashMap<>();

    RequestEncoder(YnlSpec spec) {
        this.spec = spec;
    }

    /** Where the attributes of the last request went. */
    List<Written> written() {
        return written;
    }

    /** The path of the attribute written at {@code offset}, or null. */
    String pathAt(long offset) {
        for (Written w : written) {
            if (w.offset() == offset) {
                return w.path();
            }
        }
        return null;
    }

    /** The attribute set inside the nest written at {@code offset} of the last request, or null. */
    String setAt(long offset) {
        return nestSets.get(offset);
    }

    /**
     * Writes {@code values} as attributes of set {@code setName}, skipping the names of the fixed header's members.
     *
     * @param allowed the attribute names the operation's request lists, or null for the whole set; documentation
     *                only, as for the kernel's YNL
     */
    void encode(AttributeWriter w, String setName, Map<?, ?> values, List<String> allowed, String fixedHeader) {
        written.clear();
        nestSets.clear();
        Set<String> headerMembers = fixedHeader == null ? Set.of() : headerMembers(fixedHeader);
        Map<String, Object> attrs = new LinkedHashMap<>();
        named(values, "").forEach((k, v) -> {
            if (!headerMembers.contains(k)) {
                attrs.put(k, v);
            }
        });
        writeSet(w, spec.attributeSet(setName), attrs, "", allowed, null);
    }

    /** The member names of fixed header {@code structName}, made once per encoder. */
    private Set<String> headerMembers(String structName) {
        return headerMembers.computeIfAbsent(structName, name -> spec.struct(name).members().stream()
                .map(SpecStruct.Member::name).collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    /**
     * The values of one nest and those around it, where a sub-message's selector is looked up: in its own nest
     * first, then outwards (tc's action options are chosen by the action's kind one level up).
     */
    private record Scope(Map<String, ?> values, Scope outer) {
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


    /** Writes the fixed header's members from {@code values} at {@code offset} of {@code s} (missing ones are 0). */
    void encodeStruct(MemorySegment s, long offset, String structName, Map<?, ?> values, String path) {
        long at = offset;
        Map<String, ?> named = named(values, path);
        for (SpecStruct.Member m : spec.struct(structName).members()) {
            int size = spec.memberSize(m);
            Object v = named.get(m.name());
            String where = path + m.name();
            if (m.type() == SpecType.PAD || v == null) {
                s.asSlice(at, size).fill((byte) 0);
            } else if (m.type() == SpecType.BINARY && m.structName() != null) {
                Map<?, ?> members = map(v, where);
                requireMembers(members, m.structName(), where + ".");
                encodeStruct(s, at, m.structName(), members, where + ".");
            } else if (m.type() == SpecType.BINARY || m.type() == SpecType.STRING) {
                byte[] b = m.type() == SpecType.STRING ? string(v, where).getBytes(StandardCharsets.UTF_8)
                        : bytes(string(v, where), m.displayHint(), where);
                if (b.length > size) {
                    throw bad(where, "has " + b.length + " bytes, the member holds " + size);
                }
                s.asSlice(at, size).fill((byte) 0);
                MemorySegment.copy(MemorySegment.ofArray(b), 0, s, at, b.length);
            } else {
                long n = integer(v, m.type(), m.enumName() == null ? null : spec.enumeration(m.enumName()),
                        m.enumAsFlags(),
                        m.displayHint(), Checks.NONE, where);
                boolean big = (m.byteOrder() == null ? ByteOrder.nativeOrder() : m.byteOrder()) == ByteOrder.BIG_ENDIAN;
                switch (size) {
                    case 1 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) n);
                    case 2 -> s.set(big ? OrderedLayouts.SHORT_BIG : OrderedLayouts.SHORT_LITTLE, at, (short) n);
                    case 4 -> s.set(big ? OrderedLayouts.INT_BIG : OrderedLayouts.INT_LITTLE, at, (int) n);
                    default -> s.set(big ? OrderedLayouts.LONG_BIG : OrderedLayouts.LONG_LITTLE, at, n);
                }
            }
            at += size;
        }
    }

    private void writeSet(AttributeWriter w, AttributeSet set, Map<?, ?> values, String path,
                          List<String> allowed, Scope outer) {
        Map<String, ?> named = named(values, path);
        Scope scope = new Scope(named, outer);
        for (Map.Entry<String, ?> e : named.entrySet()) {
            String name = e.getKey();
            SpecAttribute a = set.attribute(name).orElseThrow(() -> bad(path + name, "is not an attribute of set '"
                    + set.name() + "'; valid: " + set.names()));
            // An attribute of the set that the request's list leaves out is sent all the same, as the kernel's
            // cli.py sends it: the kernel is the judge (nlctrl's getfamily takes a family-id its spec omits).
            Object v = e.getValue();
            if (a.multiAttr() && v instanceof Collection<?> items) {
                int i = 0;
                for (Object item : items) {
                    writeOne(w, a, item, path + name + "[" + i++ + "]", scope);
                }
            } else {
                writeOne(w, a, v, path + name, scope);
            }
        }
    }

    private void writeOne(AttributeWriter w, SpecAttribute a, Object v, String path, Scope scope) {
        if (v == null) {
            throw bad(path, "needs a value");
        }
        long offset = w.position();
        Checks c = a.checks();
        switch (a.type()) {
            case NEST -> {
                Map<?, ?> inner = map(v, path);
                written.add(new Written(offset, path));
                nestSets.put(offset, a.nestedAttributes());
                int token = w.beginNested(a.value());
                writeSet(w, spec.attributeSet(a.nestedAttributes()), inner, path + ".", null, scope);
                w.endNested(token);
                return;
            }
            case SUB_MESSAGE -> {
                SpecSubMessage.Format format = subMessageFormat(a, scope.lookup(a.selector()), path);
                Map<?, ?> inner = map(v, path);
                Map<String, Object> attrs = new LinkedHashMap<>(named(inner, path + "."));
                byte[] header = null;
                if (format.fixedHeader() != null) {
                    header = new byte[spec.structSize(format.fixedHeader())];
                    requireMembersOrAttributes(inner, format, path + ".");
                    encodeStruct(MemorySegment.ofArray(header), 0, format.fixedHeader(), inner, path + ".");
                    spec.struct(format.fixedHeader()).members().forEach(m -> attrs.remove(m.name()));
                }
                if (format.attributeSet() == null) {
                    if (!attrs.isEmpty()) {
                        throw bad(path + "." + attrs.keySet().iterator().next(), "is not part of the '"
                                + format.value() + "' format of " + a.subMessage() + ", which has no attributes");
                    }
                    // The struct alone, not nested (pfifo's tc-fifo-qopt), as the kernel's YNL writes it.
                    w.putBytes(a.value(), header == null ? new byte[0] : header);
                    break;
                }
                written.add(new Written(offset, path));
                nestSets.put(offset, format.attributeSet());
                int token = w.beginNested(a.value());
                if (header != null) {
                    w.putUnframed(header);
                }
                writeSet(w, spec.attributeSet(format.attributeSet()), attrs, path + ".", null, scope);
                w.endNested(token);
                return;
            }
            case INDEXED_ARRAY -> {
                if (!(v instanceof Collection<?> items)) {
                    throw bad(path, "is an indexed-array: it takes a list, got " + describe(v));
                }
                written.add(new Written(offset, path));
                int token = w.beginNested(a.value());
                int i = 0;
                for (Object item : items) {
                    writeArrayItem(w, a, item, i++, path + "[" + (i - 1) + "]", scope);
                }
                w.endNested(token);
                return;
            }
            case NEST_TYPE_VALUE -> {
                Map<String, ?> inner = named(map(v, path), path + ".");
                written.add(new Written(offset, path));
                Map<String, Object> attrs = new LinkedHashMap<>(inner);
                int[] tokens = new int[a.typeValue().size() + 1];
                tokens[0] = w.beginNested(a.value());
                int level = 1;
                for (String levelName : a.typeValue()) {
                    Object type = attrs.remove(levelName);
                    if (type == null) {
                        throw bad(path + "." + levelName, "is a level of this nest-type-value and needs a value");
                    }
                    long n = integer(type, SpecType.U16, null, false, null, Checks.NONE, path + "." + levelName);
                    if (n < 1 || n > AttributeWriter.MAX_TYPE) {
                        throw bad(path + "." + levelName, n + " is not an attribute type 1.." + AttributeWriter.MAX_TYPE);
                    }
                    tokens[level++] = w.beginNested((int) n);
                }
                writeSet(w, spec.attributeSet(a.nestedAttributes()), attrs, path + ".", null, scope);
                for (int l = tokens.length - 1; l >= 0; l--) {
                    w.endNested(tokens[l]);
                }
                return;
            }
            case FLAG -> {
                if (!(v instanceof Boolean present)) {
                    throw bad(path, "is a flag: it takes true or false, got " + describe(v));
                }
                if (!present) {
                    return; // a false flag is not sent, as the kernel's YNL does
                }
                w.putFlag(a.value());
            }
            case STRING -> {
                String s = string(v, path);
                long length = s.getBytes(StandardCharsets.UTF_8).length;
                checkLength(length, c, path);
                try {
                    w.putString(a.value(), s);
                } catch (IllegalArgumentException notAString) {
                    throw bad(path, notAString.getMessage()); // a NUL or an unpaired surrogate inside
                }
            }
            case BINARY -> {
                byte[] bytes;
                if (v instanceof Map<?, ?> m && a.structName() != null) {
                    bytes = new byte[spec.structSize(a.structName())];
                    requireMembers(m, a.structName(), path + ".");
                    encodeStruct(MemorySegment.ofArray(bytes), 0, a.structName(), m, path + ".");
                } else if (v instanceof byte[] b) {
                    bytes = b;
                } else if (v instanceof String s) {
                    bytes = bytes(s, a.displayHint(), path);
                } else {
                    throw bad(path, "takes hex text" + (a.structName() != null ? " or the members of struct "
                            + a.structName() : "") + ", got " + describe(v));
                }
                checkLength(bytes.length, c, path);
                w.putBytes(a.value(), bytes);
            }
            case BITFIELD32 -> {
                Map<String, ?> m = named(map(v, path), path + ".");
                SpecEnum e = a.enumName() == null ? null : spec.enumeration(a.enumName());
                long value = integer(m.get("value"), SpecType.U32, e, true, null, Checks.NONE, path + ".value");
                long selector = integer(m.get("selector"), SpecType.U32, e, true, null, Checks.NONE,
                        path + ".selector");
                w.putBitfield32(a.value(), (int) value, (int) selector);
            }
            case U8, U16, U32, U64, S8, S16, S32, S64, UINT, SINT -> {
                SpecEnum e = a.enumName() == null ? null : spec.enumeration(a.enumName());
                long n = integer(v, a.type(), e, a.enumAsFlags(), a.displayHint(), c, path);
                switch (a.type()) {
                    case U8 -> w.putU8(a.value(), (int) n);
                    case S8 -> w.putS8(a.value(), (int) n);
                    case U16 -> w.putU16(a.value(), (int) n, a.byteOrder());
                    case S16 -> w.putS16(a.value(), (int) n);
                    case U32 -> w.putU32(a.value(), n, a.byteOrder());
                    case S32 -> w.putS32(a.value(), (int) n);
                    case U64 -> w.putU64(a.value(), n, a.byteOrder());
                    case S64 -> w.putS64(a.value(), n);
                    case UINT -> w.putUint(a.value(), n);
                    default -> w.putSint(a.value(), n);
                }
            }
            default -> throw bad(path, "is of type " + a.type().yamlName() + ", which requests cannot carry yet");
        }
        written.add(new Written(offset, path));
    }

    /**
     * One item of an indexed-array: its type is its index. A nest item may come as the decoder shows it, one
     * index naming the nest's values ({@code {"1": {...}}}); otherwise items are numbered from 1, as tc numbers
     * its actions (the kernel reads a table's items by index and ignores index 0 there).
     */
    private void writeArrayItem(AttributeWriter w, SpecAttribute a, Object item, int i, String path, Scope scope) {
        if (item == null) {
            throw bad(path, "needs a value");
        }
        int index = i + 1;
        SpecType sub = a.subType();
        if (sub == SpecType.NEST) {
            Map<?, ?> values = map(item, path);
            if (values.size() == 1 && values.keySet().iterator().next() instanceof String key
                    && parseInteger(key) != null && values.get(key) instanceof Map<?, ?> inner) {
                BigInteger n = parseInteger(key);
                if (n.signum() < 1 || n.compareTo(BigInteger.valueOf(AttributeWriter.MAX_TYPE)) > 0) {
                    throw bad(path, "index " + n + " is not an attribute type 1.." + AttributeWriter.MAX_TYPE);
                }
                index = n.intValue();
                values = inner;
            }
            if (index > AttributeWriter.MAX_TYPE) {
                throw bad(path, "an indexed-array holds at most " + AttributeWriter.MAX_TYPE + " items");
            }
            int token = w.beginNested(index);
            writeSet(w, spec.attributeSet(a.nestedAttributes()), values, path + ".", null, scope);
            w.endNested(token);
            return;
        }
        if (index > AttributeWriter.MAX_TYPE) {
            throw bad(path, "an indexed-array holds at most " + AttributeWriter.MAX_TYPE + " items");
        }
        if (sub == SpecType.BINARY) {
            w.putBytes(index, item instanceof byte[] b ? b : bytes(string(item, path), a.displayHint(), path));
        } else if (sub.isFixedScalar()) {
            long n = integer(item, sub, null, false, a.displayHint(), Checks.NONE, path);
            switch (sub) {
                case U8 -> w.putU8(index, (int) n);
                case S8 -> w.putS8(index, (int) n);
                case U16 -> w.putU16(index, (int) n, a.byteOrder());
                case S16 -> w.putS16(index, (int) n);
                case U32 -> w.putU32(index, n, a.byteOrder());
                case S32 -> w.putS32(index, (int) n);
                case U64 -> w.putU64(index, n, a.byteOrder());
                default -> w.putS64(index, n);
            }
        } else {
            throw bad(path, "an indexed-array of " + sub.yamlName() + " cannot be written");
        }
    }

    /** Fails on a key that is neither a member of the format's fixed header nor an attribute of its set. */
    private void requireMembersOrAttributes(Map<?, ?> values, SpecSubMessage.Format format, String path) {
        List<String> valid = new ArrayList<>();
        spec.struct(format.fixedHeader()).members().forEach(m -> valid.add(m.name()));
        if (format.attributeSet() != null) {
            valid.addAll(spec.attributeSet(format.attributeSet()).names());
        }
        for (String key : named(values, path).keySet()) {
            if (!valid.contains(key)) {
                throw bad(path + key, "is not part of the '" + format.value() + "' format; valid: " + valid);
            }
        }
    }

    /** The format of sub-message attribute {@code a} that its selector's value {@code selected} chooses. */
    private SpecSubMessage.Format subMessageFormat(SpecAttribute a, Object selected, String path) {
        SpecSubMessage sub = spec.subMessage(a.subMessage());
        if (selected == null) {
            throw bad(path, "is chosen by '" + a.selector() + "', which the request does not give; its values: "
                    + sub.values());
        }
        return sub.format(String.valueOf(selected)).orElseThrow(() -> bad(path, "'" + a.selector() + "' is '"
                + selected + "', for which " + a.subMessage() + " has no format; it has " + sub.values()));
    }

    /**
     * An integer from a number, a numeric string, an enum entry's name or (flags) a list of names, checked against
     * the type's range and the spec's min and max.
     */
    private long integer(Object v, SpecType t, SpecEnum e, boolean asFlags, String hint, Checks c, String path) {
        if (v == null) {
            throw bad(path, "needs a value");
        }
        // The common case, a boxed whole number in the type's range and no checks: no BigInteger (bulk requests
        // encode millions of these). Anything else takes the general path, which also words the errors.
        if ((v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)
                && c.min() == null && c.max() == null) {
            long x = ((Number) v).longValue();
            if (fitsLong(x, t)) {
                return x;
            }
        }
        BigInteger n;
        if (v instanceof Number num) {
            n = num instanceof BigInteger b ? b : BigInteger.valueOf(num.longValue());
            if (num instanceof Double || num instanceof Float) {
                throw bad(path, "takes an integer, got " + v);
            }
        } else if (v instanceof Collection<?> names && e != null) {
            long bits = 0;
            for (Object name : names) {
                if (!(name instanceof String entry)) {
                    throw bad(path, "takes names of " + e.name() + ", got " + describe(name));
                }
                bits |= entryValue(e, entry, true, path);
            }
            n = BigInteger.valueOf(bits);
        } else if (v instanceof String s) {
            BigInteger parsed = parseInteger(s);
            if (parsed != null) {
                n = parsed;
            } else if (e != null) {
                n = BigInteger.valueOf(entryValue(e, s, asFlags, path));
            } else if ("ipv4".equals(hint)) {
                try {
                    n = BigInteger.valueOf(DisplayHints.parseIpv4(s));
                } catch (IllegalArgumentException notAnAddress) {
                    throw bad(path, notAnAddress.getMessage());
                }
            } else {
                throw bad(path, "takes an integer, got '" + s + "'");
            }
        } else {
            throw bad(path, "takes an integer" + (e != null ? " or a name of " + e.name() : "") + ", got "
                    + describe(v));
        }
        BigInteger[] range = range(t);
        if (n.compareTo(range[0]) < 0 || n.compareTo(range[1]) > 0) {
            throw bad(path, n + " is out of range " + range[0] + ".." + range[1] + " for " + t.yamlName());
        }
        if (c.min() != null && n.compareTo(c.min()) < 0) {
            throw bad(path, n + " is below the minimum " + c.min() + " the spec allows");
        }
        if (c.max() != null && n.compareTo(c.max()) > 0) {
            throw bad(path, n + " is above the maximum " + c.max() + " the spec allows");
        }
        return n.longValue();
    }

    private static long entryValue(SpecEnum e, String name, boolean asFlags, String path) {
        SpecEnum.Entry entry = e.entry(name).orElseThrow(() -> bad(path, "'" + name + "' is not in " + e.name()
                + "; valid: " + e.names()));
        return e.wireValue(entry, asFlags);
    }

    private static void checkLength(long length, Checks c, String path) {
        if (c.maxLen() != null && length > c.maxLen()) {
            throw bad(path, "is " + length + " bytes long, the spec allows at most " + c.maxLen());
        }
        if (c.minLen() != null && length < c.minLen()) {
            throw bad(path, "is " + length + " bytes long, the spec needs at least " + c.minLen());
        }
        if (c.exactLen() != null && length != c.exactLen()) {
            throw bad(path, "is " + length + " bytes long, the spec needs exactly " + c.exactLen());
        }
    }

    /** Whether {@code x} lies in the range of {@link #range}{@code (t)}: the same bounds, in long arithmetic. */
    private static boolean fitsLong(long x, SpecType t) {
        return switch (t) {
            case U8 -> x >= 0 && x <= 0xFF;
            case U16 -> x >= 0 && x <= 0xFFFF;
            case U32 -> x >= 0 && x <= 0xFFFF_FFFFL;
            case U64, UINT -> x >= 0;
            case S8 -> x >= Byte.MIN_VALUE && x <= Byte.MAX_VALUE;
            case S16 -> x >= Short.MIN_VALUE && x <= Short.MAX_VALUE;
            case S32 -> x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE;
            default -> true;
        };
    }

    private static BigInteger[] range(SpecType t) {
        return switch (t) {
            case U8 -> new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFF)};
            case U16 -> new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFFFF)};
            case U32 -> new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(0xFFFF_FFFFL)};
            case U64, UINT -> new BigInteger[] {BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)};
            case S8 -> new BigInteger[] {BigInteger.valueOf(Byte.MIN_VALUE), BigInteger.valueOf(Byte.MAX_VALUE)};
            case S16 -> new BigInteger[] {BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE)};
            case S32 -> new BigInteger[] {BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)};
            default -> new BigInteger[] {BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)};
        };
    }

    private static BigInteger parseInteger(String s) {
        String t = s.trim();
        // A name ("unicast") is no number: said without the exception BigInteger would throw for it.
        if (t.isEmpty() || !(Character.isDigit(t.charAt(0)) || t.charAt(0) == '-' || t.charAt(0) == '+')) {
            return null;
        }
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return new BigInteger(t.substring(2), 16);
            }
            return new BigInteger(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Map<?, ?> map(Object v, String path) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw bad(path, "takes named values (a map or JSON object), got " + describe(v));
    }

    /** {@code values} with its keys as names; a key that is not a string fails naming where it was. */
    @SuppressWarnings("unchecked")
    private static Map<String, ?> named(Map<?, ?> values, String path) {
        // Checked in place rather than copied: every key a String makes the map what it is read as.
        for (Object key : values.keySet()) {
            if (!(key instanceof String)) {
                throw bad(path.isEmpty() ? "request" : path.substring(0, path.length() - 1), "has a key that is"
                        + " not a name: " + describe(key));
            }
        }
        return (Map<String, ?>) values;
    }

    /** Fails unless every key of {@code members} is a member of struct {@code structName}. */
    private void requireMembers(Map<?, ?> members, String structName, String path) {
        List<String> valid = spec.struct(structName).members().stream().map(SpecStruct.Member::name).toList();
        for (String key : named(members, path).keySet()) {
            if (!valid.contains(key)) {
                throw bad(path + key, "is not a member of struct " + structName + "; valid: " + valid);
            }
        }
    }

    private static String string(Object v, String path) {
        if (v instanceof String s) {
            return s;
        }
        throw bad(path, v == null ? "needs a value" : "takes a string, got " + describe(v));
    }

    private static byte[] bytes(String text, String hint, String path) {
        try {
            return DisplayHints.parseBytes(text, hint);
        } catch (IllegalArgumentException e) {
            throw bad(path, e.getMessage());
        }
    }

    /** A value as the request gave it, without Java class names: {@code 'text'}, 16, true, a list, an object. */
    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Map<?, ?>) {
            return "an object " + v;
        }
        if (v instanceof Collection<?>) {
            return "a list " + v;
        }
        if (v instanceof byte[] b) {
            return b.length + " bytes";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static IllegalArgumentException bad(String path, String problem) {
        return new IllegalArgumentException(path + ": " + problem);
    }
}
