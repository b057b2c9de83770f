package org.vnetnl.ynl.tools;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SchemaMismatchException;
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
 * .path]} on stderr when the kernel refuses; 2 with one line {@code error: ...} naming the problem for every error
 * of the user's: bad options, a spec that cannot be read or does not match the kernel's family, a bad request, a
 * network namespace that cannot be entered; 70 (EX_SOFTWARE) with one line for a failure of the tool itself.
 * Never a stack trace, unless {@code --debug} asks for one.
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

    @Option(names = "--debug", description = "print the stack trace of an error of the tool itself")
    boolean debug;

    /** Exit status for errors of the user's (options, spec, request, namespace). */
    static final int USER_ERROR = 2;
    /** Exit status for errors the kernel returned. */
    static final int KERNEL_ERROR = 1;
    /** Exit status for a failure of the tool itself (sysexits.h EX_SOFTWARE). */
    static final int INTERNAL_ERROR = 70;

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
        CommandLine cmd = new CommandLine(cli).setOut(out).setErr(err)
                .setParameterExceptionHandler((e, badArgs) -> {
                    cli.error(e.getMessage() + " (ynl --help lists the options)");
                    return USER_ERROR;
                })
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    cli.error("the tool failed: " + e + " (a bug; --debug prints where)");
                    if (cli.debug) {
                        e.printStackTrace(err);
                    }
                    return INTERNAL_ERROR;
                });
        int status;
        try {
            status = cmd.execute(args);
        } catch (StackOverflowError e) {
            cli.error("the tool failed: it ran out of stack (a bug; --debug prints where)");
            if (cli.debug) {
                e.printStackTrace(err);
            }
            status = INTERNAL_ERROR;
        }
        out.flush();
        err.flush();
        return status;
    }

    /** Prints {@code error: problem} as one line. */
    private void error(String problem) {
        err.println("error: " + problem.replace("\r", " ").replace('\n', ' '));
    }

    /** The first error of the user's among the options alone, or null. */
    private String optionError() {
        boolean sends = action != null && (action.doOperation != null || action.dumpOperation != null);
        if (json != null && !sends) {
            return "--json needs --do or --dump: it is the request they send";
        }
        if (sleep != null && sleep < 0) {
            return "--sleep " + sleep + ": it takes a number of seconds, 0 or more";
        }
        if (action == null && subscribe == null && sleep == null) {
            return "nothing to do: give --do, --dump, --list-ops or --subscribe";
        }
        return null;
    }

    @Override
    public Integer call() throws Exception {
        String optionError = optionError();
        if (optionError != null) {
            error(optionError);
            return USER_ERROR;
        }
        YnlSpec family;
        try {
            family = SpecLoader.load(spec);
        } catch (MalformedSpecException e) {
            error("bad spec: " + e.getMessage());
            return USER_ERROR;
        } catch (NoSuchFileException e) {
            error("--spec " + spec + ": no such file");
            return USER_ERROR;
        } catch (AccessDeniedException e) {
            error("--spec " + spec + ": permission denied");
            return USER_ERROR;
        } catch (CharacterCodingException e) {
            error("--spec " + spec + ": not UTF-8 text");
            return USER_ERROR;
        } catch (IOException e) {
            error("--spec " + spec + ": cannot be read" + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return USER_ERROR;
        }
        if (action != null && action.listOps) {
            for (SpecOperation op : family.operations().values()) {
                if (op.isCall()) {
                    out.println(op.name() + "  [ " + String.join(", ", op.modes()) + " ]");
                }
            }
            return 0;
        }
        GenlConnection inNamespace = null;
        if (netns != null) {
            try {
                inNamespace = GenlConnection.openInNamespace(netns, GenlConnection.Options.defaults());
            } catch (NetlinkException | IllegalArgumentException e) {
                // Nothing was sent yet: the namespace named is missing, not one, or not enterable.
                error("--netns " + netns + ": " + (e instanceof NetlinkException n
                        ? n.extAckMessage().orElse(n.errnoDescription()) + " (" + n.errnoName() + ")"
                        : e.getMessage()));
                return USER_ERROR;
            }
        }
        try (GenlConnection closedAfter = inNamespace;
             YnlClient client = inNamespace == null ? YnlClient.open(family) : YnlClient.on(family, inNamespace)) {
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
        } catch (SchemaMismatchException e) {
            error(e.getMessage());
            return USER_ERROR;
        } catch (NetlinkException e) {
            err.println(errorLine(e));
            return KERNEL_ERROR;
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return USER_ERROR;
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
