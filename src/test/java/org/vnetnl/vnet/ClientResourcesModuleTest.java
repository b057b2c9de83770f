package org.vnetnl.vnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkException;

/**
 * What a client holds: file descriptors and native memory that must all come back when it closes, and the
 * replies of each thread that uses it.
 */
@Tag(ModuleSupport.TAG)
class ClientResourcesModuleTest {

    /** Open/close cycles: 20,000 by default; the long form (1,000,000) is documented in {@link OpenCloseCycles}. */
    private static final int CYCLES = Integer.getInteger("vnet.reliability.cycles", 20_000);

    @Test
    void openCloseCyclesLeaveFileDescriptorsAndResidentMemoryWhereTheyWere() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = ModuleSupport.libraryPath() + File.pathSeparator + location(OpenCloseCycles.class);
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                OpenCloseCycles.class.getName(), Integer.toString(CYCLES), "vnet"));

        ModuleSupport.Result result = ModuleSupport.execute(command);

        // The figures go to the test log whatever the outcome: they are what the README quotes.
        System.out.print(result.output());
        String verdict = result.output().lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line: " + result.output()));
        assertTrue(verdict.startsWith("RESULT ok client=vnet cycles=" + CYCLES + " "), verdict);
        assertEquals(0, result.status(), result.output());
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void anotherThreadUsesTheClientAndLeavesThisThreadsReplyIntact() throws Exception {
        try (VnetClient client = VnetClient.open();
             var other = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "other"))) {
            EchoReply reply = client.echo("first", 1, true);
            // Before: every call from another thread failed with WrongThreadException.
            long echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.echo("second", 2, false).value();
                } catch (NetlinkException e) {
                    throw new IllegalStateException(e);
                }
            }, other).get();
            assertEquals(2, echoed);
            // This thread made no call since: the reply it holds is its own and still readable.
            assertEquals(1, reply.value());
            assertTrue(reply.messageEquals("first"));
        }
    }

    /** What {@code call} throws when run on {@code thread}; fails the test if it does not throw. */
    private static Throwable failureOn(ExecutorService thread, ThrowingCall call) {
        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> CompletableFuture.runAsync(call::runUnchecked, thread).get());
        Throwable cause = failed.getCause();
        return cause instanceof CompletionException wrapped ? wrapped.getCause() : cause;
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws NetlinkException;

        default void runUnchecked() {
            try {
                run();
            } catch (NetlinkException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
