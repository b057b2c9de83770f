package org.vnetnl.ynl.client;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.vnetnl.ynl.SpecLoader;

/**
 * Run by {@link RouteTableScaleTest} in a JVM of its own with a small heap: streams the IPv4 route dump of network
 * namespace {@code args[0]} through {@link YnlClient#dump(String, Map, int, YnlClient.Parts)} (spec
 * {@code args[1]}) and prints one line per route of the main table, "destination/length ifindex", then
 * "parts N" with how many parts the dump delivered.
 */
public final class RouteTableDumpMain {

    private static final int MAIN_TABLE = 254; // RT_TABLE_MAIN

    private RouteTableDumpMain() {}

    public static void main(String[] args) throws Exception {
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        try (YnlClient client = YnlClient.openInNamespace(SpecLoader.load(Path.of(args[1])), args[0])) {
            long parts = client.dump("getroute", Map.of("rtm-family", 2), 0, route -> {
                Object table = route.getOrDefault("rta-table", route.get("rtm-table"));
                if (((Number) table).intValue() == MAIN_TABLE) {
                    try {
                        out.write(route.get("rta-dst") + "/" + route.get("rtm-dst-len") + " " + route.get("rta-oif"));
                        out.newLine();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }).messages();
            out.write("parts " + parts);
            out.newLine();
        }
        out.flush();
    }
}
