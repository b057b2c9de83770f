package org.vnetnl.ynl.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecConstant;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecSchema;
import org.vnetnl.ynl.YnlSpec;

/**
 * Writes the family's constants class {@code F}: family name, version and protocol, the spec's definitions,
 * {@code F.Cmd}, {@code F.Mcgrp}, the enum {@code F.Group}, the attribute numbers of each set, {@code F.Policy} (the
 * request policies) and, for generic netlink, {@code F.SCHEMA}.
 */
final class FamilyGenerator {

    private final JavaGenerator names;
    private final YnlSpec spec;
    private final String familyClass;
    private final String clientClass;
    private final Map<String, String> setConstants;
    private final Map<String, Map<String, String>> attributeConstants;
    private final Map<String, String> commandConstant;
    private final Map<String, String> replyCommandConstant;
    private final Map<String, String> groupConstant;
    private final Map<String, String> constantName;
    private final SpecSchema schema;
    private final Map<String, String> policyConstant;
    private final Map<AttributePolicy, String> nestedPolicyConstant;
    private final List<Map.Entry<AttributeSet, AttributePolicy>> nestedPolicies;

    FamilyGenerator(JavaGenerator names) {
        this.names = names;
        this.spec = names.spec;
        this.familyClass = names.familyClass;
        this.clientClass = names.clientClass;
        this.setConstants = names.setConstants;
        this.attributeConstants = names.attributeConstants;
        this.commandConstant = names.commandConstant;
        this.replyCommandConstant = names.replyCommandConstant;
        this.groupConstant = names.groupConstant;
        this.constantName = names.constantName;
        this.schema = names.schema;
        this.policyConstant = names.policyConstant;
        this.nestedPolicyConstant = names.nestedPolicyConstant;
        this.nestedPolicies = names.nestedPolicies;
    }

    String familyConstants() {
        Src s = names.file();
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
}
