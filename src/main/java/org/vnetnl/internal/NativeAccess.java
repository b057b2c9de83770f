package org.vnetnl.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * Checks, once and before any generated binding is touched, that this process may call native code and that
 * libnl is installed. Without these checks the first failure would surface as an
 * {@code ExceptionInInitializerError} deep inside generated code, or as a JDK warning the user never reads.
 *
 * <p>The check is made once. Classes whose static initialisers load generated bindings call {@link #checkEarly()}
 * first: in warning mode the JDK grants native access after the first restricted call, so a check made later would
 * pass. The public entry points ({@code GenlConnection.open...}, {@code VnetClient.open...}) then call
 * {@link #ensureAvailable()}, from a method: a static initialiser that threw would leave its class unusable
 * ({@code ExceptionInInitializerError}, then {@code NoClassDefFoundError} on every later use in the same JVM),
 * whereas this fails the same way, with the same message, every time.
 */
public final class NativeAccess {

    /** Sonames of the libnl runtime libraries; the {@code -dev} packages are not needed at run time. */
    public static final String LIBNL = "libnl-3.so.200";
    public static final String LIBNL_GENL = "libnl-genl-3.so.200";

    /** The outcome of the check, made when this class is initialised: null when native calls may be made. */
    private static final Throwable PROBLEM = check();

    private NativeAccess() {}

    /**
     * Makes the check now if it was not made yet, and throws nothing: called at the start of static initialisers
     * that load generated bindings, before they do. {@link #ensureAvailable()} reports the outcome.
     */
    public static void checkEarly() {
        // Nothing to do here: calling this initialises the class, whose initialiser makes the check.
    }

    /**
     * Throws a clear error when native access is not enabled for this module or libnl cannot be loaded; the
     * same error, with the same message, on every call.
     *
     * @throws IllegalCallerException if the JVM was started without {@code --enable-native-access} for this module
     * @throws UnsatisfiedLinkError if a libnl library is missing, naming the packages to install
     */
    public static void ensureAvailable() {
        if (PROBLEM == null) {
            return;
        }
        // A fresh throwable each time, so that its stack trace shows this caller.
        if (PROBLEM instanceof UnsatisfiedLinkError) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError(PROBLEM.getMessage());
            error.initCause(PROBLEM.getCause());
            throw error;
        }
        throw new IllegalCallerException(PROBLEM.getMessage());
    }

    private static Throwable check() {
        Module module = NativeAccess.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            String target = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            return new IllegalCallerException("native access is not enabled for "
                    + (module.isNamed() ? "module " + target : "the class path")
                    + ": start java with --enable-native-access=" + target);
        }
        try {
            requireLibrary(LIBNL);
            requireLibrary(LIBNL_GENL);
            return null;
        } catch (UnsatisfiedLinkError e) {
            return e;
        }
    }

    static void requireLibrary(String soname) {
        // A shared arena would keep the handle open until the JVM exits; the check only needs dlopen to succeed.
        try (Arena probe = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, probe);
        } catch (IllegalArgumentException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError(soname + " cannot be loaded: install libnl"
                    + " (Debian/Ubuntu: apt-get install libnl-3-200 libnl-genl-3-200;"
                    + " Fedora/RHEL: dnf install libnl3)");
            error.initCause(e);
            throw error;
        }
    }
}
