package org.vnetnl.internal;

import org.vnetnl.genl.GenlConnection;

/** Opens a connection and resolves nlctrl: run in a child JVM by {@link NativeAccessTest}. */
public final class OpenConnectionMain {

    private OpenConnectionMain() {}

    public static void main(String[] args) throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            System.out.println("nlctrl id " + connection.family("nlctrl").id());
        }
    }
}
