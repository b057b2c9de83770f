package org.vnetnl.ynl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented command, {@code bin/ynl}, as a script would run it: exit status and one-line errors. */
class YnlCliProcessTest {

    record Result(int exit, String stdout, String stderr) {}

    private static Result ynl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of("bin/ynl").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        byte[] err = p.getErrorStream().readAllBytes();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "bin/ynl did not finish");
        return new Result(p.exitValue(), out, new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void dumpPrintsJsonAndExitsZero() throws Exception {
        Result r = ynl("--spec", KernelYnl.spec("netdev").toString(), "--dump", "dev-get", "--output-json");
        assertEquals(0, r.exit(), r.stderr());
        JsonNode devices = new ObjectMapper().readTree(r.stdout());
        assertTrue(devices.isArray() && devices.size() >= 1, r.stdout());
        assertEquals(1, devices.get(0).get("ifindex").asInt(), "lo comes first");
    }

    @Test
    void kernelErrorIsOneLineWithErrnoExtAckAndPath() throws Exception {
        Result r = ynl("--spec", KernelYnl.spec("ethtool").toString(), "--do", "channels-get", "--json",
                "{\"header\":{\"dev-name\":\"nosuch0\"}}");
        assertEquals(1, r.exit());
        assertEquals("Netlink error: ENODEV (No such device): no device matches name [bad-attr: .header.dev-name]\n",
                r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void badInputIsOneLineAndExitsTwo() throws Exception {
        Result r = ynl("--spec", KernelYnl.spec("netdev").toString(), "--do", "dev-get", "--json", "{\"ifindex\":0}");
        assertEquals(2, r.exit());
        assertEquals("error: ifindex: 0 is below the minimum 1 the spec allows\n", r.stderr());
        Result unknown = ynl("--spec", KernelYnl.spec("netdev").toString(), "--dump", "dev-gte");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.stderr().startsWith("error: no operation 'dev-gte' in netdev; operations with dump: "
                + "[dev-get,"), unknown.stderr());
    }

    @Test
    void hostileInputIsOneLineAndExitsTwo(@TempDir Path dir) throws Exception {
        Path deep = Files.writeString(dir.resolve("deep.yaml"), "name: deep\nx: " + "[".repeat(5000)
                + "]".repeat(5000) + "\n");
        Result nested = ynl("--spec", deep.toString(), "--list-ops");
        assertEquals("error: bad spec: " + deep + ":2: YAML nested deeper than 64 levels\n", nested.stderr());
        assertEquals(2, nested.exit());
        Result missing = ynl("--spec", dir.resolve("absent.yaml").toString(), "--list-ops");
        assertEquals("error: --spec " + dir.resolve("absent.yaml") + ": no such file\n", missing.stderr());
        assertEquals(2, missing.exit());
        Result nullValue = ynl("--spec", KernelYnl.spec("nlctrl").toString(), "--do", "getfamily", "--json",
                "{\"family-name\":null}");
        assertEquals("error: family-name: needs a value\n", nullValue.stderr());
        assertEquals(2, nullValue.exit());
    }

    @Test
    void listsOperations() throws Exception {
        Result r = ynl("--spec", KernelYnl.spec("netdev").toString(), "--list-ops");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stdout().contains("dev-get  [ do, dump ]\n"), r.stdout());
        assertTrue(r.stdout().contains("qstats-get  [ dump ]\n"), r.stdout());
    }

    /**
     * {@code --dbg-small-recv}: the controller's family dump comes in reads of at most 4000 bytes, each printed
     * as cli.py prints it, with the same families as a dump into the default buffer; a smaller size is refused.
     */
    @Test
    void smallReceivesSplitTheDumpAndPrintEveryRead() throws Exception {
        String spec = KernelYnl.spec("nlctrl").toString();
        Result small = ynl("--spec", spec, "--dump", "getfamily", "--output-json", "--dbg-small-recv");
        assertEquals(0, small.exit(), small.stderr());
        List<String> reads = small.stderr().lines().filter(l -> l.startsWith("Recv: read ")).toList();
        assertTrue(reads.size() >= 2, small.stderr());
        for (String read : reads) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Recv: read (\\d+) bytes, (\\d+) messages")
                    .matcher(read);
            assertTrue(m.matches(), read);
            assertTrue(Integer.parseInt(m.group(1)) <= 4000, read);
            assertTrue(Integer.parseInt(m.group(2)) >= 1, read);
        }
        assertTrue(small.stderr().lines().anyMatch(l -> l.matches("   nl_len = \\d+ \\(\\d+\\) nl_flags = 0x[0-9a-f]+ nl_type = 16")),
                small.stderr());
        Result whole = ynl("--spec", spec, "--dump", "getfamily", "--output-json");
        assertEquals(0, whole.exit(), whole.stderr());
        assertEquals(names(whole.stdout()), names(small.stdout()));

        Result tooSmall = ynl("--spec", spec, "--dump", "getfamily", "--dbg-small-recv", "1000");
        assertEquals(2, tooSmall.exit());
        assertTrue(tooSmall.stderr().startsWith("error: --dbg-small-recv 1000: at least 4000 bytes"), tooSmall.stderr());
    }

    private static java.util.Set<String> names(String json) throws Exception {
        java.util.Set<String> names = new java.util.TreeSet<>();
        new ObjectMapper().readTree(json).forEach(f -> names.add(f.get("family-name").asText()));
        return names;
    }
}
