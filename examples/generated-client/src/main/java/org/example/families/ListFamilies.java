package org.example.families;

import org.example.families.nlctrl.CtrlAttrsReader;
import org.example.families.nlctrl.NlctrlClient;
import org.example.families.nlctrl.OpAttrsReader;
import org.example.families.nlctrl.OpFlags;
import org.vnetnl.genl.GenlConnection;

/**
 * Lists the generic netlink families of the running kernel through the client the vnet-nl Maven plugin generated
 * from src/main/netlink/nlctrl-families.yaml: one getfamily request, then a dump of all families.
 */
public final class ListFamilies {

    public static void main(String[] args) throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            NlctrlClient nlctrl = NlctrlClient.open(connection);

            CtrlAttrsReader family = nlctrl.getfamily().familyName("nlctrl").call();
            System.out.println("family " + family.familyName() + " id " + family.familyId() + " version "
                    + family.version() + " ops " + family.opsCount());
            OpAttrsReader op = new OpAttrsReader();
            for (int i = 0; i < family.opsCount(); i++) {
                family.ops(i, op);
                System.out.println("  op " + op.id() + (OpFlags.CMD_CAP_DUMP.isSetIn(op.flags()) ? " dump" : "")
                        + (OpFlags.CMD_CAP_DO.isSetIn(op.flags()) ? " do" : ""));
            }

            int[] families = {0};
            nlctrl.getfamilyDump().dump(each -> {
                families[0]++;
                System.out.println("dumped " + each.familyName() + " id " + each.familyId()
                        + " groups " + (each.hasMcastGroups() ? each.mcastGroupsCount() : 0));
            });
            System.out.println(families[0] + " families");
        }
    }
}
