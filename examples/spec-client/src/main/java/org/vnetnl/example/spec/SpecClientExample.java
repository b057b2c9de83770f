package org.vnetnl.example.spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.vnetnl.genl.NetlinkException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.client.YnlClient;

/**
 * The running kernel's generic netlink controller through its YNL spec (the kernel's nlctrl.yaml, given as the
 * argument): a request by names, a dump, and a request the spec refuses before anything is sent. One line per
 * result, which ./run checks.
 */
public final class SpecClientExample {

    private SpecClientExample() {}

    public static void main(String[] args) throws NetlinkException, IOException {
        Module module = SpecClientExample.class.getModule();
        System.out.println("launched: " + (module.isNamed() ? "module path, module " + module.getName() : "class path"));
        try (YnlClient nlctrl = YnlClient.open(SpecLoader.load(Path.of(args[0])))) {
            Map<String, Object> family = nlctrl.call("getfamily", "{\"family-name\": \"nlctrl\"}");
            System.out.println("call: getfamily nlctrl -> family-id=" + family.get("family-id"));

            List<Map<String, Object>> families = nlctrl.dump("getfamily", Map.of());
            boolean listed = families.stream().anyMatch(f -> "nlctrl".equals(f.get("family-name")));
            System.out.println("dump: " + families.size() + " families" + (listed ? ", nlctrl listed" : ""));

            try {
                nlctrl.call("getfamily", Map.of("no-such-attribute", 1));
            } catch (IllegalArgumentException e) {
                System.out.println("refused before sending: " + e.getMessage());
            }
        }
    }
}
