package org.vnetnl.vnet.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.vnet.VnetClient;

/** The sample application where the vnet_nl module is not loaded (the module tests cover it where it is). */
class VnetEchoTest {

    @Test
    void withoutTheModuleItSaysHowToGetIt() throws Exception {
        assumeTrue(!registered(VnetClient.FAMILY_NAME), "vnet_nl is registered here");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = VnetEcho.run(new String[] {"--msg", "hi"}, print(out), print(err));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, errors);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(errors.startsWith("vnet-echo: resolve generic netlink family \"vnet_nl\" failed: ENOENT"), errors);
        assertTrue(errors.contains("vnet-echo: " + VnetEcho.HOW_TO_LOAD_THE_MODULE), errors);
        for (String way : new String[] {"sudo insmod kernel-module/vnet_nl.ko", "kernel-module/vm/run", "vagrant up"}) {
            assertTrue(errors.contains(way), errors);
        }
    }

    private static boolean registered(String family) throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            connection.family(family);
            return true;
        } catch (FamilyNotFoundException e) {
            return false;
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
