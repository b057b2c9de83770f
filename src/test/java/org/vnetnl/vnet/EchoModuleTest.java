package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeKind;
import org.vnetnl.genl.AttributePolicy;
import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.Errno;
import org.vnetnl.internal.libnl.LibNlForTests;
import org.vnetnl.internal.uapi.VnetNlUapi;
import org.vnetnl.internal.vnet.VnetNl;
import org.vnetnl.internal.vnet.VnetNlClient;
import org.vnetnl.ynl.SchemaMismatchException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.SpecSchema;

/** ECHO against the real module: every attribute combination, the limits, the rejections, threads, allocation. */
@Tag(ModuleSupport.TAG)
class EchoModuleTest {

    private static final int MAX = VnetClient.MAX_MESSAGE_LENGTH;

    private VnetClient client;

    @BeforeEach
    void open() throws NetlinkException {
        client = VnetClient.open();
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void everyAttributeCombinationComesBack() throws NetlinkException {
        for (int mask = 0; mask < 8; mask++) {
            boolean withMessage = (mask & 1) != 0;
            boolean withValue = (mask & 2) != 0;
            boolean withFlag = (mask & 4) != 0;
            EchoRequest request = client.prepareEcho();
            if (withMessage) {
                request.message("combination " + mask);
            }
            if (withValue) {
                request.value(1000 + mask);
            }
            if (withFlag) {
                request.flag(mask % 2 == 0);
            }
            Echo echo = request.send().toEcho();

            Echo expected = new Echo(withMessage ? Optional.of("combination " + mask) : Optional.empty(),
                    withValue ? OptionalLong.of(1000 + mask) : OptionalLong.empty(),
                    withFlag ? Optional.of(mask % 2 == 0) : Optional.empty());
            assertEquals(expected, echo, "attributes " + mask);
        }
    }

    @Test
    void messagesFromEmptyToTheLimitAndNonAscii() throws NetlinkException {
        String longest = "m".repeat(MAX);
        // 2-, 3- and 4-byte UTF-8 sequences; the last string is exactly MAX bytes long.
        String nonAscii = "h\u00e9llo w\u00f6rld \u2713 \ud834\udd1e \u65e5\u672c";
        String nonAsciiAtLimit = "\u20ac".repeat(MAX / 3) + "x".repeat(MAX % 3);
        assertEquals(MAX, nonAsciiAtLimit.getBytes(StandardCharsets.UTF_8).length);

        for (String message : List.of("", "a", longest, nonAscii, nonAsciiAtLimit)) {
            EchoReply reply = client.prepareEcho().message(message).send();

            byte[] expected = message.getBytes(StandardCharsets.UTF_8);
            assertTrue(reply.hasMessage());
            assertEquals(expected.length, reply.messageLength(), message);
            assertTrue(reply.messageEquals(message), message);
            assertFalse(reply.messageEquals(message + "!"), message);
            byte[] copy = new byte[MAX];
            int length = reply.copyMessage(copy);
            assertArrayEquals(expected, java.util.Arrays.copyOf(copy, length));
            assertEquals(message, reply.message());
            assertFalse(reply.hasValue());
            assertFalse(reply.hasFlag());
        }
    }

    @Test
    void valueExtremesAndFlagBothWays() throws NetlinkException {
        for (long value : new long[] {0, 1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL}) {
            for (boolean flag : new boolean[] {false, true}) {
                EchoReply reply = client.echo("v", value, flag);
                assertEquals(value, reply.value());
                assertEquals(flag, reply.flag());
                assertTrue(reply.messageEquals("v"));
            }
        }
    }

    @Test
    void aReplyViewIsValidUntilTheNextCall() throws NetlinkException {
        EchoReply first = client.echo("first", 1, true);
        Echo kept = first.toEcho();

        // Each call returns a view of its own: the old one fails rather than show the new reply.
        EchoReply second = client.echo("second", 2, false);
        assertNotSame(first, second);
        assertThrows(IllegalStateException.class, first::value);
        assertThrows(IllegalStateException.class, () -> first.messageEquals("second"));
        assertEquals(2, second.value());
        // The connection's rule: a call that receives nothing leaves it readable, the next receive ends it.
        client.prepareEcho();
        assertEquals(2, second.value());
        assertTrue(second.messageEquals("second"));
        client.stats(VnetClient.DEFAULT_IFNAME);
        assertThrows(IllegalStateException.class, second::value);
        assertThrows(IllegalStateException.class, second::sequence);
        assertEquals("EchoReply[no longer valid]", second.toString());
        assertEquals(new Echo(Optional.of("first"), OptionalLong.of(1), Optional.of(true)), kept);

        EchoRequest abandoned = client.prepareEcho().message("never sent");
        client.stats(VnetClient.DEFAULT_IFNAME);
        assertThrows(IllegalStateException.class, abandoned::send);
        EchoRequest sent = client.prepareEcho().value(5);
        assertEquals(5, sent.send().value());
        assertThrows(IllegalStateException.class, sent::send);
        assertThrows(IllegalStateException.class, () -> sent.message("after the send"));
        // A prepared request is abandoned by any other call, even one that leaves the send buffer alone.
        EchoRequest beforeBatch = client.prepareEcho().value(6);
        client.newEchoBatch(1);
        assertThrows(IllegalStateException.class, () -> beforeBatch.message("into the batch"));
    }

    @Test
    void aReplyViewOfTheCallersIsRewrappedByEachCallItIsPassedTo() throws NetlinkException {
        EchoReply mine = new EchoReply();
        assertThrows(IllegalStateException.class, mine::value, "shows no reply before its first call");

        assertSame(mine, client.echo("one", 1, true, mine));
        assertTrue(mine.messageEquals("one"));
        assertSame(mine, client.prepareEcho().value(2).send(mine));
        assertEquals(2, mine.value());
        assertFalse(mine.hasMessage());
        // Any other receive of the thread ends it, as for every view.
        EchoReply own = client.echo("own", 3, false);
        assertThrows(IllegalStateException.class, mine::value);
        assertEquals(3, own.value());
        // A failed call leaves no earlier reply readable through it.
        client.echo("again", 4, false, mine);
        assertThrows(NetlinkException.class,
                () -> client.echo("x".repeat(MAX + 1), 5, false, mine));
        assertThrows(IllegalStateException.class, mine::value);
    }

    @Test
    void anOversizeMessageIsRejectedNamingTheAttribute() throws NetlinkException {
        NetlinkException error = assertThrows(NetlinkException.class,
                () -> client.prepareEcho().message("x".repeat(MAX + 1)).value(7).send());

        assertEquals(Errno.EINVAL, error.errno(), error.getMessage());
        assertTrue(error.extAckMessage().isPresent(), error.getMessage());
        assertEquals(Optional.of("VNET_NL_ATTR_MSG"), error.attributeName(), error.getMessage());
        assertEquals("vnet_nl echo", error.operation());
        assertTrue(error.getMessage().contains("VNET_NL_ATTR_MSG"), error.getMessage());
        // The client is still usable after a rejection.
        assertEquals(7, client.echo("ok", 7, false).value());
    }

    @Test
    void flagTwoIsRejectedNamingTheAttribute() {
        NetlinkException error = assertThrows(NetlinkException.class,
                () -> client.prepareEcho().message("flag").flagByte(2).send());

        assertEquals(LibNlForTests.ERANGE(), error.errno(), error.getMessage());
        assertTrue(error.extAckMessage().isPresent(), error.getMessage());
        assertEquals(Optional.of("VNET_NL_ATTR_FLAG"), error.attributeName(), error.getMessage());
    }

    @Test
    void anUnknownAttributeIsRejected() {
        int unknown = VnetNlUapi.VNET_NL_ATTR_MAX() + 1;
        EchoRequest request = client.prepareEcho().message("unknown");
        request.attributes().putU32(unknown, 1);

        NetlinkException error = assertThrows(NetlinkException.class, request::send);

        assertEquals(Errno.EINVAL, error.errno(), error.getMessage());
        assertTrue(error.extAckMessage().isPresent(), error.getMessage());
        assertEquals(unknown, error.attributeType().orElseThrow(), error.getMessage());
        assertEquals(Optional.of("type " + unknown), error.attributeName(), error.getMessage());
    }

    @Test
    void anAttributeOnlyTheKernelSendsIsRejectedAsNotAnEchoAttribute() {
        // Each operation's policy lists only its own request attributes (vnet_nl.yaml).
        EchoRequest request = client.prepareEcho();
        request.attributes().putU64(VnetNlUapi.VNET_NL_ATTR_PAD(), 0);

        NetlinkException error = assertThrows(NetlinkException.class, request::send);

        assertEquals(Errno.EINVAL, error.errno(), error.getMessage());
        assertEquals(Optional.of("Unknown attribute type"), error.extAckMessage());
        assertEquals(VnetNlUapi.VNET_NL_ATTR_PAD(), error.attributeType().orElseThrow(), error.getMessage());
    }

    /** The packaged spec with {@code from} replaced by {@code to}: a spec the module was not built from. */
    private static SpecSchema alteredSpec(String from, String to) throws Exception {
        String text;
        try (var in = VnetClient.class.getResourceAsStream("vnet_nl.yaml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(text.contains(from), from);
        return SpecSchema.of(SpecLoader.load(Path.of("altered-vnet_nl.yaml"), new StringReader(text.replace(from, to))));
    }

    @Test
    void theSchemaCheckNamesAnAttributeWithOtherLimits() throws Exception {
        VnetClient.Options options = VnetClient.Options.defaults()
                .withSchema(alteredSpec("max-len: msg-max-len", "max-len: 128"));

        SchemaMismatchException error = assertThrows(SchemaMismatchException.class, () -> VnetClient.open(options));

        assertEquals(1, error.differences().size(), error.getMessage());
        assertEquals("VNET_NL_ATTR_MSG (type " + VnetNlUapi.VNET_NL_ATTR_MSG() + "): the client expects NUL-terminated string of"
                + " at most 128 bytes, the kernel has NUL-terminated string of at most " + MAX + " bytes (in echo)",
                error.differences().get(0));
    }

    @Test
    void theSchemaCheckCatchesAnotherKindAnotherRangeAndAnotherVersion() throws Exception {
        SpecSchema schema = alteredSpec("name: value\n        type: u32", "name: value\n        type: u64")
                .withVersion(VnetNlUapi.VNET_NL_FAMILY_VERSION() + 1);
        schema = schema.withRequest(new SpecSchema.Request("set-link", VnetNl.Cmd.SET_LINK, false,
                AttributePolicy.builder()
                        .integer(AttributeKind.U8, VnetNl.Attr.LINK_UP, "VNET_NL_ATTR_LINK_UP")
                        .build()));
        SpecSchema altered = schema;

        SchemaMismatchException error = assertThrows(SchemaMismatchException.class,
                () -> VnetClient.open(VnetClient.Options.defaults().withSchema(altered)));

        List<String> differences = error.differences();
        assertEquals(3, differences.size(), error.getMessage());
        assertTrue(differences.get(0).contains("version " + VnetNlUapi.VNET_NL_FAMILY_VERSION()), differences.get(0));
        assertTrue(differences.get(1).startsWith("VNET_NL_ATTR_VALUE"), differences.get(1));
        assertTrue(differences.get(1).contains("the kernel has u32"), differences.get(1));
        assertTrue(differences.get(1).endsWith("(in echo)"), differences.get(1));
        assertTrue(differences.get(2).startsWith("VNET_NL_ATTR_LINK_UP"), differences.get(2));
        assertTrue(differences.get(2).endsWith("(in set-link)"), differences.get(2));
    }

    @Test
    void theGeneratedClientChecksTheModuleAgainstItsSpec() throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            VnetNlClient generated = VnetNlClient.open(connection);
            generated.checkKernel(true);
            assertEquals(List.of(), VnetNl.SCHEMA.differences(connection, generated.family(), client.timeout(), true));
        }
    }

    @Test
    void fourThreadsWithAClientEachGetEveryReplyRight() throws Exception {
        int threads = 4;
        int echoes = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Integer> work = () -> {
                    try (VnetClient own = VnetClient.open()) {
                        String prefix = "thread " + thread + " echo ";
                        StringBuilder message = new StringBuilder(prefix.length() + 8);
                        int correct = 0;
                        for (int i = 0; i < echoes; i++) {
                            message.setLength(0);
                            message.append(prefix).append(i);
                            long value = ((long) thread << 28) + i;
                            EchoReply reply = own.echo(message, value, (i & 1) == 0);
                            if (reply.value() == value && reply.flag() == ((i & 1) == 0)
                                    && reply.messageEquals(message.toString())) {
                                correct++;
                            }
                        }
                        return correct;
                    }
                };
                results.add(pool.submit(work));
            }
            for (int t = 0; t < threads; t++) {
                assertEquals(echoes, results.get(t).get(), "correct replies of thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theZeroCopyEchoIntoTheCallersViewAllocatesNothing() throws Exception {
        long allocated;
        if (optimisingCompilerDisabled()) {
            // C1 alone does no escape analysis: measure in a JVM with the full compiler, as applications run.
            allocated = Long.parseLong(probeInOwnJvm().strip());
        } else {
            allocated = EchoAllocationProbe.measure(client);
        }
        assertTrue(allocated < 64 * 1024, EchoAllocationProbe.MEASURED + " echoes allocated " + allocated + " bytes");
    }

    private static boolean optimisingCompilerDisabled() {
        String options = System.getenv("JAVA_TOOL_OPTIONS");
        return options != null && options.contains("TieredStopAtLevel=1");
    }

    private static String probeInOwnJvm() throws Exception {
        String launcher = ProcessHandle.current().info().command().orElseThrow();
        String classPath = ModuleSupport.libraryPath() + File.pathSeparator
                + Path.of(EchoAllocationProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleSupport.Result result = ModuleSupport.execute(List.of(launcher, "-XX:TieredStopAtLevel=4",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, EchoAllocationProbe.class.getName()));
        assertEquals(0, result.status(), result.output());
        // The last line is the measurement; the JVM may print notes (JAVA_TOOL_OPTIONS) before it.
        List<String> lines = result.output().lines().toList();
        return lines.get(lines.size() - 1);
    }
}
