package org.vnetnl.genl;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens connections until the process runs out of descriptors, then closes them all and opens one again: run in a
 * child JVM from the class folders with a low descriptor limit by {@link DescriptorExhaustionTest}. Nothing of the
 * close path is exercised before the descriptors run out, so a class it would load only then shows up as a leak.
 * Prints one {@code key=value} line per finding.
 */
public final class CloseWithoutDescriptorsMain {

    private CloseWithoutDescriptorsMain() {}

    public static void main(String[] args) throws Exception {
        int before = openDescriptors();
        List<GenlConnection> opened = new ArrayList<>();
        NetlinkException refused = null;
        while (refused == null) {
            try {
                GenlConnection connection = GenlConnection.open();
                opened.add(connection);
                if (opened.size() == 1) {
                    // A thread's buffers and an extra dump socket too, to be freed with the rest.
                    connection.families(Duration.ofSeconds(5));
                }
            } catch (NetlinkException e) {
                refused = e;
            }
        }
        System.out.println("opened=" + opened.size());
        System.out.println("errno=" + refused.errnoName());
        System.out.println("message=" + refused.getMessage());
        Throwable closeFailure = null;
        for (GenlConnection connection : opened) {
            try {
                connection.close();
            } catch (Throwable e) {
                closeFailure = closeFailure == null ? e : closeFailure;
            }
        }
        System.out.println("closeFailure=" + closeFailure);
        System.out.println("leaked=" + (openDescriptors() - before));
        try (GenlConnection again = GenlConnection.open()) {
            System.out.println("reopened=" + (again.family("nlctrl").id() > 0));
        }
    }

    /** The descriptors the process holds now. */
    private static int openDescriptors() {
        String[] entries = new File("/proc/self/fd").list();
        // The listing itself holds one while it runs.
        return entries == null ? -1 : entries.length - 1;
    }
}
