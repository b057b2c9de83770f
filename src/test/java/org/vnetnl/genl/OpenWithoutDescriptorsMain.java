package org.vnetnl.genl;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.libnl.LibNl;

/**
 * Uses up the process's descriptors, then opens a connection and prints how it failed: run in a child JVM with a
 * low {@code ulimit -n} by {@link DescriptorExhaustionTest}.
 */
public final class OpenWithoutDescriptorsMain {

    private OpenWithoutDescriptorsMain() {}

    public static void main(String[] args) throws Exception {
        // Load libnl and the classes of the failure path while descriptors are left: class loading needs them too.
        GenlConnection.open().close();
        LibNl.nl_geterror(-1);
        Errno.name(Errno.EPROTO);
        Errno.description(Errno.EPROTO);
        new NetlinkException(Errno.EPROTO, "warm up", 0, "-").getMessage();
        List<FileInputStream> held = new ArrayList<>();
        try {
            while (true) {
                held.add(new FileInputStream("/dev/null"));
            }
        } catch (IOException exhausted) {
            // every descriptor is in use now
        }
        try (GenlConnection connection = GenlConnection.open()) {
            System.out.println("opened " + connection);
        } catch (NetlinkException e) {
            System.out.println("errno " + e.errnoName() + ": " + e.getMessage());
        }
        for (FileInputStream stream : held) {
            stream.close();
        }
    }
}
