package org.vnetnl.ynl.tools;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.YnlSpec;
import org.vnetnl.ynl.client.Notification;
import org.vnetnl.ynl.client.YnlClient;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java twin of the kernel's {@code tools/net/ynl/cli.py}: any generic netlink family from its YNL spec.
 *
 * <pre>
 * ynl --spec netdev.yaml --dump dev-get --output-json
 * ynl --spec ethtool.yaml --do channels-get --json '{"header":{"dev-name":"veth0"}}'
 * ynl --spec ethtool.yaml --subscribe monitor --sleep 5
 * </pre>
 *
 * Exit status 0 on success; 1 with one line {@code Netlink error: ERRNO (description): ext-ack message [bad-attr:
 * .path]} on stderr when the kernel refuses; 2 with one line naming the problem for bad input or a bad spec.
 */
@Command(name = "ynl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generic netlink from a YNL spec: the Java twin of the kernel's tools/net/ynl/cli.py.")
public final class YnlCli implements Callable<Integer> {

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "the family's YNL spec (YAML)")
    Path spec;

    @Option(names = "--json", paramLabel = "JSON", description = "the request's attributes as a JSON object")
    String json;

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "--do", paramLabel = "OPERATION", description = "send a do request")
        String doOperation;

        @Option(names = "--dump", paramLabel = "OPERATION", description = "run a dump")
        String dumpOperation;

        @Option(names = "--list-ops", description = "list the spec's operations and their modes")
        boolean listOps;
    }

    @Option(names = "--subscribe", paramLabel = "GROUP", description = "join a multicast group; print what it"
            + " sent at the end")
    String subscribe;

    @Option(names = "--sleep", paramLabel = "SECONDS", description = "wait this long after subscribing")
    Integer sleep;

    @Option(names = "--output-json", description = "print compact JSON (default: indented)")
    boolean outputJson;

    @Option(names = "--netns", paramLabel = "NAME", description = "run in this network namespace (ip netns name"
            + " or path)")
    String netns;

    private PrintWriter out;
    private PrintWriter err;

    /** Runs the tool and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        YnlCli cli = new YnlCli();
        cli.out = out;
        cli.err = err;
        CommandLine cmd = new CommandLine(cli).setOut(out).setErr(err);
        int status = cmd.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() throws Exception {
        YnlSpec family;
        try {
            family = SpecLoader.load(spec);
        } catch (MalformedSpecException e) {
            err.println("error: bad spec: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("error: cannot read spec " + spec + ": " + e);
            return 2;
        }
        if (action != null && action.listOps) {
            for (SpecOperation op : family.operations().values()) {
                if (op.isCall()) {
                    out.println(op.name() + "  [ " + String.join(", ", op.modes()) + " ]");
                }
            }
            return 0;
        }
        try (YnlClient client = netns == null ? YnlClient.open(family) : YnlClient.openInNamespace(family, netns)) {
            if (subscribe != null) {
                client.subscribe(subscribe);
            }
            if (sleep != null) {
                Thread.sleep(Duration.ofSeconds(sleep));
            }
            if (action != null && action.doOperation != null) {
                print(client.call(action.doOperation, json));
            } else if (action != null && action.dumpOperation != null) {
                print(client.dump(action.dumpOperation, json));
            }
            if (subscribe != null) {
                List<Notification> received = new ArrayList<>();
                while (true) {
                    try {
                        received.add(client.nextNotification(Duration.ofMillis(50)));
                    } catch (NetlinkTimeoutException e) {
                        break;
                    }
                }
                print(received);
            }
            return 0;
        } catch (NetlinkException e) {
            err.println(errorLine(e));
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    /** One line a script can rely on: errno name and description, the kernel's message, the attribute's path. */
    static String errorLine(NetlinkException e) {
        StringBuilder line = new StringBuilder("Netlink error: ").append(e.errnoName()).append(" (")
                .append(e.errnoDescription()).append(")");
        e.extAckMessage().ifPresent(m -> line.append(": ").append(m));
        e.attributeName().ifPresent(a -> line.append(" [bad-attr: .").append(a).append(']'));
        if (e.extAckMessage().isEmpty() && e.attributeName().isEmpty()) {
            line.append(": ").append(e.getMessage());
        }
        return line.toString().replace('\n', ' ');
    }

    private void print(Object value) throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        if (outputJson) {
            out.println(mapper.writeValueAsString(value));
        } else {
            StringWriter s = new StringWriter();
            mapper.writer().with(SerializationFeature.INDENT_OUTPUT).writeValue(s, value);
            out.println(s);
        }
    }
}
