package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.kernel.nlctrl.NlctrlClient;
import org.vnetnl.kernel.nlctrl.OpPolicyAttrsReader;
import org.vnetnl.kernel.nlctrl.PolicyAttrsReader;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The nlctrl client generated from Linux 6.12's {@code nlctrl.yaml} (see the pom's {@code generate-nlctrl-client})
 * reads the kernel's policies of a family through its {@code nest-type-value} attributes ({@code policy}, keyed by
 * policy id and attribute id; {@code op-policy}, keyed by op id) as {@link YnlClient}'s decoder reads the same dump.
 */
class GeneratedNlctrlClientTest {

    @Test
    void getpolicyDumpReadsAsTheSpecCodecReadsIt() throws Exception {
        Set<String> generated = new TreeSet<>();
        try (GenlConnection connection = GenlConnection.open()) {
            NlctrlClient nlctrl = NlctrlClient.open(connection);
            PolicyAttrsReader policy = new PolicyAttrsReader();
            OpPolicyAttrsReader opPolicy = new OpPolicyAttrsReader();
            nlctrl.getpolicyDump().familyName("nlctrl").dump(reply -> {
                for (int i = 0; reply.hasPolicy() && i < reply.policyCount(); i++) {
                    for (int j = 0; j < reply.policyCount(i); j++) {
                        generated.add("policy " + reply.policyPolicyId(i) + "/" + reply.policyAttrId(i, j) + " "
                                + reply.policy(i, j, policy).typeEnum().specName());
                    }
                }
                for (int i = 0; reply.hasOpPolicy() && i < reply.opPolicyCount(); i++) {
                    reply.opPolicy(i, opPolicy);
                    generated.add("op " + reply.opPolicyOpId(i) + " do " + (opPolicy.hasDo() ? opPolicy.do_() : -1)
                            + " dump " + (opPolicy.hasDump() ? opPolicy.dump() : -1));
                }
            });
        }
        Set<String> codec = new TreeSet<>();
        try (YnlClient client = YnlClient.open(SpecLoader.load(KernelYnl.spec("nlctrl")))) {
            for (Map<String, Object> part : client.dump("getpolicy", Map.of("family-name", "nlctrl"))) {
                if (part.get("policy") instanceof Map<?, ?> p) {
                    codec.add("policy " + p.get("policy-id") + "/" + p.get("attr-id") + " " + p.get("type"));
                }
                if (part.get("op-policy") instanceof Map<?, ?> o) {
                    codec.add("op " + o.get("op-id") + " do " + (o.get("do") == null ? -1 : o.get("do")) + " dump "
                            + (o.get("dump") == null ? -1 : o.get("dump")));
                }
            }
        }
        assertFalse(generated.isEmpty(), "nlctrl has policies");
        assertEquals(codec, generated, "getpolicy dump of nlctrl: generated client vs the spec codec");
        System.out.println("GeneratedNlctrlClientTest: " + generated.size() + " policy entries equal: " + List.copyOf(generated));
    }
}
