package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.internal.uapi.VnetNlUapi;
import org.vnetnl.internal.vnet.VnetNl;
import org.vnetnl.ynl.AttributeSet;
import org.vnetnl.ynl.SpecAttribute;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.SpecSchema;
import org.vnetnl.ynl.YnlSpec;

/**
 * The Java view generated from the spec (org.vnetnl.internal.vnet) against the constants jextract generated
 * from the uapi header that ynl-gen-c generated from the same spec: every name resolves to the number the header
 * has, and the request policies carry the header's limits, so the two generated views cannot drift.
 */
class VnetSpecTest {

    private static final YnlSpec SPEC = load();

    private static YnlSpec load() {
        try {
            return SpecLoader.load(Path.of("kernel-module/vnet_nl.yaml"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int uapiConstant(String cName) throws ReflectiveOperationException {
        Method constant = VnetNlUapi.class.getMethod(cName);
        return (int) constant.invoke(null);
    }

    @Test
    void familyNameAndVersionAreTheHeaders() {
        assertEquals(VnetNlUapi.VNET_NL_FAMILY_NAME().getString(0), VnetNl.FAMILY_NAME);
        assertEquals(VnetNlUapi.VNET_NL_FAMILY_VERSION(), VnetNl.VERSION);
        assertEquals(VnetNlUapi.VNET_NL_MCGRP_EVENTS().getString(0), VnetNl.Mcgrp.EVENTS);
        assertEquals(VnetNlUapi.VNET_NL_DEFAULT_IFNAME().getString(0), VnetNl.DEFAULT_IFNAME);
        assertEquals(VnetNlUapi.VNET_NL_MSG_MAX_LEN(), VnetNl.MSG_MAX_LEN);
    }

    @Test
    void everyAttributeHasTheHeadersNameAndNumber() throws ReflectiveOperationException {
        for (AttributeSet set : SPEC.attributeSets().values()) {
            for (SpecAttribute a : set.attributes()) {
                assertEquals(uapiConstant(SpecSchema.cName(SPEC, set, a)), a.value(), SpecSchema.cName(SPEC, set, a));
            }
        }
        assertEquals(VnetNlUapi.VNET_NL_ATTR_LINK_UP(), VnetNl.Attr.LINK_UP);
        assertEquals(VnetNlUapi.VNET_NL_STATS_TX_DROPPED(), VnetNl.Stats.TX_DROPPED);
    }

    @Test
    void everyOperationHasTheHeadersNumber() throws ReflectiveOperationException {
        for (SpecOperation op : SPEC.operations().values()) {
            String cName = "VNET_NL_CMD_" + op.name().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
            assertEquals(uapiConstant(cName), Math.max(op.requestValue(), op.replyValue()), cName);
        }
        assertEquals(VnetNlUapi.VNET_NL_CMD_ECHO_EVENT(), VnetNl.Cmd.ECHO_EVENT);
    }

    @Test
    void requestPoliciesCarryTheHeadersLimits() {
        AttributePolicy echo = VnetNl.Policy.ECHO;
        assertEquals(VnetNlUapi.VNET_NL_MSG_MAX_LEN(), echo.spec(VnetNl.Attr.MSG).orElseThrow().maxLength());
        assertEquals(VnetNlUapi.VNET_NL_BOOL_MAX(), echo.spec(VnetNl.Attr.FLAG).orElseThrow().max());
        assertEquals("VNET_NL_ATTR_MSG", echo.nameOf(VnetNl.Attr.MSG));
        AttributePolicy setLink = VnetNl.Policy.SET_LINK;
        assertEquals(1, setLink.spec(VnetNl.Attr.IFINDEX).orElseThrow().min());
        assertEquals(VnetNlUapi.VNET_NL_IFNAME_MAX_LEN(), setLink.spec(VnetNl.Attr.IFNAME).orElseThrow().maxLength());
        assertEquals("VNET_NL_ATTR_LINK_UP", setLink.nameOf(VnetNl.Attr.LINK_UP));
        // Reply-only attributes are in no request.
        assertTrue(VnetNl.Policy.GET_STATS.spec(VnetNl.Attr.STATS).isEmpty());
        // The generated constant is the schema the spec gives at run time.
        assertEquals(SpecSchema.of(SPEC).toString(), VnetNl.SCHEMA.toString());
        assertEquals(List.of("echo", "get-stats", "set-link", "reset-stats"),
                VnetNl.SCHEMA.requests().stream().map(SpecSchema.Request::label).toList());
    }
}
