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
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.vnetnl.genl.NetlinkException;

/**
 * What a client holds: file descriptors and native memory that must all come back when it closes, and a thread
 * it belongs to.
 */
@Tag(ModuleSupport.TAG)
class ClientResourcesModuleTest {

    /** Open/close cycles: 20,000 by default; the long form (1,000,000) is documented in {@link OpenCloseCycles}. */
    private static final int CYCLES = Integer.getInteger("vnet.reliability.cycles", 20_000);

    @Test
    void openCloseCyclesLeaveFileDescriptorsAndResidentMemoryWhereTheyWere() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = location(VnetClient.class) + File.pathSeparator + location(OpenCloseCycles.class);
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                OpenCloseCycles.class.getName(), Integer.toString(CYCLES)));

        ModuleSupport.Result result = ModuleSupport.execute(command);

        // The figures go to the test log whatever the outcome: they are what the README quotes.
        System.out.print(result.output());
        String verdict = result.output().lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line: " + result.output()));
        assertTrue(verdict.startsWith("RESULT ok cycles=" + CYCLES + " "), verdict);
        assertEquals(0, result.status(), result.output());
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aClientUsedFromAnotherThreadFailsClearlyAndStaysUsableFromItsOwn() throws Exception {
        ThreadFactory named = runnable -> new Thread(runnable, "intruder");
        try (VnetClient client = VnetClient.open();
             var intruder = Executors.newSingleThreadExecutor(named)) {
            EchoReply before = client.echo("owner", 1, true);

            List<ThrowingCall> calls = List.of(
                    () -> client.echo("intruder", 2, false),
                    () -> client.stats(VnetClient.DEFAULT_IFNAME),
                    client::allStats,
                    client::subscribe,
                    () -> client.nextEvent(Duration.ofMillis(10)),
                    client::close);
            for (ThrowingCall call : calls) {
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> CompletableFuture.runAsync(() -> call.runUnchecked(), intruder).get());
                Throwable cause = failed.getCause();
                if (cause instanceof CompletionException wrapped) {
                    cause = wrapped.getCause();
                }
                WrongThreadException wrong = assertInstanceOf(WrongThreadException.class, cause);
                assertTrue(wrong.getMessage().contains("\"" + Thread.currentThread().getName() + "\"")
                        && wrong.getMessage().contains("intruder"), wrong.getMessage());
            }

            // Nothing the other thread tried reached the connection: the owner's reply is intact, the client
            // answers, and it was neither subscribed nor closed.
            assertEquals(1, before.value());
            assertTrue(before.messageEquals("owner"));
            assertEquals(3, client.echo("owner again", 3, false).value());
            assertTrue(!client.isSubscribed() && !client.isClosed());
        }
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
