package org.vnetnl.ynl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.vnetnl.genl.AttributeKind;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.FamilyPolicy;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;

/**
 * What a family's spec says the running kernel must accept: the family version, the multicast groups and, per
 * request (the {@code do} and the {@code dump} of each operation), the attributes it sends with the spec's
 * {@code checks} as an {@link AttributePolicy}. {@link #check} reads the kernel's policies back
 * ({@code CTRL_CMD_GETPOLICY}, Linux 5.10) and fails naming each attribute that differs, so that a client built
 * from one version of a spec fails at start against a kernel built from another, not on its first rejected request.
 *
 * <p>{@link #of(YnlSpec)} derives it from a loaded spec, as the kernel's YNL generator derives the kernel's
 * policies: an integer with its {@code min}/{@code max} (the type's whole range without), a {@code string} as a
 * NUL-terminated string of at most {@code max-len} bytes, a {@code binary} with its length checks, a {@code flag},
 * a {@code nest} with the policy of its nested set, an enum's value bounded by its entries. Each nested set's
 * policy is built once and shared by every nest that names it, so the cost is linear in the spec's size. A set
 * nested within itself, directly or through other sets (ovs_flow's actions), is described down to where it
 * repeats: the nest back into a set whose policy encloses it carries an empty policy, as that set's attributes are
 * already described above it. Attributes whose policy the kernel reports differently
 * ({@code uint}, {@code sint}, {@code bitfield32}, masks, unterminated strings, arrays) are not compared. Names are
 * the uapi header's ({@code VNET_NL_ATTR_MSG}, {@code NETDEV_A_DEV_IFINDEX}): the set's {@code name-prefix}, by
 * default {@code <family>-a-<set>-}, then the attribute's name, upper case. The check fits families whose
 * kernel policies are generated from their spec (vnet_nl, netdev); families whose policies are written by hand
 * (ethtool, nlctrl) differ from their specs in places (limits the spec leaves out, reply attributes listed in
 * requests), and the check names each such place. Generated clients carry one as a
 * constant ({@code SCHEMA} of the family's constants class); {@code YnlClient} builds one from its spec.
 *
 * @param family           the family name
 * @param version          the spec's family version; a kernel registering an older one differs
 * @param multicastGroups  the groups the kernel must offer
 * @param requests         every request of the spec that carries attributes
 */
public record SpecSchema(String family, int version, List<String> multicastGroups, List<Request> requests) {

    /**
     * One request: the attributes of an operation's {@code do} or {@code dump} request.
     *
     * @param operation  the operation's spec name
     * @param command    its request command number
     * @param dump       whether this is the dump request
     * @param attributes the attributes it sends, with the checks the kernel must enforce
     */
    public record Request(String operation, int command, boolean dump, AttributePolicy attributes) {
        public Request {
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(attributes, "attributes");
        }

        /** {@code echo}, or {@code get-stats dump}. */
        public String label() {
            return dump ? operation + " dump" : operation;
        }
    }

    public SpecSchema {
        Objects.requireNonNull(family, "family");
        multicastGroups = List.copyOf(multicastGroups);
        requests = List.copyOf(requests);
    }

    /** The request of {@code operation} ({@code dump} or not), if the spec has one with attributes. */
    public Optional<Request> request(String operation, boolean dump) {
        return requests.stream().filter(r -> r.operation().equals(operation) && r.dump() == dump).findFirst();
    }

    /** This schema with the request of the same operation and mode replaced by {@code request}. */
    public SpecSchema withRequest(Request request) {
        List<Request> changed = new ArrayList<>();
        for (Request r : requests) {
            changed.add(r.operation().equals(request.operation()) && r.dump() == request.dump() ? request : r);
        }
        return new SpecSchema(family, version, multicastGroups, changed);
    }

    /** This schema with another family version. */
    public SpecSchema withVersion(int otherVersion) {
        return new SpecSchema(family, otherVersion, multicastGroups, requests);
    }

    // ---------------------------------------------------------------------------------------------------------
    // From a spec

    /** The schema {@code spec} describes: see the class comment for how each attribute type maps. */
    public static SpecSchema of(YnlSpec spec) {
        NestedPolicies nested = new NestedPolicies(spec);
        List<Request> requests = new ArrayList<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() == null || op.requestValue() < 0) {
                continue;
            }
            AttributeSet set = spec.attributeSet(op.attributeSet());
            if (op.doMode() != null && op.doMode().request() != null) {
                requests.add(new Request(op.name(), op.requestValue(), false,
                        policy(spec, set, op.doMode().request(), nested)));
            }
            if (op.dumpMode() != null && op.dumpMode().request() != null) {
                requests.add(new Request(op.name(), op.requestValue(), true,
                        policy(spec, set, op.dumpMode().request(), nested)));
            }
        }
        return new SpecSchema(spec.name(), spec.version(), List.copyOf(spec.mcastGroups().keySet()), requests);
    }

    /** The C name of an attribute, as the kernel's YNL generator spells it in the uapi header. */
    public static String cName(YnlSpec spec, AttributeSet set, SpecAttribute attribute) {
        String prefix = set.namePrefix() != null ? set.namePrefix() : spec.name() + "-a-" + set.name() + "-";
        return (prefix + attribute.name()).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static AttributePolicy policy(YnlSpec spec, AttributeSet set, List<String> names,
                                          NestedPolicies nested) {
        AttributePolicy.Builder policy = AttributePolicy.builder();
        for (String name : new LinkedHashSet<>(names)) { // a request may list an attribute twice
            set.attribute(name).flatMap(a -> attributeSpec(spec, set, a, nested)).ifPresent(policy::add);
        }
        return policy.build();
    }

    /** The policy of each attribute set that nests name, built once per set (see the class comment on cycles). */
    private static final class NestedPolicies {
        private static final AttributePolicy REPEATED = AttributePolicy.builder().build();

        private final YnlSpec spec;
        private final Map<String, AttributePolicy> built = new HashMap<>();
        private final Set<String> building = new HashSet<>();

        NestedPolicies(YnlSpec spec) {
            this.spec = spec;
        }

        AttributePolicy of(AttributeSet set) {
            AttributePolicy policy = built.get(set.name());
            if (policy != null) {
                return policy;
            }
            if (!building.add(set.name())) {
                return REPEATED;
            }
            AttributePolicy.Builder inner = AttributePolicy.builder();
            for (SpecAttribute n : set.attributes()) {
                attributeSpec(spec, set, n, this).ifPresent(inner::add);
            }
            building.remove(set.name());
            policy = inner.build();
            built.put(set.name(), policy);
            return policy;
        }
    }

    /** Compares two values of an integer {@code kind}: unsigned ones as unsigned. */
    private static int compare(AttributeKind kind, long a, long b) {
        return kind.isSigned() ? Long.compare(a, b) : Long.compareUnsigned(a, b);
    }

    private static Optional<AttributePolicy.AttributeSpec> attributeSpec(YnlSpec spec, AttributeSet set,
            SpecAttribute a, NestedPolicies nestedPolicies) {
        Checks checks = a.checks();
        String name = cName(spec, set, a);
        if (a.multiAttr() || checks.flagsMask() != null || a.value() < 1) {
            return Optional.empty();            // arrays and masks: the kernel reports them in other terms
        }
        AttributeKind kind = switch (a.type()) {
            case U8 -> AttributeKind.U8;
            case U16 -> AttributeKind.U16;
            case U32 -> AttributeKind.U32;
            case U64 -> AttributeKind.U64;
            case S8 -> AttributeKind.S8;
            case S16 -> AttributeKind.S16;
            case S32 -> AttributeKind.S32;
            case S64 -> AttributeKind.S64;
            case FLAG -> AttributeKind.FLAG;
            case STRING -> checks.unterminatedOk() ? null : AttributeKind.NUL_STRING;
            case BINARY -> AttributeKind.BINARY;
            case NEST -> AttributeKind.NESTED;
            default -> null;
        };
        if (kind == null) {
            return Optional.empty();
        }
        if (kind.isInteger()) {
            Long enumMin = null;
            Long enumMax = null;
            if (a.enumName() != null) {
                // As the kernel's generator: an enum bounds the value to its entries (unless the spec's checks
                // do); flags and enums with gaps are validated by mask or by value, not by range.
                SpecEnum e = spec.enums().get(a.enumName());
                if (e == null || e.flags() || a.enumAsFlags() || e.entries().isEmpty()) {
                    return Optional.empty();
                }
                long low = e.entries().stream().mapToLong(SpecEnum.Entry::value).min().orElseThrow();
                long high = e.entries().stream().mapToLong(SpecEnum.Entry::value).max().orElseThrow();
                if (high - low + 1 != e.entries().size()) {
                    return Optional.empty();
                }
                enumMin = low != 0 || kind.isSigned() ? low : null;
                enumMax = high;
            }
            Long specMin = checks.min() != null ? Long.valueOf(checks.min().longValue()) : enumMin;
            Long specMax = checks.max() != null ? Long.valueOf(checks.max().longValue()) : enumMax;
            boolean hasRange = specMin != null || specMax != null;
            long min = specMin != null ? specMin : kind.lowest();
            long max = specMax != null ? specMax : kind.highest();
            if (compare(kind, min, max) > 0 || compare(kind, min, kind.lowest()) < 0
                    || compare(kind, max, kind.highest()) > 0) {
                // Enum entries the type cannot hold, or checks that exclude all of them: no range to compare.
                return Optional.empty();
            }
            return Optional.of(new AttributePolicy.AttributeSpec(a.value(), name, kind, kind.fixedSize(),
                    kind.fixedSize(), hasRange, min, max, Optional.empty()));
        }
        return switch (kind) {
            case FLAG -> Optional.of(new AttributePolicy.AttributeSpec(a.value(), name, kind, 0, 0, false, 0, 0,
                    Optional.empty()));
            case NUL_STRING -> Optional.of(new AttributePolicy.AttributeSpec(a.value(), name, kind, 0,
                    // The NUL takes one byte of the longest payload.
                    (int) Math.min(checks.maxLen() != null ? checks.maxLen() : Long.MAX_VALUE,
                            AttributeWriter.MAX_PAYLOAD_LENGTH - 1),
                    false, 0, 0, Optional.empty()));
            case BINARY -> {
                Long exact = checks.exactLen();
                int minLength = exact != null ? exact.intValue() : checks.minLen() != null ? checks.minLen().intValue() : 0;
                int maxLength = exact != null ? exact.intValue()
                        : checks.maxLen() != null ? checks.maxLen().intValue() : AttributeWriter.MAX_PAYLOAD_LENGTH;
                yield Optional.of(new AttributePolicy.AttributeSpec(a.value(), name, kind, minLength, maxLength,
                        false, 0, 0, Optional.empty()));
            }
            case NESTED -> {
                AttributeSet nested = a.nestedAttributes() == null ? null : spec.attributeSets().get(a.nestedAttributes());
                if (nested == null) {
                    yield Optional.empty();
                }
                yield Optional.of(new AttributePolicy.AttributeSpec(a.value(), name, kind, 0,
                        AttributeWriter.MAX_PAYLOAD_LENGTH, false, 0, 0, Optional.of(nestedPolicies.of(nested))));
            }
            default -> Optional.empty();
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Against the running kernel

    /**
     * Checks that the kernel's {@code family} has the fixed header {@code spec} describes: its {@code hdrsize} is the
     * size of every operation's {@code fixed-header} struct, or 0 where an operation has none. A client that wrote a
     * header the kernel does not expect would have it read as attributes, and would read the kernel's header as
     * attributes.
     *
     * @throws SchemaMismatchException naming each fixed header (or its absence) and the operations that use it
     */
    public static void checkFixedHeader(YnlSpec spec, Family family) throws SchemaMismatchException {
        Map<String, List<String>> byHeader = new LinkedHashMap<>();
        for (SpecOperation op : spec.operations().values()) {
            if (op.attributeSet() == null) {
                continue; // a reserved number, never sent or received
            }
            int size = op.fixedHeader() == null ? 0 : spec.structSize(op.fixedHeader());
            if (size != family.headerSize()) {
                byHeader.computeIfAbsent(op.fixedHeader(), h -> new ArrayList<>()).add(op.name());
            }
        }
        List<String> differences = new ArrayList<>();
        byHeader.forEach((header, ops) -> differences.add((header == null ? "the spec has no fixed header"
                : "the spec's fixed header is struct " + header + " of " + spec.structSize(header) + " bytes")
                + " (in " + String.join(", ", ops) + "), the kernel's " + family.name() + " has a fixed header of "
                + family.headerSize() + " bytes"));
        if (!differences.isEmpty()) {
            throw new SchemaMismatchException(family.name(), differences);
        }
    }

    /**
     * Compares this schema with {@code family} as the kernel registered it and with the policies the kernel
     * reports for each request.
     *
     * @param everyOperation whether a request the kernel does not implement is a difference: yes for a module
     *                       built from the spec; no for a kernel family whose operations depend on the kernel's
     *                       configuration (netdev's page-pool-stats-get needs CONFIG_PAGE_POOL_STATS), whose
     *                       absent requests then fail when sent, with the kernel's errno
     * @return one sentence per difference, each naming the attribute (its uapi name and type), what the spec
     *         expects and what the kernel has, and the requests it was found in; empty when they agree
     */
    public List<String> differences(GenlConnection connection, Family family, Duration timeout, boolean everyOperation)
            throws NetlinkException {
        // Difference -> the requests it was found in, so that a family-wide policy yields one line per attribute.
        Map<String, List<String>> found = new LinkedHashMap<>();
        if (family.version() < version) {
            found.put("the kernel registers " + family.name() + " version " + family.version()
                    + ", older than the spec's version " + version, new ArrayList<>());
        }
        for (String group : multicastGroups) {
            if (family.multicastGroup(group).isEmpty()) {
                found.put("the kernel's " + family.name() + " has no \"" + group + "\" multicast group (it has "
                        + family.multicastGroups().keySet() + ")", new ArrayList<>());
            }
        }
        Map<Integer, FamilyPolicy> policies = new LinkedHashMap<>();
        for (Request request : requests) {
            Optional<Family.Operation> operation = family.operation(request.command());
            if (operation.isEmpty() || !(request.dump() ? operation.get().hasDumpit() : operation.get().hasDoit())) {
                if (everyOperation) {
                    found.put("the kernel does not implement " + request.label() + " (command " + request.command()
                            + ")", new ArrayList<>());
                }
                continue;
            }
            if (request.attributes().specs().isEmpty()) {
                continue;
            }
            FamilyPolicy policy = policies.get(request.command());
            if (policy == null) {
                policy = FamilyPolicy.read(connection, family, request.command(), timeout);
                policies.put(request.command(), policy);
            }
            Optional<FamilyPolicy.Table> table = request.dump() ? policy.dumpPolicy() : policy.doPolicy();
            if (table.isEmpty()) {
                found.put("the kernel validates " + request.label() + " requests against no policy", new ArrayList<>());
                continue;
            }
            for (String difference : policy.mismatches(table.get(), request.attributes())) {
                found.computeIfAbsent(difference, d -> new ArrayList<>()).add(request.label());
            }
        }
        List<String> lines = new ArrayList<>();
        found.forEach((difference, in) -> lines.add(in.isEmpty() ? difference
                : difference + " (in " + String.join(", ", in) + ")"));
        return lines;
    }

    /**
     * Checks the running kernel's {@code family} against this schema.
     *
     * @param everyOperation whether a request the kernel does not implement is a difference (see
     *                       {@link #differences})
     * @throws SchemaMismatchException naming every difference
     */
    public void check(GenlConnection connection, Family family, Duration timeout, boolean everyOperation)
            throws NetlinkException {
        List<String> differences = differences(connection, family, timeout, everyOperation);
        if (!differences.isEmpty()) {
            throw new SchemaMismatchException(family.name(), differences);
        }
    }
}
