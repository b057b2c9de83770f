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

    private final YnlSpec spec;
    private final String javaPackage;
    private final String specFile;
    /** The java.lang types generated code names: a generated type of that name would hide them. */
    private static final String[] JAVA_LANG_TYPES = {"String", "Object", "Override", "Integer", "Long", "Boolean",
        "Byte", "Short", "StringBuilder", "IllegalStateException", "IndexOutOfBoundsException", "FunctionalInterface",
        "Enum", "Math", "System"};

    private final JavaNames types = new JavaNames(JAVA_LANG_TYPES);
    private final String familyClass;
    private final String clientClass;
    private final Map<String, String> enumClass = new LinkedHashMap<>();
    private final Map<String, String> setConstants = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> attributeConstants = new HashMap<>();
    private final Map<String, String> readerClass = new LinkedHashMap<>();
    private final Map<String, String> writerClass = new LinkedHashMap<>();
    private final Map<String, String> structClass = new LinkedHashMap<>();
    // Attribute set -> the fixed header of the messages whose top-level attributes it holds, if any.
    private final Map<String, String> headerOf = new HashMap<>();
    private final java.util.Set<String> setsAfterAHeader;
    private final Map<String, String> commandConstant = new LinkedHashMap<>();
    private final Map<String, String> replyCommandConstant = new LinkedHashMap<>();
    private final Map<String, String> groupConstant = new LinkedHashMap<>();
    private final Map<String, String> constantName = new LinkedHashMap<>();
    private final SpecSchema schema;
    // "operation/do" or "operation/dump" -> the constant of its request policy in the nested class Policy.
    private final Map<String, String> policyConstant = new LinkedHashMap<>();
    // The policy of each attribute set nested in a request (one per set, shared by every nest naming it) -> its
    // constant in Policy, in the order they are declared: a policy after those it nests.
    private final Map<AttributePolicy, String> nestedPolicyConstant = new IdentityHashMap<>();
    private final List<Map.Entry<AttributeSet, AttributePolicy>> nestedPolicies = new ArrayList<>();

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
        out.put(folder + familyClass + ".java", familyConstants());
        for (SpecEnum e : spec.enums().values()) {
            out.put(folder + enumClass.get(e.name()) + ".java", enumeration(e));
        }
        StructGenerator structs = new StructGenerator(spec, this);
        for (SpecStruct struct : spec.structs().values()) {
            out.put(folder + structClass.get(struct.name()) + ".java", structs.generate(struct));
        }
        for (AttributeSet set : spec.attributeSets().values()) {
            out.put(folder + readerClass.get(set.name()) + ".java", reader(set));
            out.put(folder + writerClass.get(set.name()) + ".java", writer(set));
        }
        JavaNames clientMembers = new JavaNames("open", "connection", "family", "timeout", "checkKernel", "receiveNotification",
                "ReplyHandler", "Notifications", "requireOwn", "join", "leave");
        Map<String, String[]> requests = new LinkedHashMap<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() == null) {
                continue;
            }
            if (op.doMode() != null && op.requestValue() >= 0) {
                String cls = types.type(op.name() + "-request");
                requests.put(op.name() + "/do", new String[] {cls, clientMembers.member(op.name())});
                out.put(folder + cls + ".java", request(op, op.doMode(), cls, false));
            }
            if (op.dumpMode() != null && op.requestValue() >= 0) {
                String cls = types.type(op.name() + "-dump-request");
                requests.put(op.name() + "/dump", new String[] {cls, clientMembers.member(op.name() + "-dump")});
                out.put(folder + cls + ".java", request(op, op.dumpMode(), cls, true));
            }
        }
        out.put(folder + clientClass + ".java", client(requests, clientMembers));
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

    private String familyConstants() {
        Src s = file();
        s.line("import java.util.List;");
        s.line("import java.util.Optional;");
        s.line("");
        s.line("import org.vnetnl.genl.AttributeKind;");
        s.line("import org.vnetnl.genl.AttributePolicy;");
        s.line("import org.vnetnl.ynl.SpecSchema;");
        s.line("");
        s.line("/** Every number of the " + spec.name() + " family's spec, by its spec name. */");
        s.open("public final class " + familyClass + " {");
        s.line("/** The family name the kernel registers. */");
        s.line("public static final String FAMILY_NAME = " + JavaNames.literal(spec.name()) + ";");
        s.line("/** The family version sent in requests. */");
        s.line("public static final int VERSION = " + spec.version() + ";");
        if (spec.isNetlinkRaw()) {
            s.line("/** The netlink protocol of its sockets: open them with {@code GenlConnection.openRaw(PROTONUM, ...)}. */");
            s.line("public static final int PROTONUM = " + spec.protonum() + ";");
        }
        for (Map.Entry<String, String> c : constantName.entrySet()) {
            SpecConstant constant = spec.constants().get(c.getKey());
            s.line("/** {@code " + c.getKey() + "}. */");
            if (constant.number() != null) {
                s.line("public static final long " + c.getValue() + " = " + constant.number() + "L;");
            } else {
                s.line("public static final String " + c.getValue() + " = " + JavaNames.literal(constant.text()) + ";");
            }
        }
        s.line("");
        s.line("private " + familyClass + "() {}");
        s.line("");
        s.line("/** Command numbers: of the request, and of the reply or notification where it differs. */");
        s.open("public static final class Cmd {");
        for (SpecOperation op : spec.operations().values()) {
            int main = op.requestValue() >= 0 ? op.requestValue() : op.replyValue();
            s.line("/** {@code " + op.name() + "}. */");
            s.line("public static final int " + commandConstant.get(op.name()) + " = " + main + ";");
            if (!replyCommandConstant.get(op.name()).equals(commandConstant.get(op.name()))) {
                s.line("/** The reply of {@code " + op.name() + "}. */");
                s.line("public static final int " + replyCommandConstant.get(op.name()) + " = " + op.replyValue() + ";");
            }
        }
        s.line("");
        s.line("private Cmd() {}");
        s.close("}");
        s.line("");
        s.line("/** Multicast group names. */");
        s.open("public static final class Mcgrp {");
        for (Map.Entry<String, String> g : groupConstant.entrySet()) {
            s.line("public static final String " + g.getValue() + " = " + JavaNames.literal(g.getKey()) + ";");
        }
        s.line("");
        s.line("private Mcgrp() {}");
        s.close("}");
        groups(s);
        for (AttributeSet set : spec.attributeSets().values()) {
            String cls = setConstants.get(set.name());
            s.line("");
            s.line("/** Attribute numbers of the set {@code " + set.name() + "}. */");
            s.open("public static final class " + cls + " {");
            for (SpecAttribute a : set.attributes()) {
                s.line("/** {@code " + a.name() + "}, " + a.type().yamlName() + ". */");
                s.line("public static final int " + attributeConstants.get(set.name()).get(a.name()) + " = " + a.value() + ";");
            }
            s.line("");
            s.line("private " + cls + "() {}");
            s.close("}");
        }
        s.line("");
        s.line("/** The attributes of each request with the spec's checks: the policy the kernel must enforce, and the names of errors. */");
        s.open("public static final class Policy {");
        for (Map.Entry<AttributeSet, AttributePolicy> nested : nestedPolicies) {
            s.line("/** The attributes of set {@code " + nested.getKey().name() + "} where a request nests them. */");
            String[] calls = policyExpression(nested.getKey(), nested.getValue(), "\n").split("\n");
            s.line("private static final AttributePolicy " + nestedPolicyConstant.get(nested.getValue()) + " = "
                    + calls[0]);
            for (int i = 1; i < calls.length; i++) {
                s.line("        " + calls[i] + (i == calls.length - 1 ? ";" : ""));
            }
        }
        for (SpecSchema.Request request : schema.requests()) {
            SpecOperation op = spec.operation(request.operation());
            s.line("/** {@code " + request.label() + "}. */");
            // One attribute a line (nested policies stay on their attribute's line).
            String[] calls = policyExpression(spec.attributeSet(op.attributeSet()), request.attributes(), "\n").split("\n");
            s.line("public static final AttributePolicy " + policyConstant.get(request.operation() + (request.dump() ? "/dump" : "/do"))
                    + " = " + calls[0]);
            for (int i = 1; i < calls.length; i++) {
                s.line("        " + calls[i] + (i == calls.length - 1 ? ";" : ""));
            }
        }
        s.line("");
        s.line("private Policy() {}");
        s.close("}");
        if (spec.isNetlinkRaw()) {
            // A netlink-raw family publishes no policy to check against: no SCHEMA.
            s.close("}");
            return s.toString();
        }
        s.line("");
        s.line("/** What the running kernel must accept: checked by {@link " + clientClass + "#checkKernel(boolean)}. */");
        s.open("public static final SpecSchema SCHEMA = new SpecSchema(FAMILY_NAME, VERSION, List.of("
                + String.join(", ", schema.multicastGroups().stream().map(g -> "Mcgrp." + groupConstant.get(g)).toList())
                + "), List.of(");
        List<SpecSchema.Request> requests = schema.requests();
        for (int i = 0; i < requests.size(); i++) {
            SpecSchema.Request request = requests.get(i);
            s.line("new SpecSchema.Request(" + JavaNames.literal(request.operation()) + ", Cmd."
                    + commandConstant.get(request.operation()) + ", " + request.dump() + ", Policy."
                    + policyConstant.get(request.operation() + (request.dump() ? "/dump" : "/do")) + ")"
                    + (i == requests.size() - 1 ? "));" : ","));
        }
        if (requests.isEmpty()) {
            s.line("));");
        }
        s.depth--;
        s.close("}");
        return s.toString();
    }

    /** The enum {@code Group}: each multicast group by its Java name, which clients join and leave. */
    private void groups(Src s) {
        s.line("");
        s.line("/**");
        s.line(" * The multicast groups, joined with {@code " + clientClass + ".join(Group)}: " + (spec.isNetlinkRaw()
                ? "netlink-raw groups have the" : "generic netlink groups are"));
        s.line(" * " + (spec.isNetlinkRaw() ? "numbers the spec gives ({@link #value()}; -1 where it gives none)."
                : "joined by name; the kernel assigns their ids ({@link #value()} is -1)."));
        s.line(" */");
        s.open("public enum Group {");
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, String> g : groupConstant.entrySet()) {
            entries.add(g.getValue() + "(Mcgrp." + g.getValue() + ", " + spec.mcastGroups().get(g.getKey()).value() + ")");
        }
        for (int i = 0; i < entries.size(); i++) {
            s.line(entries.get(i) + (i == entries.size() - 1 ? ";" : ","));
        }
        if (entries.isEmpty()) {
            s.line(";");
        }
        s.line("");
        s.line("private final String specName;");
        s.line("private final int value;");
        s.line("");
        s.open("Group(String specName, int value) {");
        s.line("this.specName = specName;");
        s.line("this.value = value;");
        s.close("}");
        s.line("");
        s.line("/** The group's name in the spec. */");
        s.open("public String specName() {");
        s.line("return specName;");
        s.close("}");
        s.line("");
        s.line("/** The group's number on a netlink-raw socket, or -1 (a generic netlink group, or none in the spec). */");
        s.open("public int value() {");
        s.line("return value;");
        s.close("}");
        s.close("}");
    }

    /** {@code policy}, of the attributes of {@code set}, as a Java expression building it. */
    private String policyExpression(AttributeSet set, AttributePolicy policy, String breakBefore) {
        StringBuilder e = new StringBuilder("AttributePolicy.builder()");
        for (AttributePolicy.AttributeSpec a : policy.specs()) {
            SpecAttribute attribute = set.attribute(a.type()).orElseThrow();
            String nested = a.nestedPolicy().isEmpty() ? "Optional.empty()"
                    : a.nestedPolicy().get().specs().isEmpty() ? "Optional.of(AttributePolicy.builder().build())"
                    : "Optional.of(" + nestedPolicyConstant.get(a.nestedPolicy().get()) + ")";
            e.append(breakBefore).append(".add(new AttributePolicy.AttributeSpec(").append(setConstants.get(set.name())).append('.')
                    .append(attributeConstants.get(set.name()).get(attribute.name())).append(", ")
                    .append(JavaNames.literal(a.name())).append(", AttributeKind.").append(a.kind().name()).append(", ")
                    .append(a.minLength()).append(", ").append(a.maxLength()).append(", ").append(a.hasRange()).append(", ")
                    .append(a.min()).append("L, ").append(a.max()).append("L, ").append(nested).append("))");
        }
        return e.append(breakBefore).append(".build()").toString();
    }

    private String enumeration(SpecEnum e) {
        String cls = enumClass.get(e.name());
        Src s = file();
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

    // ---------------------------------------------------------------------------------------------------------
    // Readers

    String attrConstant(String set, String attribute) {
        return familyClass + "." + setConstants.get(set) + "." + attributeConstants.get(set).get(attribute);
    }

    /** The attributes a reader or writer has members for: all but pads and unused numbers. */
    private static List<SpecAttribute> accessible(AttributeSet set) {
        return set.attributes().stream().filter(a -> a.type() != SpecType.PAD && a.type() != SpecType.UNUSED).toList();
    }

    private String reader(AttributeSet set) {
        String cls = readerClass.get(set.name());
        List<SpecAttribute> attrs = accessible(set);
        JavaNames members = new JavaNames("wrap", "wrapNested", "view", "TYPES", "NAMES");
        String header = headerOf.get(set.name()) == null ? null : structClass.get(headerOf.get(set.name()));
        if (header != null) {
            members.reserve("header");
            members.reserve("HEADERS");
            members.reserve("hasHeader");
        }
        Src s = file();
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
            typeList.append(typeList.length() == 0 ? "" : ", ").append(attrConstant(set.name(), a.name()));
            nameList.append(nameList.length() == 0 ? "" : ", ").append(JavaNames.literal(a.name()));
        }
        s.line("private static final int[] TYPES = {" + typeList + "};");
        s.line("private static final String[] NAMES = {" + nameList + "};");
        s.line("private final AttributeIndex view = new AttributeIndex(" + JavaNames.literal(set.name()) + ", TYPES, NAMES);");
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
        s.line("");
        if (header != null) {
            s.line("/** Where the fixed header starts: after the netlink header" + (spec.isNetlinkRaw() ? "" : " and the generic netlink header") + ". */");
            s.line("private static final int HEADERS = " + (spec.isNetlinkRaw() ? 16 : 20) + ";");
            s.line("private final " + header + " header = new " + header + "();");
            s.line("private boolean hasHeader;");
            s.line("");
            s.line("/** Wraps the fixed header {@code " + headerOf.get(set.name()) + "} and the attributes of {@code message} (a reply, notification or dump part of this set). */");
            s.open("public " + cls + " wrap(GenlMessage message) {");
            // The attributes start after the fixed header, padded to 4; attributes(n) counts from the end of a
            // generic netlink header, which a netlink-raw message does not have (its headers are never under 4 bytes).
            s.line("view.wrap(message.attributes(((" + header + ".SIZE + 3) & ~3)" + (spec.isNetlinkRaw() ? " - 4" : "") + "));");
            s.line("header.wrap(message.segment(), message.offset() + HEADERS, message.length() - HEADERS, view);");
            s.line("hasHeader = true;");
            s.line("return this;");
            s.close("}");
            s.line("");
            s.line("/** The fixed header {@code " + headerOf.get(set.name()) + "} of the message this reader wraps, valid as long as this reader's bytes. */");
            s.open("public " + header + " header() {");
            s.line("view.requireValid();");
            s.open("if (!hasHeader) {");
            s.line("throw new IllegalStateException(\"this " + cls + " wraps a nest, which has no fixed header\");");
            s.close("}");
            s.line("return header;");
            s.close("}");
        } else if (!spec.isNetlinkRaw()) {
            s.line("/** Wraps the attributes of {@code message} (a reply, notification or dump part of this set). */");
            s.open("public " + cls + " wrap(GenlMessage message) {");
            s.line("view.wrap(message.attributes());");
            s.line("return this;");
            s.close("}");
        }
        s.line("");
        s.line("/** Wraps the range {@code attributes} covers, with its validity. */");
        s.open("public " + cls + " wrap(AttributeReader attributes) {");
        s.line("view.wrap(attributes);");
        if (header != null) {
            s.line("hasHeader = false;");
        }
        s.line("return this;");
        s.close("}");
        s.line("");
        s.line("/** Wraps the payload of the current attribute of {@code parent}, a nest of this set. */");
        s.open("public " + cls + " wrapNested(AttributeReader parent) {");
        s.line("view.wrapNested(parent);");
        if (header != null) {
            s.line("hasHeader = false;");
        }
        s.line("return this;");
        s.close("}");
        if (setsAfterAHeader.contains(set.name())) {
            s.line("");
            s.line("/** Wraps the payload of the current attribute of {@code parent} after a struct of {@code headerLength} bytes: a sub-message's. */");
            s.open("public " + cls + " wrapNested(AttributeReader parent, int headerLength) {");
            s.line("view.wrapNested(parent, headerLength);");
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
        s.line("view.requireValid();");
        s.line("StringBuilder out = new StringBuilder(\"{\");");
        for (int i = 0; i < attrs.size(); i++) {
            SpecAttribute a = attrs.get(i);
            String n = names.get(a);
            s.open("if (view.has(" + i + ")) {");
            s.line("out.append(out.length() > 1 ? \", \" : \"\").append(" + JavaNames.literal(a.name() + "=") + ");");
            String nestedReader = a.nestedAttributes() == null ? null : readerClass.get(a.nestedAttributes());
            if (a.type() == SpecType.SUB_MESSAGE) {
                s.line("out.append(java.util.HexFormat.of().formatHex(" + n + "().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));");
            } else if (a.type() == SpecType.NEST_TYPE_VALUE) {
                s.line("out.append(" + members.existing(a.name() + "-count") + "()).append(\" entries\");");
            } else if (a.type() == SpecType.INDEXED_ARRAY || a.multiAttr()) {
                String count = a.type() == SpecType.INDEXED_ARRAY ? members.existing(a.name() + "-count") + "()"
                        : "view.count(" + i + ")";
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
            s.line("return view.has(" + i + ");");
            s.close("}");
            return;
        }
        s.line("/** Whether {@code " + a.name() + "} is present. */");
        s.open("public boolean " + members.member("has-" + a.name()) + "() {");
        s.line("return view.has(" + i + ");");
        s.close("}");
        if (a.type() == SpecType.SUB_MESSAGE) {
            new SubMessageGenerator(spec, this).reader(s, set, a, i, name, members, slots);
            return;
        }
        if (a.type() == SpecType.NEST_TYPE_VALUE) {
            new TypeValueGenerator(this).reader(s, a, i, name, members);
            return;
        }
        if (a.type() == SpecType.INDEXED_ARRAY) {
            String count = members.member(a.name() + "-count");
            s.line("");
            s.line("/** The number of entries of the indexed array {@code " + a.name() + "}. */");
            s.open("public int " + count + "() {");
            s.line("return view.itemCount(" + i + ");");
            s.close("}");
            s.line("");
            String item = "view.item(" + i + ", index)";
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
                s.open("public " + javaType(a.subType()) + " " + name + "(int index) {");
                s.line("return " + readExpression(a.subType(), a.byteOrder(), item) + ";");
                s.close("}");
            }
            return;
        }
        if (a.multiAttr()) {
            s.line("");
            s.line("/** How many times {@code " + a.name() + "} occurs. */");
            s.open("public int " + members.member(a.name() + "-count") + "() {");
            s.line("return view.count(" + i + ");");
            s.close("}");
        }
        String param = a.multiAttr() ? "int index" : "";
        String at = a.multiAttr() ? "view.nth(" + i + ", index)" : "view.at(" + i + ")";
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
                    s.line("return target.wrap(r.segment(), r.payloadOffset(), r.payloadLength(), view);");
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
                s.open("public " + javaType(a.type()) + " " + name + "(" + param + ") {");
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

    private static String order(ByteOrder order) {
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

    private static String readExpression(SpecType type, ByteOrder order, String r) {
        String o = order == null ? "" : order(order);
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

    // ---------------------------------------------------------------------------------------------------------
    // Writers

    private String writer(AttributeSet set) {
        String cls = writerClass.get(set.name());
        JavaNames members = new JavaNames("wrap", "open", "end", "out", "token");
        Src s = file();
        s.line("import org.vnetnl.genl.AttributeWriter;");
        s.line("");
        s.line("/** Writes attributes of the set {@code " + set.name() + "} through an {@link AttributeWriter}. Not thread-safe. */");
        s.open("public final class " + cls + " {");
        s.line("");
        s.line("private AttributeWriter out;");
        s.line("private int token = -1;");
        List<String[]> children = new ArrayList<>();
        for (SpecAttribute a : accessible(set)) {
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
        setters(s, set, accessible(set).stream().map(SpecAttribute::name).toList(), cls, "out", members);
        s.close("}");
        return s.toString();
    }

    /** One setter per attribute (two for an enum: number and entry); {@code beginX()} for a nest. */
    private void setters(Src s, AttributeSet set, List<String> attributeNames, String returnType, String out,
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
                new SubMessageGenerator(spec, this).writer(s, set, a, returnType, out, members);
                continue;
            }
            String type = attrConstant(set.name(), a.name());
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
                    s.open("public " + returnType + " " + name + "(" + javaType(a.type()) + " value) {");
                    s.line(writeExpression(a.type(), a.byteOrder(), out, type, "value") + ";");
                    SpecEnum e = a.enumName() == null ? null : spec.enums().get(a.enumName());
                    if (e != null && !e.flags() && !a.enumAsFlags()) {
                        s.line("return this;");
                        s.close("}");
                        String ec = enumClass.get(e.name());
                        s.line("");
                        s.line("/** Sets {@code " + a.name() + "} to an entry of {@link " + ec + "}. */");
                        s.open("public " + returnType + " " + name + "(" + ec + " value) {");
                        String cast = javaType(a.type()).equals("long") ? "" : "(" + javaType(a.type()) + ") ";
                        s.line(writeExpression(a.type(), a.byteOrder(), out, type, cast + "value.value()") + ";");
                    }
                }
            }
            s.line("return this;");
            s.close("}");
        }
    }

    private static String writeExpression(SpecType type, ByteOrder order, String w, String t, String v) {
        String o = order == null ? "" : ", " + order(order);
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

    // ---------------------------------------------------------------------------------------------------------
    // Requests and the client

    /** Points the request's fixed header (and, for flags, the start of its message) at the bytes just prepared. */
    private static void startHeader(Src s, String header, boolean flags) {
        if (header != null) {
            // The connection wrote the netlink header (and the generic netlink one) and the fixed header's bytes,
            // zeroed and padded to 4, just before the attributes' position.
            s.line("header.wrap(out.segment(), out.position() - ((" + header + ".SIZE + 3) & ~3));");
        }
        if (flags) {
            s.line("this.messageStart = out.position() - " + (header == null ? "0" : "((" + header + ".SIZE + 3) & ~3)") + " - 16;");
        }
    }

    /** A setter on the request per member of its fixed header, and {@code header()} for the struct itself. */
    private void headerSetters(Src s, SpecStruct struct, String header, String cls, JavaNames members) {
        s.line("");
        s.line("/** The request's fixed header {@code " + struct.name() + "}, zeroed at the start, to fill in. */");
        s.open("public " + header + " header() {");
        s.line("return header;");
        s.close("}");
        for (Map.Entry<SpecStruct.Member, String[]> e : StructGenerator.memberNames(struct).entrySet()) {
            SpecStruct.Member m = e.getKey();
            if (m.type() == SpecType.BINARY && m.structName() != null) {
                continue;
            }
            String name = members.member(m.name());
            String type = m.type() == SpecType.BINARY ? "byte[]" : javaType(m.type());
            s.line("");
            s.line("/** Sets {@code " + m.name() + "} of the fixed header {@code " + struct.name() + "}. */");
            s.open("public " + cls + " " + name + "(" + type + " value) {");
            s.line("header." + e.getValue()[1] + "(value);");
            s.line("return this;");
            s.close("}");
        }
    }

    private String request(SpecOperation op, SpecOperation.Mode mode, String cls, boolean dump) {
        AttributeSet set = spec.attributeSet(op.attributeSet());
        boolean hasReply = dump || mode.reply() != null;
        String reader = readerClass.get(set.name());
        JavaNames members = new JavaNames("start", "call", "dump", "client", "out", "reply", "handler", "forward", "attributes",
                "message", "batched", "startInBatch", "OPERATION");
        String operation = spec.name() + " " + op.name() + (dump ? " dump" : "");
        SpecStruct headerStruct = op.fixedHeader() == null ? null : spec.struct(op.fixedHeader());
        String header = headerStruct == null ? null : structClass.get(headerStruct.name());
        if (header != null) {
            members.reserve("header");
        }
        if (spec.isNetlinkRaw() && !dump) {
            members.reserve("messageStart");
            members.reserve("flag");
        }
        // NLM_F_CREATE and the like, which netlink-raw families read on their new/set requests.
        String[][] flags = spec.isNetlinkRaw() && !dump ? new String[][] {
            {members.member("create"), "CREATE", "create the object if it does not exist"},
            {members.member("excl"), "EXCL", "fail if the object exists"},
            {members.member("replace"), "REPLACE", "replace an existing object"},
            {members.member("append"), "APPEND", "add to the end of the object's list"}} : new String[0][];
        Src s = file();
        s.line("import org.vnetnl.genl.AttributeWriter;");
        if (dump) {
            s.line("import org.vnetnl.genl.DumpHandler;");
            s.line("import org.vnetnl.genl.DumpInterruptPolicy;");
            s.line("import org.vnetnl.genl.DumpResult;");
        }
        if (hasReply) {
            s.line("import org.vnetnl.genl.GenlMessage;");
        }
        s.line("import org.vnetnl.genl.NetlinkException;");
        if (flags.length > 0) {
            s.line("import org.vnetnl.genl.NetlinkFlags;");
        }
        s.line("");
        s.line("/**");
        s.line(" * The {@code " + (dump ? "dump" : "do") + "} request of {@code " + op.name() + "}: set its attributes, then "
                + (dump ? "{@link #dump}" : "{@link #call}") + ". Made by {@link " + clientClass + "} once per thread, reused for");
        s.line(" * every request of this kind on that thread; valid until the thread's next request on the connection.");
        s.line(" */");
        s.open("public final class " + cls + " {");
        s.line("");
        s.line("/** How errors name this request: the family and the operation" + (dump ? ", a dump" : "") + ". */");
        s.line("public static final String OPERATION = " + JavaNames.literal(operation) + ";");
        s.line("");
        s.line("private final " + clientClass + " client;");
        if (hasReply) {
            s.line("private final " + reader + " reply = new " + reader + "();");
        }
        s.line("private AttributeWriter out;");
        if (header != null) {
            s.line("private final " + header + " header = new " + header + "();");
        }
        if (flags.length > 0) {
            s.line("private long messageStart;");
        }
        if (hasReply && !dump) {
            s.line("private GenlMessage message;");
        }
        if (!dump) {
            s.line("/** Whether this request was started in a {@code GenlBatch}, which sends it. */");
            s.line("private boolean batched;");
        }
        if (dump) {
            s.line("private " + clientClass + ".ReplyHandler<? super " + reader + "> handler;");
            s.open("private final DumpHandler forward = new DumpHandler() {");
            s.line("@Override");
            s.open("public void onMessage(GenlMessage message) throws NetlinkException {");
            s.line("handler.onReply(reply.wrap(message));");
            s.close("}");
            s.line("");
            s.line("@Override");
            s.open("public void onRestart() {");
            s.line("handler.onRestart();");
            s.close("}");
            s.close("};");
        }
        s.line("");
        s.open(cls + "(" + clientClass + " client) {");
        s.line("this.client = client;");
        s.close("}");
        s.line("");
        s.open(cls + " start(AttributeWriter out) {");
        s.line("this.out = out;");
        startHeader(s, header, flags.length > 0);
        if (!dump) {
            s.line("this.batched = false;");
        }
        s.line("return this;");
        s.close("}");
        if (!dump) {
            s.line("");
            s.open(cls + " startInBatch(AttributeWriter out) {");
            s.line("this.out = out;");
            startHeader(s, header, flags.length > 0);
            s.line("this.batched = true;");
            s.line("return this;");
            s.close("}");
        }
        if (header != null) {
            headerSetters(s, headerStruct, header, cls, members);
        }
        for (String[] flag : flags) {
            s.line("");
            s.line("/** Adds NLM_F_" + flag[1] + " to the request's flags: " + flag[2] + ". */");
            s.open("public " + cls + " " + flag[0] + "() {");
            s.line("return flag(NetlinkFlags." + flag[1] + ");");
            s.close("}");
        }
        if (flags.length > 0) {
            s.line("");
            s.open("private " + cls + " flag(int flag) {");
            s.line("java.lang.foreign.MemorySegment segment = out.segment();");
            s.line("short flags = segment.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, messageStart + 6);");
            s.line("segment.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, messageStart + 6, (short) (flags | flag));");
            s.line("return this;");
            s.close("}");
        }
        setters(s, set, mode.request() == null ? List.of() : mode.request(), cls, "out", members);
        s.line("");
        s.line("/** The request's attributes, to append those the spec does not list (of a newer kernel, or invalid ones for tests). */");
        s.open("public AttributeWriter attributes() {");
        s.line("return out;");
        s.close("}");
        s.line("");
        if (dump) {
            s.line("/** Sends the dump request and calls {@code handler} with each reply, failing if the kernel marks the dump inconsistent. */");
            s.open("public DumpResult dump(" + clientClass + ".ReplyHandler<? super " + reader + "> handler) throws NetlinkException {");
            s.line("return dump(DumpInterruptPolicy.FAIL, handler);");
            s.close("}");
            s.line("");
            s.line("/** Sends the dump request and calls {@code handler} with each reply; {@code onInterrupt} decides about inconsistent dumps. */");
            s.open("public DumpResult dump(DumpInterruptPolicy onInterrupt, " + clientClass + ".ReplyHandler<? super " + reader
                    + "> handler) throws NetlinkException {");
            s.line("this.handler = handler;");
            s.open("try {");
            s.line("return client.connection().dump(client.timeout(), onInterrupt, forward);");
            s.closeOpen("} finally {");
            s.line("this.handler = null;");
            s.close("}");
            s.close("}");
        } else if (hasReply) {
            s.line("/** Sends the request and returns its reply, valid until the next call on the connection. */");
            s.open("public " + reader + " call() throws NetlinkException {");
            s.line("return call(client.timeout());");
            s.close("}");
            s.line("");
            s.line("/** As {@link #call()}, waiting at most {@code timeout}. */");
            s.open("public " + reader + " call(java.time.Duration timeout) throws NetlinkException {");
            s.open("if (batched) {");
            s.line("throw new IllegalStateException(OPERATION + \": this request was added to a GenlBatch: run it with\"");
            s.line("        + \" GenlBatch.execute() and read its outcome with GenlBatch.reply(int)\");");
            s.close("}");
            s.line("GenlMessage message = client.connection().transact(timeout);");
            s.open("if (message == null) {");
            s.line("throw new IllegalStateException(OPERATION + \": the kernel acknowledged without a reply\");");
            s.close("}");
            s.line("this.message = message;");
            s.line("return reply.wrap(message);");
            s.close("}");
            s.line("");
            s.line("/** The last reply's message (its header: sequence number, flags), valid as long as the reply. */");
            s.open("public GenlMessage message() {");
            s.line("return message;");
            s.close("}");
        } else {
            s.line("/** Sends the request and waits for the kernel's acknowledgement. */");
            s.open("public void call() throws NetlinkException {");
            s.open("if (batched) {");
            s.line("throw new IllegalStateException(OPERATION + \": this request was added to a GenlBatch: run it with\"");
            s.line("        + \" GenlBatch.execute() and read its outcome with GenlBatch.reply(int)\");");
            s.close("}");
            s.line("client.connection().transact(client.timeout());");
            s.close("}");
        }
        s.close("}");
        return s.toString();
    }

    /**
     * The messages a netlink-raw family sends on its groups: the replies of its requests (rtnetlink announces a new
     * link with RTM_NEWLINK, the reply of getlink) and the requests that change something (RTM_DELLINK, which
     * 6.12's specs give no reply), each read with its operation's set. The handler method is named after the
     * operation whose request has that number (newlink, dellink), else after the reply ({@code getgen-reply}).
     */
    private void rawNotifications(List<String[]> notifications, java.util.Set<Integer> seen, JavaNames events,
                                  JavaNames members) {
        Map<Integer, SpecOperation> changes = new LinkedHashMap<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() != null && op.doMode() != null && op.doMode().reply() == null && op.dumpMode() == null
                    && op.requestValue() >= 0) {
                changes.putIfAbsent(op.requestValue(), op);
            }
        }
        Map<Integer, String[]> byValue = new TreeMap<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() == null) {
                continue;
            }
            if (changes.get(op.requestValue()) == op) {
                byValue.putIfAbsent(op.requestValue(), new String[] {op.name(), op.attributeSet(), commandConstant.get(op.name())});
            }
            if (op.replyValue() >= 0 && (op.doMode() != null || op.dumpMode() != null)) {
                SpecOperation named = changes.get(op.replyValue());
                byValue.putIfAbsent(op.replyValue(), named != null
                        ? new String[] {named.name(), named.attributeSet(), commandConstant.get(named.name())}
                        : new String[] {op.name() + "-reply", op.attributeSet(), replyCommandConstant.get(op.name())});
            }
        }
        for (Map.Entry<Integer, String[]> m : byValue.entrySet()) {
            if (seen.add(m.getKey())) {
                String[] n = m.getValue();
                notifications.add(new String[] {n[0], events.member(n[0]), readerClass.get(n[1]),
                        members.member(n[0] + "-event"), n[2]});
            }
        }
    }

    /** {@code join(Group)} and {@code leave(Group)}: a group by its generated name. */
    private void joinAndLeave(Src s) {
        for (String verb : new String[] {"join", "leave"}) {
            s.line("");
            s.line("/** " + (verb.equals("join") ? "Joins" : "Leaves") + " the multicast group {@code group}"
                    + (spec.isNetlinkRaw() ? ", by the number the spec gives it." : ", by its name.")
                    + (spec.isNetlinkRaw() ? "" : " */"));
            if (spec.isNetlinkRaw()) {
                s.line(" *");
                s.line(" * @throws IllegalArgumentException if the spec gives the group no number");
                s.line(" */");
            }
            s.open("public void " + verb + "(" + familyClass + ".Group group) throws NetlinkException {");
            if (spec.isNetlinkRaw()) {
                s.open("if (group.value() < 0) {");
                s.line("throw new IllegalArgumentException(" + familyClass + ".FAMILY_NAME + \": the spec gives multicast group \" + group.specName()");
                s.line("        + \" no number\");");
                s.close("}");
                s.line("connection." + verb + "Group(group.value());");
            } else {
                s.line("connection." + verb + "Group(family, group.specName());");
            }
            s.close("}");
        }
    }

    private String client(Map<String, String[]> requests, JavaNames members) {
        Src s = file();
        s.line("import java.time.Duration;");
        s.line("import java.util.Objects;");
        s.line("");
        s.line("import org.vnetnl.genl.Family;");
        s.line("import org.vnetnl.genl.GenlBatch;");
        s.line("import org.vnetnl.genl.GenlConnection;");
        s.line("import org.vnetnl.genl.GenlMessage;");
        s.line("import org.vnetnl.genl.NetlinkException;");
        s.line("import org.vnetnl.genl.NetlinkFlags;");
        s.line("import org.vnetnl.genl.PerThread;");
        s.line("");
        s.line("/**");
        s.line(" * A typed client of the generic netlink family {@code " + spec.name() + "} over a connection the caller owns");
        s.line(" * (and closes). Any number of threads may share it: each thread gets its own request objects and reply views,");
        s.line(" * flyweights reused call after call, so nothing is allocated per call.");
        s.line(" */");
        s.open("public final class " + clientClass + " {");
        s.line("");
        s.line("/** Receives the replies of a dump, each valid only during the call. */");
        s.line("@FunctionalInterface");
        s.open("public interface ReplyHandler<R> {");
        s.line("void onReply(R reply) throws NetlinkException;");
        s.line("");
        s.line("/** An interrupted dump is being retried from the start: forget the replies so far. */");
        s.open("default void onRestart() {");
        s.line("throw new IllegalStateException(\"the dump was interrupted and is being retried, but this handler\"");
        s.line("        + \" cannot discard what it received: implement ReplyHandler.onRestart()\");");
        s.close("}");
        s.close("}");
        s.line("");
        JavaNames events = new JavaNames("unknown");
        // {spec name, handler method, reader class, per-thread reader field, the Cmd constant of its number}
        List<String[]> notifications = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.isAsync() && op.attributeSet() != null && op.replyValue() >= 0 && seen.add(op.replyValue())) {
                notifications.add(new String[] {op.name(), events.member(op.name()), readerClass.get(op.attributeSet()),
                        members.member(op.name() + "-event"), replyCommandConstant.get(op.name())});
            }
        }
        if (spec.isNetlinkRaw()) {
            rawNotifications(notifications, seen, events, members);
        }
        s.line("/** The notifications and events of the family, one method each; those not overridden are ignored. */");
        s.open("public interface Notifications {");
        for (String[] n : notifications) {
            s.line("/** {@code " + n[0] + "}. */");
            s.open("default void " + n[1] + "(" + n[2] + " event) throws NetlinkException {");
            s.close("}");
            s.line("");
        }
        s.line("/** A message of a command the spec does not list as a notification. */");
        s.open("default void unknown(GenlMessage message) throws NetlinkException {");
        s.close("}");
        s.close("}");
        s.line("");
        s.line("private final GenlConnection connection;");
        s.line("private final Family family;");
        s.line("private volatile Duration timeout = GenlConnection.DEFAULT_TIMEOUT;");
        for (Map.Entry<String, String[]> r : requests.entrySet()) {
            s.line("private final PerThread<" + r.getValue()[0] + "> " + r.getValue()[1] + "Request = new PerThread<>(() -> new "
                    + r.getValue()[0] + "(this));");
        }
        for (String[] n : notifications) {
            s.line("private final PerThread<" + n[2] + "> " + n[3] + " = new PerThread<>(" + n[2] + "::new);");
        }
        s.line("");
        s.open("private " + clientClass + "(GenlConnection connection, Family family) {");
        s.line("this.connection = connection;");
        s.line("this.family = family;");
        s.close("}");
        s.line("");
        if (spec.isNetlinkRaw()) {
            s.line("/**");
            s.line(" * A client over {@code connection}, a netlink-raw connection of the family's protocol:");
            s.line(" * {@code GenlConnection.openRaw(" + familyClass + ".PROTONUM, options)} or {@code openRawInNamespace}.");
            s.line(" *");
            s.line(" * @throws IllegalArgumentException if the connection is of another protocol");
            s.line(" */");
            s.open("public static " + clientClass + " open(GenlConnection connection) {");
            s.open("if (connection.protocol() != " + familyClass + ".PROTONUM) {");
            s.line("throw new IllegalArgumentException(" + familyClass + ".FAMILY_NAME + \" is netlink protocol \" + " + familyClass
                    + ".PROTONUM + \", the connection is of protocol \" + connection.protocol() + \" (open one with GenlConnection.openRaw)\");");
            s.close("}");
            s.line("return new " + clientClass + "(connection, null);");
            s.close("}");
        } else {
            s.line("/** A client over {@code connection}, resolving the family by name. */");
            s.open("public static " + clientClass + " open(GenlConnection connection) throws NetlinkException {");
            s.line("return new " + clientClass + "(connection, connection.family(" + familyClass + ".FAMILY_NAME));");
            s.close("}");
        }
        s.line("");
        s.line("/** The connection requests go through. */");
        s.open("public GenlConnection connection() {");
        s.line("return connection;");
        s.close("}");
        s.line("");
        s.line("/** The family as the kernel registered it" + (spec.isNetlinkRaw() ? ": null, a netlink-raw family is not registered by name" : "") + ". */");
        s.open("public Family family() {");
        s.line("return family;");
        s.close("}");
        s.line("");
        s.line("/** How long a request waits for its reply (each part, for a dump). */");
        s.open("public Duration timeout() {");
        s.line("return timeout;");
        s.close("}");
        s.line("");
        s.line("/** Sets how long a request waits for its reply. */");
        s.open("public " + clientClass + " timeout(Duration timeout) {");
        s.line("this.timeout = Objects.requireNonNull(timeout, \"timeout\");");
        s.line("return this;");
        s.close("}");
        s.line("");
        if (!spec.isNetlinkRaw()) {
            s.line("/**");
            s.line(" * Checks the running kernel's family against the spec this client was generated from: its version, groups,");
            s.line(" * requests and, read with {@code CTRL_CMD_GETPOLICY}, each request attribute's kind and limits.");
            s.line(" *");
            s.line(" * @param everyOperation whether a request the kernel does not implement is a difference (yes for a module built");
            s.line(" *                       from this spec; no for a kernel family whose operations depend on the kernel's configuration)");
            s.line(" * @throws org.vnetnl.ynl.SchemaMismatchException naming each attribute that differs");
            s.line(" */");
            s.open("public void checkKernel(boolean everyOperation) throws NetlinkException {");
            s.line(familyClass + ".SCHEMA.check(connection, family, timeout, everyOperation);");
            s.close("}");
        }
        for (Map.Entry<String, String[]> r : requests.entrySet()) {
            // "operation/do" or "operation/dump"; an operation's name may hold a slash itself.
            int slash = r.getKey().lastIndexOf('/');
            String[] key = {r.getKey().substring(0, slash), r.getKey().substring(slash + 1)};
            SpecOperation op = spec.operation(key[0]);
            boolean dump = key[1].equals("dump");
            boolean ack = !dump && op.doMode().reply() == null;
            String flags = dump ? "NetlinkFlags.DUMP" : ack ? "NetlinkFlags.ACK" : "0";
            s.line("");
            s.line("/** Starts the {@code " + key[1] + "} request of {@code " + op.name() + "}. */");
            s.open("public " + r.getValue()[0] + " " + r.getValue()[1] + "() {");
            String arguments = spec.isNetlinkRaw()
                    ? familyClass + ".Cmd." + commandConstant.get(op.name()) + ", " + flags + ", "
                            + (op.fixedHeader() == null ? "0" : structClass.get(op.fixedHeader()) + ".SIZE") + ", "
                            + r.getValue()[0] + ".OPERATION"
                    : "family, " + familyClass + ".Cmd." + commandConstant.get(op.name()) + ", " + flags + ", "
                            + r.getValue()[0] + ".OPERATION, " + (policyConstant.containsKey(r.getKey())
                            ? familyClass + ".Policy." + policyConstant.get(r.getKey()) : "null");
            String prepare = spec.isNetlinkRaw() ? "prepareRaw" : "prepare";
            s.line("return " + r.getValue()[1] + "Request.get().start(connection." + prepare + "(" + arguments + "));");
            s.close("}");
            if (!dump) {
                String reply = op.doMode().reply() == null ? null : readerClass.get(op.attributeSet());
                s.line("");
                s.line("/**");
                s.line(" * Adds a {@code do} request of {@code " + op.name() + "} to {@code batch}: set its attributes, add more, then");
                s.line(" * {@link GenlBatch#execute}. Entry {@code i}'s outcome is {@code batch.reply(i)}"
                        + (reply == null ? " ({@code null}: acknowledged)" : ", read with a {@link " + reply + "}") + ",");
                s.line(" * or the {@link NetlinkException} it throws. The same request object as {@link #" + r.getValue()[1]
                        + "()} on this thread: filled before its next request.");
                s.line(" *");
                s.line(" * @throws IllegalArgumentException if {@code batch} belongs to another connection, is full or has no room");
                s.line(" */");
                s.open("public " + r.getValue()[0] + " " + r.getValue()[1] + "(GenlBatch batch) {");
                s.line("requireOwn(batch, " + r.getValue()[0] + ".OPERATION);");
                s.line("return " + r.getValue()[1] + "Request.get().startInBatch(batch." + (spec.isNetlinkRaw() ? "addRaw" : "add")
                        + "(" + arguments + "));");
                s.close("}");
            }
        }
        if (requests.keySet().stream().anyMatch(k -> k.endsWith("/do"))) {
            s.line("");
            s.open("private void requireOwn(GenlBatch batch, String operation) {");
            s.open("if (batch.connection() != connection) {");
            s.line("throw new IllegalArgumentException(operation + \": the batch belongs to another connection than this client's\");");
            s.close("}");
            s.close("}");
        }
        for (Map.Entry<String, String> g : groupConstant.entrySet()) {
            s.line("");
            s.line("/** Joins the multicast group {@code " + g.getKey() + "}. */");
            s.open("public void " + members.member("join-" + g.getKey()) + "() throws NetlinkException {");
            if (spec.isNetlinkRaw()) {
                s.line("join(" + familyClass + ".Group." + g.getValue() + ");");
            } else {
                s.line("connection.joinGroup(family, " + familyClass + ".Mcgrp." + g.getValue() + ");");
            }
            s.close("}");
        }
        joinAndLeave(s);
        s.line("");
        s.line("/** Waits up to {@code timeout} for the next notification and hands it to its method of {@code handler}. */");
        s.open("public void receiveNotification(Duration timeout, Notifications handler) throws NetlinkException {");
        s.line("GenlMessage message = connection.receiveNotification(timeout);");
        // A netlink-raw message's type is its command; generic netlink's is the family id.
        s.open("switch (message." + (spec.isNetlinkRaw() ? "familyId" : "command") + "()) {");
        for (String[] n : notifications) {
            s.line("case " + familyClass + ".Cmd." + n[4] + " -> handler." + n[1] + "(" + n[3] + ".get().wrap(message));");
        }
        s.line("default -> handler.unknown(message);");
        s.close("}");
        s.close("}");
        s.close("}");
        return s.toString();
    }
}
