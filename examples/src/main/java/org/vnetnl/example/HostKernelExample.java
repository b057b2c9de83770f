package org.vnetnl.example;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.DumpHandler;
import org.vnetnl.genl.DumpInterruptPolicy;
import org.vnetnl.genl.DumpResult;
import org.vnetnl.genl.Family;
import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.GenlMessage;
import org.vnetnl.genl.NetlinkException;

/**
 * The generic netlink controller of the running kernel, through vnet-nl: resolve a family, send a request, read a
 * dump, and two failures. One line per result, which ./run checks.
 */
public final class HostKernelExample {

    // The controller's numbers, from include/uapi/linux/genetlink.h.
    private static final int CTRL_CMD_GETFAMILY = 3;
    private static final int CTRL_ATTR_FAMILY_ID = 1;
    private static final int CTRL_ATTR_FAMILY_NAME = 2;
    private static final int NO_SUCH_COMMAND = 200;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private HostKernelExample() {}

    public static void main(String[] args) throws NetlinkException {
        Module module = HostKernelExample.class.getModule();
        System.out.println("launched: " + (module.isNamed() ? "module path, module " + module.getName() : "class path"));
        try (GenlConnection connection = GenlConnection.open()) {
            Family nlctrl = connection.family("nlctrl");
            System.out.println("resolve: " + nlctrl.name() + " id=" + nlctrl.id());

            connection.prepare(nlctrl, CTRL_CMD_GETFAMILY).putString(CTRL_ATTR_FAMILY_NAME, "nlctrl");
            GenlMessage reply = connection.transact(TIMEOUT);
            AttributeReader attributes = reply.attributes();
            int id = attributes.seek(CTRL_ATTR_FAMILY_ID) ? attributes.u16() : -1;
            System.out.println("request: GETFAMILY nlctrl -> id=" + id);

            List<String> names = new ArrayList<>();
            connection.prepareDump(nlctrl, CTRL_CMD_GETFAMILY);
            DumpResult dump = connection.dump(TIMEOUT, DumpInterruptPolicy.retry(3), new DumpHandler() {
                @Override
                public void onMessage(GenlMessage family) {
                    AttributeReader a = family.attributes();
                    if (a.seek(CTRL_ATTR_FAMILY_NAME)) {
                        names.add(a.string());
                    }
                }

                @Override
                public void onRestart() {
                    names.clear();
                }
            });
            System.out.println("dump: " + dump.messages() + " families, nlctrl " + (names.contains("nlctrl") ? "listed" : "missing"));

            try {
                connection.family("absent_family");
                System.out.println("error: none for an absent family");
            } catch (FamilyNotFoundException e) {
                System.out.println("error: " + e.errnoName() + " for family " + e.familyName());
            }
            try {
                connection.prepare(nlctrl, NO_SUCH_COMMAND);
                connection.transact(TIMEOUT);
                System.out.println("error: none for command " + NO_SUCH_COMMAND);
            } catch (NetlinkException e) {
                System.out.println("error: " + e.errnoName() + " for nlctrl command " + NO_SUCH_COMMAND);
            }
        }
    }
}
