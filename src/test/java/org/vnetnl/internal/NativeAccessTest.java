package org.vnetnl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a user sees when the JVM is not allowed native access or libnl is not installed. */
class NativeAccessTest {

    @Test
    void missingLibraryNamesThePackagesToInstall() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeAccess.requireLibrary("libvnetnl-absent.so.200"));
        assertTrue(e.getMessage().startsWith("libvnetnl-absent.so.200 cannot be loaded"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install libnl-3-200 libnl-genl-3-200"), e.getMessage());
    }

    @Test
    void installedLibrariesPass() {
        NativeAccess.ensureAvailable();
        NativeAccess.requireLibrary(NativeAccess.LIBNL);
        NativeAccess.requireLibrary(NativeAccess.LIBNL_GENL);
    }

    @Test
    void withoutEnableNativeAccessOnTheModulePathTheErrorNamesTheFlag() throws Exception {
        Result result = java("--patch-module", "org.vnetnl=" + testClasses(), "-p", modulePath(),
                "--add-reads", "org.vnetnl=ALL-UNNAMED", "-m", "org.vnetnl/" + OpenConnectionMain.class.getName());
        assertNotEquals(0, result.status, result.output);
        assertTrue(result.output.contains("start java with --enable-native-access=org.vnetnl"), result.output);
    }

    @Test
    void theSampleApplicationWithoutEnableNativeAccessPrintsOneLineNamingTheFlag() throws Exception {
        Result result = java("-p", modulePath(), "-m", "org.vnetnl/org.vnetnl.vnet.tools.VnetEcho", "--msg", "hi");
        assertEquals(1, result.status, result.output);
        assertEquals("vnet-echo: native access is not enabled for module org.vnetnl:"
                + " start java with --enable-native-access=org.vnetnl" + System.lineSeparator(), result.output);
    }

    @Test
    void everyAttemptWithoutNativeAccessFailsTheSameWayOnTheClassPath() throws Exception {
        Result result = java("-cp", mainClasses() + File.pathSeparator + testClasses(),
                RetryWithoutNativeAccessMain.class.getName());
        assertFourIdenticalFailures(result, "native access is not enabled for the class path:"
                + " start java with --enable-native-access=ALL-UNNAMED");
    }

    @Test
    void everyAttemptWithoutNativeAccessFailsTheSameWayOnTheModulePath() throws Exception {
        Result result = java("--patch-module", "org.vnetnl=" + testClasses(), "-p", modulePath(),
                "--add-reads", "org.vnetnl=ALL-UNNAMED",
                "-m", "org.vnetnl/" + RetryWithoutNativeAccessMain.class.getName());
        assertFourIdenticalFailures(result, "native access is not enabled for module org.vnetnl:"
                + " start java with --enable-native-access=org.vnetnl");
    }

    /**
     * No ExceptionInInitializerError first and NoClassDefFoundError after: the same exception every time. (The
     * JDK's own warning about the first restricted call, which names the flag too, may come before.)
     */
    private static void assertFourIdenticalFailures(Result result, String message) {
        assertEquals(0, result.status, result.output);
        String failure = "java.lang.IllegalCallerException: " + message;
        List<String> attempts = result.output.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("WARNING: ")).toList();
        assertEquals(List.of(
                "GenlConnection.open attempt 1: " + failure,
                "GenlConnection.open attempt 2: " + failure,
                "VnetClient.open attempt 1: " + failure,
                "VnetClient.open attempt 2: " + failure), attempts, result.output);
    }

    @Test
    void withoutEnableNativeAccessOnTheClassPathTheErrorNamesTheFlag() throws Exception {
        Result result = java("-cp", mainClasses() + File.pathSeparator + testClasses(),
                OpenConnectionMain.class.getName());
        assertNotEquals(0, result.status, result.output);
        assertTrue(result.output.contains("start java with --enable-native-access=ALL-UNNAMED"), result.output);
    }

    @Test
    void withEnableNativeAccessTheSameProgramWorks() throws Exception {
        Result result = java("--enable-native-access=ALL-UNNAMED", "-cp",
                mainClasses() + File.pathSeparator + testClasses(), OpenConnectionMain.class.getName());
        assertEquals(0, result.status, result.output);
        assertTrue(result.output.contains("nlctrl id 16"), result.output);
    }

    private record Result(int status, String output) {}

    private static Result java(String... arguments) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String[] command = new String[arguments.length + 1];
        command[0] = java;
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        return new Result(process.waitFor(), output);
    }

    /** The library's module and its run-time dependencies (copied to target/lib after compiling). */
    private static String modulePath() {
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "lib").toAbsolutePath();
    }

    /** The library's classes and its run-time dependencies, as a class path. */
    private static String mainClasses() {
        return Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Path.of("target", "lib").toAbsolutePath() + File.separator + "*";
    }

    private static String testClasses() {
        return Path.of("target", "test-classes").toAbsolutePath().toString();
    }
}
