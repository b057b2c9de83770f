package org.vnetnl.vnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.vnetnl.genl.NetlinkException;

/**
 * Run by {@link UnprivilegedClientModuleTest} in a JVM of its own, as a user without capabilities: tries every
 * vnet_nl operation and prints one line per operation, {@code OK name} or {@code EPERM name: message}, then
 * {@code DONE}. Whether each outcome is the right one is for the test to judge; any other failure is printed as
 * {@code ERROR name: exception} and ends the probe with status 1.
 */
public final class UnprivilegedProbe {

    private UnprivilegedProbe() {}

    @FunctionalInterface
    private interface Operation {
        void run(VnetClient client) throws NetlinkException;
    }

    private record Step(String name, Operation operation) {}

    public static void main(String[] args) {
        String ifname = args.length > 0 ? args[0] : VnetClient.DEFAULT_IFNAME;
        Duration timeout = Duration.ofSeconds(20);
        List<Step> steps = new ArrayList<>(List.of(
                new Step("ECHO", c -> c.echo("unprivileged", 5, true)),
                new Step("GET_STATS", c -> c.stats(ifname)),
                new Step("GET_STATS dump", c -> {
                    if (c.allStats().stream().noneMatch(s -> s.ifname().equals(ifname))) {
                        throw new IllegalStateException("the dump does not list " + ifname);
                    }
                }),
                new Step("events", c -> {
                    c.subscribe();
                    c.echo("to myself", 6, false);
                    if (!(c.nextEvent(timeout) instanceof Echo echo) || echo.value().getAsLong() != 6) {
                        throw new IllegalStateException("the ECHO event did not arrive");
                    }
                    c.unsubscribe();
                }),
                new Step("SET_LINK down", c -> c.setLink(ifname, false)),
                new Step("SET_LINK up", c -> c.setLink(ifname, true)),
                new Step("RESET_STATS", c -> c.resetStats(ifname))));

        int status = 0;
        try (VnetClient client = VnetClient.open(VnetClient.Options.defaults().withTimeout(timeout))) {
            for (Step step : steps) {
                try {
                    step.operation().run(client);
                    System.out.println("OK " + step.name());
                } catch (NetlinkException e) {
                    if (e.errnoName().equals("EPERM")) {
                        System.out.println("EPERM " + step.name() + ": " + e.getMessage());
                    } else {
                        System.out.println("ERROR " + step.name() + ": " + e);
                        status = 1;
                    }
                } catch (RuntimeException e) {
                    System.out.println("ERROR " + step.name() + ": " + e);
                    status = 1;
                }
            }
        } catch (NetlinkException e) {
            System.out.println("ERROR open: " + e);
            status = 1;
        }
        System.out.println("DONE");
        System.exit(status);
    }
}
