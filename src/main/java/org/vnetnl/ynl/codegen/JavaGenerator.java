package org.vnetnl.ynl.codegen;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecConstant;
import org.vnetnl.ynl.SpecEnum;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecSchema;
import org.vnetnl.ynl.SpecStruct;
import org.vnetnl.ynl.SpecType;
import org.vnetnl.ynl.YnlSpec;

/**
 * Generates typed Java for one generic netlink family from its YNL spec ({@link org.vnetnl.ynl.SpecLoader}), in
 * the manner of a flyweight codec generator: the code sits on {@link org.vnetnl.genl.AttributeReader} and
 * {@link org.vnetnl.genl.AttributeWriter} and allocates nothing on the request/reply path.
 *
 * <h2>What is generated</h2>
 * For a family {@code F} (its spec name in upper camel case, e.g. {@code netdev} gives {@code Netdev}):
 * <ul>
 *   <li>{@code F}: a constant for every number: family name and version, the spec's {@code const} definitions,
 *       {@code F.Cmd} (command numbers; {@code X_REPLY} when a reply's number differs from the request's),
 *       {@code F.Mcgrp} (multicast group names) and, per attribute set {@code S}, {@code F.S} (attribute
 *       numbers).</li>
 *   <li>Per {@code enum} or {@code flags} definition, a Java enum with the spec's names, {@code value()} (the
 *       number on the wire: for flags the bit), {@code specName()} and {@code of(long)} (null when unknown).</li>
 *   <li>Per attribute set {@code S}, {@code SReader}: a flyweight that {@code wrap}s a message or an attribute
 *       range, indexes it in one pass ({@link org.vnetnl.genl.AttributeIndex}: the absolute offset of each
 *       attribute it knows) and reads any attribute
 *       from there: {@code hasX()}, {@code x()} (a number, a flag's presence, a nested set's reader),
 *       {@code xCount()} and {@code x(int)} for {@code multi-attr} and {@code indexed-array}; strings and binaries
 *       have allocation-free accessors ({@code xEquals}, {@code xLength}, {@code copyX}) and copying ones
 *       ({@code x()} gives a {@code String}, {@code xCopy()} a {@code byte[]}) for values kept past the next call.
 *       A reader over a connection's receive buffer fails with {@link IllegalStateException} once the connection
 *       received again, rather than read the next reply's bytes; an absent attribute read fails with
 *       {@link java.util.NoSuchElementException} naming it.</li>
 *   <li>Per attribute set, {@code SWriter}: typed setters over an {@code AttributeWriter}, {@code beginX()} for a
 *       nest (ended with the nested writer's {@code end()}).</li>
 *   <li>Per operation {@code O}, {@code ORequest} (do) and {@code ODumpRequest} (dump): setters for the request's
 *       attributes and {@code call()} / {@code dump(handler)}, which hand back the reply as the operation's set
 *       reader (one instance per request object, reused).</li>
 *   <li>{@code FClient}: over a caller-owned {@link org.vnetnl.genl.GenlConnection}, one method per request,
 *       {@code joinG()} per multicast group and {@code receiveNotification}, which calls the typed method of
 *       {@code FClient.Notifications} for each notification or event ({@code unknown} for others).</li>
 * </ul>
 *
 * <h2>Names</h2>
 * Spec names are split at every character that is not a letter or digit: types become upper camel case
 * ({@code page-pool} gives {@code PagePool}), members lower camel case ({@code xdp-features} gives
 * {@code xdpFeatures}), constants upper snake case ({@code XDP_FEATURES}). A name starting with a digit gets a
 * leading {@code _}. A name that is a Java keyword, a literal, a contextual keyword or a method of
 * {@code Object} gets a trailing {@code _} ({@code default} gives {@code default_}). When two spec names map to
 * the same Java name in one scope (a package, a class), or a spec name maps to a member the generator itself
 * defines ({@code wrap}, {@code end}, ...) or to a {@code java.lang} type the generated code uses (an attribute
 * set called {@code string} gives the constants class {@code String_2}), the later one in spec order gets {@code _2}, {@code _3}, ...
 * appended. Derived members ({@code hasX}, {@code xCount}) are named as the spec name with a suffix word
 * ({@code has-x}, {@code x-count}) and follow the same rules.
 *
 * <h2>Fixed headers, netlink-raw families, sub-messages</h2>
 * <ul>
 *   <li>Per {@code struct} {@code T}, a class {@code T} ({@link StructGenerator}): a flyweight with a getter and a
 *       setter per member. An operation's {@code fixed-header} is zeroed in its request, set with the request's
 *       setters (one per member) or {@code header()}, and read from a reply with the reader's {@code header()}.
 *       A binary attribute that holds a struct gets a reader overload taking the struct class.</li>
 *   <li>A netlink-raw spec ({@code protocol: netlink-raw}) gives {@code F.PROTONUM}; its client runs over a
 *       connection of that protocol ({@code GenlConnection.openRaw(F.PROTONUM, ...)}), sends requests of the
 *       message types of the operations' {@code value}s and receives notifications by message type. Its
 *       {@code do} requests have {@code create()}, {@code excl()}, {@code replace()}, {@code append()} for
 *       NLM_F_CREATE and the like. There is no {@code checkKernel}: such families publish no policy.</li>
 *   <li>{@code F.Group}: the multicast groups as an enum, joined with {@code FClient.join(F.Group)} and left
 *       with {@code leave}: by number for netlink-raw (the spec's {@code value}), by name for generic
 *       netlink.</li>
 *   <li>{@code sub-message} attributes ({@link SubMessageGenerator}) and {@code nest-type-value} attributes of one
 *       or two levels ({@link TypeValueGenerator}).</li>
 * </ul>
 *
 * <h2>Not supported</h2>
 * {@code nest-type-value} of more than two levels, {@code multi-attr} sub-messages, {@code indexed-array} of
 * sub-types other than nests, binaries, strings and integers, and netlink-raw operations without a fixed header
 * fail generation with a {@link MalformedSpecException} naming the spec file, the line and the construct.
 *
 * <p>The output depends on the spec and the package only, never on time or machine: two runs give identical
 * files. Pure Java; usable at build time.
 */
public final class JavaGenerator {

    /** The first line of every generated file, before the spec's file name. */
    public static final String HEADER = "// Generated by org.vnetnl.ynl.codegen.JavaGenerator from ";

    /** The longest spec name or package part the generator takes (see {@link #checkNameLengths}). */
    public static final int MAX_NAME = 100;
    /** A string constant's limit in a class file (a CONSTANT_Utf8 entry). */
    private static final int MAX_STRING_CONSTANT = 65535;

    private static final Pattern PACKAGE = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    final YnlSpec spec;
    final String javaPackage;
    final String specFile;
    /** The java.lang types generated code names: a generated type of that name would hide them. */
    private static final String[] JAVA_LANG_TYPES = {"String", "Object", "Override", "Integer", "Long", "Boolean",
        "Byte", "Short", "StringBuilder", "IllegalStateException", "IndexOutOfBoundsException", "FunctionalInterface",
        "Enum", "Math", "System"};

    private final JavaNames types = new JavaNames(JAVA_LANG_TYPES);
    final String familyClass;
    final String clientClass;
    final Map<String, String> enumClass = new LinkedHashMap<>();
    final Map<String, String> setConstants = new LinkedHashMap<>();
    final Map<String, Map<String, String>> attributeConstants = new HashMap<>();
    final Map<String, String> readerClass = new LinkedHashMap<>();
    final Map<String, String> writerClass = new LinkedHashMap<>();
    final Map<String, String> structClass = new LinkedHashMap<>();
    // Attribute set -> the fixed header of the messages whose top-level attributes it holds, if any.
    final Map<String, String> headerOf = new HashMap<>();
    final java.util.Set<String> setsAfterAHeader;
    final Map<String, String> commandConstant = new LinkedHashMap<>();
    final Map<String, String> replyCommandConstant = new LinkedHashMap<>();
    final Map<String, String> groupConstant = new LinkedHashMap<>();
    final Map<String, String> constantName = new LinkedHashMap<>();
    final SpecSchema schema;
    // "operation/do" or "operation/dump" -> the constant of its request policy in the nested class Policy.
    final Map<String, String> policyConstant = new LinkedHashMap<>();
    // The policy of each attribute set nested in a request (one per set, shared by every nest naming it) -> its
    // constant in Policy, in the order they are declared: a policy after those it nests.
    final Map<AttributePolicy, String> nestedPolicyConstant = new IdentityHashMap<>();
    final List<Map.Entry<AttributeSet, AttributePolicy>> nestedPolicies = new ArrayList<>();

    private JavaGenerator(YnlSpec spec, String javaPackage) {
        this.spec = spec;
        this.javaPackage = javaPackage;
        this.specFile = spec.file() == null ? spec.name() + ".yaml" : String.valueOf(spec.file().getFileName());
        this.schema = SpecSchema.of(spec);
        familyClass = types.type(spec.name());
        clientClass = types.type(spec.name() + "-client");
        for (SpecEnum e : spec.enums().values()) {
            enumClass.put(e.name(), types.type(e.name()));
        }
        for (AttributeSet set : spec.attributeSets().values()) {
            readerClass.put(set.name(), types.type(set.name() + "-reader"));
            writerClass.put(set.name(), types.type(set.name() + "-writer"));
        }
        for (String struct : spec.structs().keySet()) {
            structClass.put(struct, types.type(struct));
        }
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() != null && op.fixedHeader() != null) {
                headerOf.putIfAbsent(op.attributeSet(), op.fixedHeader());
            }
        }
        setsAfterAHeader = SubMessageGenerator.setsAfterAHeader(spec);
        JavaNames nested = new JavaNames(JAVA_LANG_TYPES);
        nested.reserve("Cmd");
        nested.reserve("Mcgrp");
        nested.reserve("Group");
        nested.reserve("Policy");
        nested.reserve(familyClass); // a nested class cannot share its enclosing class's name
        JavaNames constants = new JavaNames("FAMILY_NAME", "VERSION", "PROTONUM", "SCHEMA");
        for (String name : new java.util.TreeSet<>(spec.constants().keySet())) {
            constantName.put(name, constants.constant(name));
        }
        for (AttributeSet set : spec.attributeSets().values()) {
            setConstants.put(set.name(), nested.type(set.name()));
            JavaNames inSet = new JavaNames();
            Map<String, String> names = new LinkedHashMap<>();
            for (SpecAttribute a : set.attributes()) {
                names.put(a.name(), inSet.constant(a.name()));
            }
            attributeConstants.put(set.name(), names);
        }
        JavaNames commands = new JavaNames();
        for (SpecOperation op : spec.operations().values()) {
            String main = commands.constant(op.name());
            commandConstant.put(op.name(), main);
            if (op.requestValue() >= 0 && op.replyValue() >= 0 && op.requestValue() != op.replyValue()) {
                replyCommandConstant.put(op.name(), commands.constant(op.name() + "-reply"));
            } else {
                replyCommandConstant.put(op.name(), main);
            }
        }
        JavaNames groups = new JavaNames();
        for (String group : spec.mcastGroups().keySet()) {
            groupConstant.put(group, groups.constant(group));
        }
        JavaNames policies = new JavaNames();
        for (SpecSchema.Request request : schema.requests()) {
            policyConstant.put(request.operation() + (request.dump() ? "/dump" : "/do"),
                    policies.constant(request.operation() + (request.dump() ? "-dump" : "")));
        }
        for (SpecSchema.Request request : schema.requests()) {
            nameNestedPolicies(spec.attributeSet(spec.operation(request.operation()).attributeSet()),
                    request.attributes(), policies);
        }
    }

    // The names the helper generators share.

    String structClass(String struct) {
        return structClass.get(struct);
    }

    String enumClass(String enumName) {
        return enumClass.get(enumName);
    }

    String readerClass(String set) {
        return readerClass.get(set);
    }

    String writerClass(String set) {
        return writerClass.get(set);
    }

    /** Names the policies nested in {@code policy} (of {@code set}), each after the ones nested in it. */
    private void nameNestedPolicies(AttributeSet set, AttributePolicy policy, JavaNames names) {
        for (AttributePolicy.AttributeSpec a : policy.specs()) {
            AttributePolicy nested = a.nestedPolicy().orElse(null);
            // An empty policy (a set nested in itself, where it repeats) is written out in place.
            if (nested == null || nested.specs().isEmpty() || nestedPolicyConstant.containsKey(nested)) {
                continue;
            }
            AttributeSet nestedSet = spec.attributeSet(set.attribute(a.type()).orElseThrow().nestedAttributes());
            nameNestedPolicies(nestedSet, nested, names);
            nestedPolicyConstant.put(nested, names.constant("nested-" + nestedSet.name()));
            nestedPolicies.add(Map.entry(nestedSet, nested));
        }
    }

    /**
     * The Java sources for {@code spec} in package {@code javaPackage}, keyed by their path relative to a source
     * root ({@code org/example/Netdev.java}), in name order.
     *
     * @throws MalformedSpecException when the spec uses a construct the generator does not support, naming the
     *                                file, line and construct
     * @throws MalformedSpecException when a name in the spec is longer than {@value #MAX_NAME} characters
     * @throws IllegalArgumentException when {@code javaPackage} is not a Java package name (a part is empty, is a
     *                                  keyword, or is longer than {@value #MAX_NAME} characters)
     */
    public static SortedMap<String, String> generate(YnlSpec spec, String javaPackage) throws MalformedSpecException {
        checkPackage(javaPackage);
        checkNameLengths(spec);
        JavaGenerator generator = new JavaGenerator(spec, javaPackage);
        generator.rejectUnsupported();
        return generator.sources();
    }

    /**
     * Generates into {@code sourceRoot}, rewriting only the files whose content changed (so that an unchanged
     * spec leaves their timestamps alone) and deleting the generated files of this package the spec no longer
     * produces.
     *
     * @return the files written or found up to date, in name order
     */
    public static List<Path> write(YnlSpec spec, String javaPackage, Path sourceRoot) throws IOException {
        SortedMap<String, String> sources = generate(spec, javaPackage);
        Path folder = sourceRoot.resolve(javaPackage.replace('.', '/'));
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceRoot.resolve(source.getKey());
            byte[] bytes = source.getValue().getBytes(StandardCharsets.UTF_8);
            if (!Files.isRegularFile(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
                Files.write(file, bytes);
            }
            written.add(file);
        }
        try (var files = Files.list(folder)) {
            for (Path old : files.sorted().toList()) {
                if (!written.contains(old) && old.toString().endsWith(".java") && Files.isRegularFile(old)
                        && Files.readString(old, StandardCharsets.UTF_8).startsWith(HEADER)) {
                    Files.delete(old);
                }
            }
        }
        return written;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Names and unsupported constructs

    private static void checkPackage(String javaPackage) {
        if (!PACKAGE.matcher(javaPackage).matches()) {
            throw new IllegalArgumentException("not a Java package name: '" + javaPackage + "'");
        }
        for (String part : javaPackage.split("\\.")) {
            if (JavaNames.isKeyword(part)) {
                throw new IllegalArgumentException("not a Java package name: '" + javaPackage + "' ('" + part
                        + "' is a Java keyword)");
            }
            if (part.length() > MAX_NAME) {
                throw new IllegalArgumentException("package part of " + part.length() + " characters is longer"
                        + " than the " + MAX_NAME + " the generator accepts (it becomes a folder name)");
            }
        }
    }

    /**
     * Refuses spec names longer than {@value #MAX_NAME} characters: a generated class file is named after two of
     * them at most ({@code Family$Set.class}), and a file name holds 255 bytes.
     */
    private static void checkNameLengths(YnlSpec spec) throws MalformedSpecException {
        checkLength(spec, spec.name(), 0, "name");
        for (SpecConstant c : spec.constants().values()) {
            checkLength(spec, c.name(), 0, "definitions." + c.name());
            if (c.number() == null && classFileLength(c.text()) > MAX_STRING_CONSTANT) {
                throw new MalformedSpecException(spec.file(), 0, "definitions." + c.name() + ".value",
                        "a string of more than " + MAX_STRING_CONSTANT + " bytes cannot be a Java constant");
            }
        }
        for (SpecEnum e : spec.enums().values()) {
            checkLength(spec, e.name(), 0, "definitions." + e.name());
            for (SpecEnum.Entry entry : e.entries()) {
                checkLength(spec, entry.name(), 0, "definitions." + e.name() + ".entries");
            }
        }
        for (AttributeSet set : spec.attributeSets().values()) {
            checkLength(spec, set.name(), 0, "attribute-sets." + set.name());
            for (SpecAttribute a : set.attributes()) {
                checkLength(spec, a.name(), a.line(), "attribute-sets." + set.name() + ".attributes");
            }
        }
        for (SpecOperation op : spec.operations().values()) {
            checkLength(spec, op.name(), op.line(), "operations.list");
        }
        for (String group : spec.mcastGroups().keySet()) {
            checkLength(spec, group, 0, "mcast-groups.list");
        }
    }

    /** The length of {@code text} in a class file's modified UTF-8 (JVMS 4.4.7). */
    private static long classFileLength(String text) {
        long length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += c >= 0x01 && c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3;
        }
        return length;
    }

    private static void checkLength(YnlSpec spec, String name, int line, String key) throws MalformedSpecException {
        if (name.length() > MAX_NAME) {
            throw new MalformedSpecException(spec.file(), line, key, "a name of " + name.length() + " characters ('"
                    + name.substring(0, 20) + "...') is longer than the " + MAX_NAME + " the Java generator accepts");
        }
    }

    private void rejectUnsupported() throws MalformedSpecException {
        for (SpecOperation op : spec.operations().values()) {
            if (spec.isNetlinkRaw() && op.attributeSet() != null && op.fixedHeader() == null) {
                // Every netlink-raw family of the kernel starts its messages with a struct; the readers rely on it.
                throw unsupported(op.line(), "operations." + op.name() + ".fixed-header",
                        "netlink-raw operations without a fixed header");
            }
        }
        for (AttributeSet set : spec.attributeSets().values()) {
            for (SpecAttribute a : set.attributes()) {
                String key = "attribute-sets." + set.name() + "." + a.name() + ".type";
                if (a.type() == SpecType.NEST_TYPE_VALUE && a.typeValue().size() > 2) {
                    throw unsupported(a.line(), key, "nest-type-value of more than two levels");
                }
                if (a.type() == SpecType.SUB_MESSAGE && a.multiAttr()) {
                    throw unsupported(a.line(), key, "multi-attr sub-messages");
                }
                if (a.type() == SpecType.INDEXED_ARRAY && a.subType() != SpecType.NEST && a.subType() != SpecType.BINARY
                        && a.subType() != SpecType.STRING && (a.subType() == null || !a.subType().isInteger())) {
                    throw unsupported(a.line(), key, "indexed-array of "
                            + (a.subType() == null ? "an unnamed sub-type" : a.subType().yamlName()));
                }
            }
        }
    }

    private MalformedSpecException unsupported(int line, String key, String construct) {
        return new MalformedSpecException(spec.file(), line, key, construct
                + " are not supported by the Java generator (org.vnetnl.ynl.codegen)");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Files

    private SortedMap<String, String> sources() {
        SortedMap<String, String> out = new TreeMap<>();
        String folder = javaPackage.replace('.', '/') + "/";
        out.put(folder + familyClass + ".java", new FamilyGenerator(this).familyConstants());
        EnumGenerator enums = new EnumGenerator(this);
        for (SpecEnum e : spec.enums().values()) {
            out.put(folder + enumClass.get(e.name()) + ".java", enums.enumeration(e));
        }
        StructGenerator structs = new StructGenerator(spec, this);
        for (SpecStruct struct : spec.structs().values()) {
            out.put(folder + structClass.get(struct.name()) + ".java", structs.generate(struct));
        }
        ReaderGenerator readers = new ReaderGenerator(this);
        WriterGenerator writers = new WriterGenerator(this);
        for (AttributeSet set : spec.attributeSets().values()) {
            out.put(folder + readerClass.get(set.name()) + ".java", readers.reader(set));
            out.put(folder + writerClass.get(set.name()) + ".java", writers.writer(set));
        }
        JavaNames clientMembers = new JavaNames("open", "connection", "family", "timeout", "checkKernel", "receiveNotification",
                "ReplyHandler", "Notifications", "requireOwn", "join", "leave");
        Map<String, String[]> requestClasses = new LinkedHashMap<>();
        RequestGenerator requests = new RequestGenerator(this);
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() == null) {
                continue;
            }
            if (op.doMode() != null && op.requestValue() >= 0) {
                String cls = types.type(op.name() + "-request");
                requestClasses.put(op.name() + "/do", new String[] {cls, clientMembers.member(op.name())});
                out.put(folder + cls + ".java", requests.request(op, op.doMode(), cls, false));
            }
            // A netlink-raw get whose spec lists only "do" (tc getqdisc, nftables gettable): its family answers the same
            // request with NLM_F_DUMP as a dump (iproute2 lists qdiscs so, cli.py's --dump sends it so), so it gets
            // a dump request too, with the do's attributes; a kernel without that dump refuses it with an errno.
            SpecOperation.Mode dumpMode = op.dumpMode() != null ? op.dumpMode()
                    : spec.isNetlinkRaw() && op.doMode() != null && op.doMode().reply() != null ? op.doMode() : null;
            if (dumpMode != null && op.requestValue() >= 0) {
                String cls = types.type(op.name() + "-dump-request");
                requestClasses.put(op.name() + "/dump", new String[] {cls, clientMembers.member(op.name() + "-dump")});
                out.put(folder + cls + ".java", requests.request(op, dumpMode, cls, true));
            }
        }
        out.put(folder + clientClass + ".java", new ClientGenerator(this).client(requestClasses, clientMembers));
        return out;
    }

    Src file() {
        Src s = new Src();
        s.line(HEADER + specFile + " (family " + spec.name() + ").");
        s.line("// Do not edit: change the spec and generate again.");
        s.line("package " + javaPackage + ";");
        s.line("");
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Readers

    String attrConstant(String set, String attribute) {
        return familyClass + "." + setConstants.get(set) + "." + attributeConstants.get(set).get(attribute);
    }

    static String order(ByteOrder order) {
        return order == ByteOrder.BIG_ENDIAN ? "java.nio.ByteOrder.BIG_ENDIAN" : "java.nio.ByteOrder.LITTLE_ENDIAN";
    }

    static String javaType(SpecType type) {
        return switch (type) {
            case U8, U16, S32 -> "int";
            case S8 -> "byte";
            case S16 -> "short";
            default -> "long";
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writers

    // ---------------------------------------------------------------------------------------------------------
    // Requests and the client

}
