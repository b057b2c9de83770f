package org.vnetnl.ynl.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vnetnl.ynl.KernelYnl;

/**
 * The tool on hostile input, run in this JVM (issue "hostile input", rows 3, 5, 6 and 8): every error of the
 * user's is one line starting with {@code error:} and exit status 2, with no exception class name and no stack
 * trace; exit status 1 stays for errors the kernel returned. Specs and requests are refused before anything is
 * sent; the ones that open a client do so on the running kernel's nlctrl.
 */
class YnlCliErrorsTest {

    record Result(int exit, String out, String err) {}

    private static Path nlctrl;

    @TempDir
    static Path dir;

    @BeforeAll
    static void specs() throws Exception {
        nlctrl = KernelYnl.spec("nlctrl");
    }

    private static Result ynl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = YnlCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(exit, out.toString(), err.toString());
    }

    /** Asserts exit status 2 and exactly one line, {@code expected}, on stderr; nothing on stdout. */
    private static void userError(String expected, String... args) {
        Result r = ynl(args);
        assertEquals(expected + "\n", r.err(), "stderr");
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
    }

    private static String file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8).toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Row 8: options

    @Test
    void aNegativeSleepIsRefused() {
        userError("error: --sleep -1: it takes a number of seconds, 0 or more", "--spec", nlctrl.toString(),
                "--subscribe", "notify", "--sleep", "-1");
    }

    @Test
    void jsonWithoutDoOrDumpIsRefused() {
        userError("error: --json needs --do or --dump: it is the request they send", "--spec", nlctrl.toString(),
                "--json", "{}");
        userError("error: --json needs --do or --dump: it is the request they send", "--spec", nlctrl.toString(),
                "--list-ops", "--json", "{}");
    }

    @Test
    void aNetworkNamespaceThatDoesNotExistIsAUserError() {
        userError("error: --netns nosuchns-ynl-test: no such network namespace (create one with: ip netns add NAME)"
                + " (ENOENT)", "--spec", nlctrl.toString(), "--netns", "nosuchns-ynl-test", "--dump", "getfamily");
    }

    @Test
    void aSpecFileThatDoesNotExistIsNamed() {
        userError("error: --spec /nonexistent/nosuch.yaml: no such file", "--spec", "/nonexistent/nosuch.yaml",
                "--list-ops");
    }

    @Test
    void badOptionsAreOneLine() {
        userError("error: Unknown option: '--bogus' (ynl --help lists the options)", "--spec", nlctrl.toString(),
                "--bogus");
        userError("error: Invalid value for option '--sleep': 'soon' is not an int (ynl --help lists the options)",
                "--spec", nlctrl.toString(), "--sleep", "soon");
        userError("error: Missing required option: '--spec=FILE' (ynl --help lists the options)", "--list-ops");
        userError("error: nothing to do: give --do, --dump, --list-ops or --subscribe", "--spec", nlctrl.toString());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rows 3 and 5: specs

    @Test
    void aSpecNestedThousandsDeepIsOneLine() throws Exception {
        String deep = file("deep.yaml", "name: deep\nx: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        userError("error: bad spec: " + deep + ":2: YAML nested deeper than 64 levels", "--spec", deep, "--list-ops");
    }

    @Test
    void aSpecWithANumberPastItsRangeIsOneLine() throws Exception {
        String huge = file("huge.yaml", """
                name: huge
                definitions:
                  - { type: const, name: big, value: 1180591620717411303424 }
                attribute-sets: []
                operations: { list: [] }
                """);
        userError("error: bad spec: " + huge + ":3: 'definitions[0].value': 1180591620717411303424 is out of range"
                + " -9223372036854775808..9223372036854775807: a const is a signed 64-bit number", "--spec", huge,
                "--list-ops");
    }

    @Test
    void aFixedHeaderTheKernelsFamilyDoesNotHaveIsRefusedAtOpen() throws Exception {
        String text = Files.readString(nlctrl).replace("definitions:\n", """
                definitions:
                  -
                    type: struct
                    name: extra
                    members:
                      - { name: x, type: u32 }
                """).replace("operations:\n", "operations:\n  fixed-header: extra\n");
        String spec = file("nlctrl-with-header.yaml", text);
        Result r = ynl("--spec", spec, "--dump", "getfamily");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: check nlctrl against its spec failed: the running kernel's nlctrl does"
                + " not match the spec the client was built from (build both from the same spec): the spec's fixed"
                + " header is struct extra of 4 bytes (in getfamily, getpolicy), the kernel's nlctrl has a fixed"
                + " header of 0 bytes"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rows 6 and 7: requests

    @Test
    void jsonNullIsOneLine() {
        userError("error: family-name: needs a value", "--spec", nlctrl.toString(), "--do", "getfamily", "--json",
                "{\"family-name\":null}");
    }

    @Test
    void wrongKindsTrailingTextAndDuplicatesAreOneLine() {
        userError("error: family-name: takes a string, got 16", "--spec", nlctrl.toString(), "--do", "getfamily",
                "--json", "{\"family-name\":16}");
        userError("error: the request has more text after its JSON object at column 26", "--spec", nlctrl.toString(),
                "--do", "getfamily", "--json", "{\"family-name\":\"nlctrl\"} {}");
        userError("error: family-name: is given twice in the request", "--spec", nlctrl.toString(), "--do",
                "getfamily", "--json", "{\"family-name\":\"nlctrl\",\"family-name\":\"x\"}");
    }

    @Test
    void aKernelErrorStaysExitOne() {
        Result r = ynl("--spec", nlctrl.toString(), "--do", "getfamily", "--json", "{\"family-name\":\"nosuch-ynl\"}");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("Netlink error: ENOENT"), r.err());
    }
}
