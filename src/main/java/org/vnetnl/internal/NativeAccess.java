package org.vnetnl.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/**
 * Checks, once and before any generated binding is touched, that this process may call native code and that
 * libnl is installed. Without these checks the first failure would surface as an
 * {@code ExceptionInInitializerError} deep inside generated code, or as a JDK warning the user never reads.
 */
public final class NativeAccess {

    /** Sonames of the libnl runtime libraries; the {@code -dev} packages are not needed at run time. */
    public static final String LIBNL = "libnl-3.so.200";
    public static final String LIBNL_GENL = "libnl-genl-3.so.200";

    private static volatile boolean verified;

    private NativeAccess() {}

    /**
     * Throws a clear error when native access is not enabled for this module or libnl cannot be loaded.
     *
     * @throws IllegalCallerException if the JVM was started without {@code --enable-native-access} for this module
     * @throws UnsatisfiedLinkError if a libnl library is missing, naming the packages to install
     */
    public static void ensureAvailable() {
        if (verified) {
            return;
        }
        Module module = NativeAccess.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            String target = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            throw new IllegalCallerException("native access is not enabled for "
                    + (module.isNamed() ? "module " + target : "the class path")
                    + ": start java with --enable-native-access=" + target);
        }
        requireLibrary(LIBNL);
        requireLibrary(LIBNL_GENL);
        verified = true;
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
