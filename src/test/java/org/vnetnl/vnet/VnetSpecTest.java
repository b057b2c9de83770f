package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.internal.uapi.VnetNlUapi;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * The packaged spec against the constants jextract generated from the uapi header that ynl-gen-c generated from
 * the same spec: every name the spec gives resolves to the number the header has, so the two cannot drift.
 */
class VnetSpecTest {

    private static final VnetSpec SPEC = VnetSpec.family();

    private static int uapiConstant(String cName) throws ReflectiveOperationException {
        Method constant = VnetNlUapi.class.getMethod(cName);
        return (int) constant.invoke(null);
    }

    @Test
    void familyNameAndVersionAreTheHeaders() {
        assertEquals(VnetNlUapi.VNET_NL_FAMILY_NAME().getString(0), SPEC.familyName());
        assertEquals(VnetNlUapi.VNET_NL_FAMILY_VERSION(), SPEC.version());
    }

    @Test
    void everyAttributeHasTheHeadersNumber() throws ReflectiveOperationException {
        for (String name : List.of("msg", "value", "flag", "ifindex", "ifname", "link-up", "stats", "pad")) {
            VnetSpec.Attribute attribute = SPEC.attribute(name);
            assertEquals(uapiConstant(attribute.cName()), attribute.value(), attribute.cName());
            assertEquals(attribute.cName(), SPEC.attributeName(attribute.value()));
        }
        assertEquals("VNET_NL_ATTR_LINK_UP", SPEC.attribute("link-up").cName());
        assertEquals("attribute 99", SPEC.attributeName(99));
    }

    @Test
    void everyOperationHasTheHeadersNumber() throws ReflectiveOperationException {
        for (VnetSpec.Operation op : SPEC.operations()) {
            assertEquals(uapiConstant(op.cName()), op.value(), op.cName());
        }
        VnetSpec.Operation getStats = SPEC.operations().get(VnetNlUapi.VNET_NL_CMD_GET_STATS());
        assertEquals("GET_STATS", getStats.shortName());
        assertTrue(getStats.hasDo() && getStats.hasDump());
        VnetSpec.Operation echoEvent = SPEC.operations().get(VnetNlUapi.VNET_NL_CMD_ECHO_EVENT());
        assertFalse(echoEvent.hasDo());
        assertEquals("events", echoEvent.multicastGroup().orElseThrow());
    }

    @Test
    void requestPolicyCarriesTheChecksOfTheSpec() {
        AttributePolicy policy = SPEC.requestPolicy();
        AttributePolicy.AttributeSpec msg = policy.spec(VnetNlUapi.VNET_NL_ATTR_MSG()).orElseThrow();
        assertEquals(VnetNlUapi.VNET_NL_MSG_MAX_LEN(), msg.maxLength());
        AttributePolicy.AttributeSpec flag = policy.spec(VnetNlUapi.VNET_NL_ATTR_FLAG()).orElseThrow();
        assertEquals(VnetNlUapi.VNET_NL_BOOL_MAX(), flag.max());
        AttributePolicy.AttributeSpec ifindex = policy.spec(VnetNlUapi.VNET_NL_ATTR_IFINDEX()).orElseThrow();
        assertEquals(1, ifindex.min());
        AttributePolicy.AttributeSpec ifname = policy.spec(VnetNlUapi.VNET_NL_ATTR_IFNAME()).orElseThrow();
        assertEquals(VnetNlUapi.VNET_NL_IFNAME_MAX_LEN(), ifname.maxLength());
        // Reply-only attributes are in no request.
        assertTrue(policy.spec(VnetNlUapi.VNET_NL_ATTR_STATS()).isEmpty());
        assertEquals("VNET_NL_ATTR_LINK_UP", policy.nameOf(VnetNlUapi.VNET_NL_ATTR_LINK_UP()));
    }

    @Test
    void specWithoutTheMainAttributeSetIsRefusedNamingIt() throws Exception {
        YnlSpec spec = SpecLoader.load(Path.of("no-attr.yaml"), new StringReader("""
                name: vnet_nl
                protocol: genetlink
                attribute-sets:
                  - name: other
                    attributes:
                      - name: x
                        type: u32
                operations:
                  list: []
                """));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> VnetSpec.from(spec));
        assertTrue(e.getMessage().contains("no attribute set named attr"), e.getMessage());
    }
}
