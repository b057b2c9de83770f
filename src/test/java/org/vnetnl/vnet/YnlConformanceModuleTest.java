package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.tools.YnlCli;

/**
 * The module's own spec ({@code kernel-module/vnet_nl.yaml}) through the Java YNL tool and through the kernel's
 * {@code cli.py}, on the same operations against the loaded module: the same JSON. The statistics counters move
 * between the two runs (the ECHOs count), so under {@code stats} they are compared by presence and type only.
 */
@Tag(ModuleSupport.TAG)
class YnlConformanceModuleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SPEC = Path.of("kernel-module", "vnet_nl.yaml").toAbsolutePath();
    private static final Set<String> BY_TYPE = Set.of("stats");

    @Test
    void echoAndStatisticsAreTheSameFromBothTools() throws Exception {
        String ifname = VnetClient.DEFAULT_IFNAME;
        List<String> compared = new ArrayList<>();
        for (List<String> op : List.of(
                List.of("--do", "echo", "--json", "{\"msg\": \"conformance\", \"value\": 7, \"flag\": 1}"),
                List.of("--do", "echo", "--json", "{\"value\": 4294967295}"),
                List.of("--do", "get-stats", "--json", "{\"ifname\": \"" + ifname + "\"}"),
                List.of("--dump", "get-stats"))) {
            String python = python(op);
            String java = java(op);
            assertSame(JSON.readTree(lastJsonLine(python)), JSON.readTree(lastJsonLine(java)), "",
                    String.join(" ", op) + "\ncli.py: " + python + "\njava:   " + java);
            compared.add(String.join(" ", op));
        }
        System.out.println("YnlConformanceModuleTest compared with cli.py: " + compared + "; by type only: "
                + BY_TYPE);
    }

    @Test
    void anUnknownDeviceIsTheSameErrorFromBothTools() throws Exception {
        List<String> op = List.of("--do", "get-stats", "--json", "{\"ifname\": \"nosuch0\"}");
        Outcome python = run(pythonCommand(op));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = YnlCli.run(javaArgs(op), new PrintWriter(out, true), new PrintWriter(err, true));
        assertNotEquals(0, python.exit(), python.output());
        assertEquals(1, exit, err.toString());
        assertTrue(python.output().contains("No such device"), python.output());
        assertTrue(err.toString().contains("ENODEV (No such device)"), err.toString());
    }

    private static void assertSame(JsonNode expected, JsonNode actual, String path, String context) {
        if (BY_TYPE.contains(path.substring(path.lastIndexOf('.') + 1))) {
            assertEquals(expected.getNodeType(), actual.getNodeType(), path + " type: " + context);
            if (expected.isObject()) {
                assertEquals(names(expected), names(actual), path + " keys: " + context);
            }
            return;
        }
        assertEquals(expected.getNodeType(), actual.getNodeType(), path + ": " + context);
        if (expected.isObject()) {
            assertEquals(names(expected), names(actual), path + " keys: " + context);
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                assertSame(field.getValue(), actual.get(field.getKey()), path + "." + field.getKey(), context);
            }
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path + " size: " + context);
            for (int i = 0; i < expected.size(); i++) {
                assertSame(expected.get(i), actual.get(i), path, context);
            }
        } else {
            assertEquals(expected, actual, path + ": " + context);
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new java.util.TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String lastJsonLine(String output) {
        return output.lines().filter(l -> l.startsWith("{") || l.startsWith("[")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON in: " + output));
    }

    private static String java(List<String> op) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = YnlCli.run(javaArgs(op), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, exit, "Java YNL tool " + op + ": " + err);
        return out.toString();
    }

    private static String[] javaArgs(List<String> op) {
        List<String> args = new ArrayList<>(List.of("--spec", SPEC.toString()));
        args.addAll(op);
        args.add("--output-json");
        return args.toArray(String[]::new);
    }

    private static String python(List<String> op) throws Exception {
        Outcome outcome = run(pythonCommand(op));
        assertEquals(0, outcome.exit(), "cli.py " + op + ": " + outcome.output());
        return outcome.output();
    }

    private static List<String> pythonCommand(List<String> op) throws Exception {
        Path cli = KernelYnl.root().resolve("tools/net/ynl/cli.py");
        assertTrue(Files.isRegularFile(cli), "the kernel's cli.py at " + cli);
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", cli.toString(), "--no-schema",
                "--spec", SPEC.toString()));
        command.addAll(op);
        command.add("--output-json");
        return command;
    }

    private record Outcome(int exit, String output) {
    }

    private static Outcome run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + command);
        }
        return new Outcome(p.exitValue(), output);
    }
}
