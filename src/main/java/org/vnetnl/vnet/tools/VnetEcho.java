package org.vnetnl.vnet.tools;

import java.io.PrintStream;
import java.time.Duration;

import org.vnetnl.genl.FamilyNotFoundException;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.genl.NotificationOverrunException;
import org.vnetnl.internal.NativeAccess;
import org.vnetnl.vnet.DeviceStats;
import org.vnetnl.vnet.EchoReply;
import org.vnetnl.vnet.EchoRequest;
import org.vnetnl.vnet.VnetClient;
import org.vnetnl.vnet.VnetEvent;

/**
 * Sample client of the vnet_nl family, the Java twin of the C {@code vnet-nl-client}: connects, resolves
 * vnet_nl (checking the module's schema), sends an ECHO with the values given on the command line and prints
 * the reply in the same format; {@code --listen} prints events, {@code --stats} device counters.
 *
 * <pre>
 * mvn -q package -DskipTests
 * java --enable-native-access=org.vnetnl -p target/classes -m org.vnetnl/org.vnetnl.vnet.tools.VnetEcho --msg hello
 * </pre>
 *
 * Exit status: 0 on success, 1 when the kernel or the socket reports an error (or the module, libnl or native
 * access is missing: one line says what to do), 2 on a usage error.
 */
public final class VnetEcho {

    private static final String PROG = "vnet-echo";
    private static final int EXIT_ERROR = 1;
    private static final int EXIT_USAGE = 2;
    static final String HOW_TO_LOAD_THE_MODULE = "the vnet_nl module is not loaded; get it from the project's"
            + " kernel-module/: build and load it (make -C kernel-module && sudo insmod kernel-module/vnet_nl.ko),"
            + " run this in a VM that has it (kernel-module/vm/run java ...), or use the Vagrant machine (vagrant up)";

    private enum Action { ECHO, LISTEN, STATS }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private Action action = Action.ECHO;
    private String message;
    private long value = -1;
    private int flag = -1;
    private long count = -1;
    private Duration timeout;
    private String ifname;

    private VnetEcho() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool; returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            // Before anything loads the bindings (the usage text shows constants from them too).
            NativeAccess.ensureAvailable();
        } catch (IllegalCallerException | UnsatisfiedLinkError e) {
            // No native access (the message names the java flag) or no libnl (it names the packages).
            err.println(PROG + ": " + e.getMessage());
            return EXIT_ERROR;
        }
        VnetEcho tool = new VnetEcho();
        try {
            if (!tool.parse(args, out)) {
                return 0;
            }
        } catch (UsageException e) {
            err.println(PROG + ": " + e.getMessage());
            err.println("Try '" + PROG + " --help'.");
            return EXIT_USAGE;
        }
        try (VnetClient client = VnetClient.open()) {
            return switch (tool.action) {
                case ECHO -> tool.echo(client, out, err);
                case LISTEN -> tool.listen(client, out, err);
                case STATS -> tool.stats(client, out);
            };
        } catch (FamilyNotFoundException e) {
            err.println(PROG + ": " + e.getMessage());
            err.println(PROG + ": " + HOW_TO_LOAD_THE_MODULE);
            return EXIT_ERROR;
        } catch (NetlinkException e) {
            err.println(PROG + ": " + e.getMessage());
            return EXIT_ERROR;
        }
    }

    private int echo(VnetClient client, PrintStream out, PrintStream err) throws NetlinkException {
        long repeat = count < 0 ? 1 : count;
        EchoReply reply = null;
        long started = System.nanoTime();
        for (long i = 0; i < repeat; i++) {
            EchoRequest request = client.prepareEcho();
            if (message != null) {
                request.message(message);
            }
            if (value >= 0) {
                request.value(value);
            }
            if (flag >= 0) {
                request.flagByte(flag);
            }
            reply = request.send();
        }
        long elapsed = System.nanoTime() - started;
        out.println(reply);
        if (repeat > 1) {
            err.printf("%s: %d round trips, %.2f us each%n", PROG, repeat, elapsed / 1000.0 / repeat);
        }
        return 0;
    }

    private int listen(VnetClient client, PrintStream out, PrintStream err) throws NetlinkException {
        client.subscribe();
        err.println(PROG + ": listening to " + VnetClient.FAMILY_NAME + "/" + VnetClient.EVENTS_GROUP);
        Duration wait = timeout != null ? timeout : Duration.ofDays(365);
        long deadline = System.nanoTime() + wait.toNanos();
        long received = 0;
        while (count < 0 || received < count) {
            long remaining = deadline - System.nanoTime();
            try {
                VnetEvent event = client.nextEvent(Duration.ofNanos(Math.max(0, remaining)));
                out.println(event);
                out.flush();
                received++;
            } catch (NotificationOverrunException e) {
                err.println(PROG + ": events were lost (receive buffer overrun)");
            } catch (NetlinkTimeoutException e) {
                err.println(PROG + ": timed out after " + wait.toSeconds() + " s with " + received
                        + (count >= 0 ? " of " + count : "") + " events");
                return EXIT_ERROR;
            }
        }
        return 0;
    }

    private int stats(VnetClient client, PrintStream out) throws NetlinkException {
        if (ifname != null) {
            out.println(client.stats(ifname));
        } else {
            for (DeviceStats device : client.allStats()) {
                out.println(device);
            }
        }
        return 0;
    }

    /** Returns false when only the help was asked for. */
    private boolean parse(String[] args, PrintStream out) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    usage(out);
                    return false;
                }
                case "-m", "--msg" -> message = argument(args, ++i, arg);
                case "-v", "--value" -> value = parseUnsigned(argument(args, ++i, arg), 0xFFFF_FFFFL, arg);
                case "-f", "--flag" -> flag = (int) parseUnsigned(argument(args, ++i, arg), 0xFF, arg);
                case "--count" -> count = parseUnsigned(argument(args, ++i, arg), Long.MAX_VALUE, arg);
                case "--timeout" -> timeout = Duration.ofSeconds(
                        parseUnsigned(argument(args, ++i, arg), Integer.MAX_VALUE, arg));
                case "--listen" -> action = Action.LISTEN;
                case "--stats" -> {
                    action = Action.STATS;
                    if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
                        ifname = args[++i];
                    }
                }
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        if (action != Action.ECHO && (message != null || value >= 0 || flag >= 0)) {
            throw new UsageException("--msg, --value and --flag only go with ECHO");
        }
        if (action == Action.STATS && (count >= 0 || timeout != null)) {
            throw new UsageException("--count and --timeout do not go with --stats");
        }
        if (action == Action.ECHO && timeout != null) {
            throw new UsageException("--timeout goes with --listen");
        }
        if (count == 0 && action == Action.ECHO) {
            throw new UsageException("--count must be at least 1");
        }
        return true;
    }

    private static String argument(String[] args, int index, String option) throws UsageException {
        if (index >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static long parseUnsigned(String text, long max, String option) throws UsageException {
        long parsed;
        try {
            parsed = text.startsWith("-") ? -1 : Long.decode(text);
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < 0 || parsed > max) {
            throw new UsageException(option + ": expected an integer from 0 to " + max + ", got '" + text + "'");
        }
        return parsed;
    }

    private static void usage(PrintStream out) {
        out.printf("""
                Usage:
                  %1$s [--msg TEXT] [--value N] [--flag N] [--count N]  send ECHO (N times), print the reply
                  %1$s --listen [--count N] [--timeout SECONDS]        print events of the "%2$s" group
                  %1$s --stats [IFNAME]                                GET_STATS of one device, or of all

                ECHO attributes (each optional):
                  -m, --msg TEXT      VNET_NL_ATTR_MSG, a string (the kernel accepts at most %3$d bytes)
                  -v, --value N       VNET_NL_ATTR_VALUE, an unsigned 32-bit integer
                  -f, --flag N        VNET_NL_ATTR_FLAG, an unsigned byte (the kernel accepts 0 or 1)

                Values are sent as given: the kernel, not this client, enforces the limits.
                """, PROG, VnetClient.EVENTS_GROUP, VnetClient.MAX_MESSAGE_LENGTH);
    }
}
