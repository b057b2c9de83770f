package org.vnetnl.ynl.client;

import java.nio.file.Path;

import org.vnetnl.genl.GenlConnection;
import org.vnetnl.ynl.SpecLoader;

/**
 * Run by {@link WithoutParsersTest} in a JVM of its own whose class path holds the library alone: generic netlink
 * works, and the spec layer's two uses of the optional parsers each say which dependency is missing.
 */
public final class WithoutParsersMain {

    private WithoutParsersMain() {}

    public static void main(String[] args) throws Exception {
        try (GenlConnection connection = GenlConnection.open()) {
            System.out.println("nlctrl id " + connection.family("nlctrl").id());
        }
        try {
            SpecLoader.load(Path.of(args[0]));
            System.out.println("spec loaded");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
        try {
            JsonRequest.parse("{}");
            System.out.println("JSON read");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
    }
}
