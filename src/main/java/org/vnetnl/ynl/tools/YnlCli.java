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

import org.vnetnl.genl.AttributeKind;
import org.vnetnl.genl.ConnectionOptions;
import org.vnetnl.genl.FamilyPolicy;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.genl.NetlinkFlags;
import org.vnetnl.genl.NetlinkTimeoutException;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SchemaMismatchException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecOperation;
import org.vnetnl.ynl.YnlSpec;
import org.vnetnl.ynl.client.Notification;
import org.vnetnl.ynl.client.YnlClient;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The Java twin of the kernel's {@code tools/net/ynl/cli.py}: any netlink family from its YNL spec, generic netlink
 * or netlink-raw (rtnetlink's rt_link, rt_addr, rt_route, tc).
 *
 * <pre>
 * ynl --spec netdev.yaml --dump dev-get --output-json
 * ynl --spec ethtool.yaml --do channels-get --json '{"header":{"dev-name":"veth0"}}'
 * ynl --spec ethtool.yaml --subscribe monitor --sleep 5
 * ynl --spec rt_addr.yaml --do newaddr --create --excl \
 *     --json '{"ifa-family":2,"ifa-prefixlen":24,"ifa-index":2,"ifa-local":"0a000001"}'
 * ynl --spec rt_link.yaml --subscribe rtnlgrp-link --sleep 10
 * </pre>
 *
 * Exit status 0 on success; 1 with one line {@code Netlink error: ERRNO (description): ext-ack message [bad-attr:
 * .path]} on stderr when the kernel refuses; 2 with one line {@code error: ...} naming the problem for every error
 * of the user's: bad options, a spec that cannot be read or does not match the kernel's family, a bad request, a
 * network namespace that cannot be entered; 70 (EX_SOFTWARE) with one line for a failure of the tool itself.
 * Never a stack trace, unless {@code --debug} asks for one.
 */
@Command(name = "ynl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Netlink from a YNL spec, generic netlink or netlink-raw (rtnetlink): the Java twin of the"
                + " kernel's tools/net/ynl/cli.py.")
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

        @Option(names = "--multi", arity = "2", paramLabel = "OPERATION JSON", description = "a do request with"
                + " its JSON; repeated, the requests go to the kernel together in one send")
        List<String> multi;

        @Option(names = "--list-msgs", description = "list every message of the spec, notifications and events"
                + " included, and their modes")
        boolean listMsgs;
    }

    @Option(names = "--create", description = "request flag NLM_F_CREATE: create the object if it does not exist")
    boolean create;

    @Option(names = "--excl", description = "request flag NLM_F_EXCL: fail if the object exists")
    boolean excl;

    @Option(names = "--replace", description = "request flag NLM_F_REPLACE: replace an existing object")
    boolean replace;

    @Option(names = "--append", description = "request flag NLM_F_APPEND: add to the end of the object's list")
    boolean append;

    @Option(names = "--process-unknown", negatable = true, description = "accepted as cli.py takes it: attributes"
            + " the spec does not describe are always shown, as UnknownAttr(type)")
    boolean processUnknown;

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

    @Option(names = "--dbg-small-recv", arity = "0..1", fallbackValue = "4000", paramLabel = "BYTES",
            description = "receive into a buffer of this many bytes (4000 if none is given), so that dumps come in"
                    + " many small parts, and print every datagram received on standard error, as cli.py does")
    Integer dbgSmallRecv;

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
        if (json != null && action != null && action.multi != null) {
            return "--json goes with --do or --dump; --multi takes each request's JSON after its operation";
        }
        sends |= action != null && action.multi != null;
        if ((create || excl || replace || append) && !sends) {
            return "--create, --excl, --replace and --append need --do or --dump: they are flags of its request";
        }
        if (json != null && !sends) {
            return "--json needs --do or --dump: it is the request they send";
        }
        if (sleep != null && sleep < 0) {
            return "--sleep " + sleep + ": it takes a number of seconds, 0 or more";
        }
        if (dbgSmallRecv != null && dbgSmallRecv < ConnectionOptions.MIN_RECEIVE_BUFFER_SIZE) {
            return "--dbg-small-recv " + dbgSmallRecv + ": at least " + ConnectionOptions.MIN_RECEIVE_BUFFER_SIZE
                    + " bytes, or replies arrive cut (the kernel gives every message room for about a page)";
        }
        if (action == null && subscribe == null && sleep == null) {
            return "nothing to do: give --do, --dump, --list-ops, --list-msgs or --subscribe";
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
        if (action != null && (action.listOps || action.listMsgs)) {
            // As cli.py prints them: --list-ops the requests, --list-msgs every message.
            for (SpecOperation op : family.operations().values()) {
                if (op.isCall() || action.listMsgs) {
                    out.println(op.name() + "  [ " + String.join(", ", op.modes()) + " ]");
                }
            }
            return 0;
        }
        ConnectionOptions options = ConnectionOptions.defaults();
        if (dbgSmallRecv != null) {
            options = options.withReceiveBufferSize(dbgSmallRecv).withReceiveTrace(new ReceivedDatagrams(System.err));
        }
        YnlClient client;
        try {
            client = netns == null ? YnlClient.open(family, options)
                    : YnlClient.openInNamespace(family, netns, options);
        } catch (NetlinkException | IllegalArgumentException e) {
            if (netns == null || e instanceof NetlinkException n && answeredRequest(n)) {
                return failed(e);
            }
            // Nothing was sent yet: the namespace named is missing, not one, or not enterable.
            error("--netns " + netns + ": " + (e instanceof NetlinkException n
                    ? n.extAckMessage().orElse(n.errnoDescription()) + " (" + n.errnoName() + ")"
                    : e.getMessage()));
            return USER_ERROR;
        }
        try (client) {
            if (subscribe != null) {
                client.subscribe(subscribe);
            }
            if (sleep != null) {
                Thread.sleep(Duration.ofSeconds(sleep));
            }
            if (action != null && action.doOperation != null) {
                Object reply = client.call(action.doOperation, json, requestFlags());
                printWarning(client);
                print(reply);
            } else if (action != null && action.multi != null) {
                List<YnlClient.Call> calls = new ArrayList<>();
                for (int i = 0; i + 1 < action.multi.size(); i += 2) {
                    calls.add(YnlClient.Call.ofJson(action.multi.get(i), action.multi.get(i + 1)));
                }
                Object replies = client.callAll(calls, requestFlags());
                print(replies);
            } else if (action != null && action.dumpOperation != null) {
                Object reply = client.dump(action.dumpOperation, json, requestFlags());
                printWarning(client);
                print(reply);
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
        } catch (NetlinkException | IllegalArgumentException e) {
            return failed(e);
        }
    }

    /**
     * Whether {@code e} came from the kernel's answer to a request (or from checking the family it described),
     * rather than from opening the connection: a request has a sequence number, opening a socket has none.
     */
    private static boolean answeredRequest(NetlinkException e) {
        return e.sequence() != 0 || e instanceof SchemaMismatchException;
    }

    /**
     * Prints the one line of a failure and returns its exit status: the user's for a spec that does not match
     * the kernel's family or a bad request, the kernel's for any other netlink error.
     */
    private int failed(Exception e) {
        if (e instanceof NetlinkException n && !(e instanceof SchemaMismatchException)) {
            err.println(errorLine(n));
            return KERNEL_ERROR;
        }
        error(e.getMessage());
        return USER_ERROR;
    }

    /** The kernel's message on success, before the reply, as cli.py prints it (its extack line). */
    private void printWarning(YnlClient client) {
        client.warning().ifPresent(w -> {
            out.println("Netlink warning:");
            out.println("\textack: {'msg': '" + w.replace("\\", "\\\\").replace("'", "\\'") + "'}");
        });
    }

    private int requestFlags() {
        return (create ? NetlinkFlags.CREATE : 0) | (excl ? NetlinkFlags.EXCL : 0)
                | (replace ? NetlinkFlags.REPLACE : 0) | (append ? NetlinkFlags.APPEND : 0);
    }

    /** One line a script can rely on: errno name and description, the kernel's message, the attribute's path. */
    static String errorLine(NetlinkException e) {
        StringBuilder line = new StringBuilder("Netlink error: ").append(e.errnoName()).append(" (")
                .append(e.errnoDescription()).append(")");
        e.extAckMessage().ifPresent(m -> line.append(": ").append(m));
        e.attributeName().ifPresent(a -> line.append(" [bad-attr: .").append(a).append(']'));
        e.policy().ifPresent(p -> line.append(" [policy: ").append(policyFields(p)).append(']'));
        // As cli.py names it: the attribute's name from the spec, else its type.
        if (e.missingAttributeName().isPresent()) {
            line.append(" [miss-type: ").append(e.missingAttributeName().get()).append(']');
        } else {
            e.missingAttributeType().ifPresent(t -> line.append(" [miss-type: ").append(t).append(']'));
        }
        if (e.extAckMessage().isEmpty() && e.attributeName().isEmpty() && e.missingAttributeType().isEmpty()) {
            line.append(": ").append(e.getMessage());
        }
        return line.toString().replace('\n', ' ');
    }

    /**
     * A policy as cli.py prints it: {@code type u32, min-value 1, max-value 4294967295}, with the kernel's names
     * of the attribute kinds (enum netlink_attribute_type).
     */
    static String policyFields(FamilyPolicy.Rule rule) {
        List<String> fields = new ArrayList<>();
        if (rule.kind() != AttributeKind.UNKNOWN) {
            fields.add("type " + rule.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        rule.minValue().ifPresent(v -> fields.add("min-value " + (rule.kind().isSigned() ? Long.toString(v)
                : Long.toUnsignedString(v))));
        rule.maxValue().ifPresent(v -> fields.add("max-value " + (rule.kind().isSigned() ? Long.toString(v)
                : Long.toUnsignedString(v))));
        rule.minLength().ifPresent(v -> fields.add("min-length " + v));
        rule.maxLength().ifPresent(v -> fields.add("max-length " + v));
        return String.join(", ", fields);
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
