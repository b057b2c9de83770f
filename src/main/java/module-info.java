/**
 * Linux generic netlink through the FFM API and libnl: {@link org.vnetnl.genl} for any family, and
 * {@link org.vnetnl.vnet} for the {@code vnet_nl} kernel module. Code that calls it runs with
 * {@code --enable-native-access=org.vnetnl} on the module path, or {@code --enable-native-access=ALL-UNNAMED}
 * on the class path.
 *
 * <p>Generic netlink, the {@code vnet_nl} client and generated clients need no other module. The YNL spec layer
 * ({@link org.vnetnl.ynl.SpecLoader}, {@link org.vnetnl.ynl.client.YnlClient}, {@link org.vnetnl.ynl.codegen})
 * reads YAML with SnakeYAML Engine and JSON with Jackson: a program that uses it adds
 * {@code org.snakeyaml:snakeyaml-engine} and {@code com.fasterxml.jackson.core:jackson-databind} to its own
 * dependencies (on the module path, {@code requires org.snakeyaml.engine} and
 * {@code requires com.fasterxml.jackson.databind}, or {@code --add-modules}).
 */
module org.vnetnl {
    // Optional: needed only by the spec layer and the command-line tool, so that a program using generic netlink
    // carries no third-party jar.
    requires static org.snakeyaml.engine;
    requires static com.fasterxml.jackson.databind;
    requires static info.picocli;

    exports org.vnetnl.genl;
    exports org.vnetnl.vnet;
    exports org.vnetnl.ynl;
    exports org.vnetnl.ynl.client;
    exports org.vnetnl.ynl.codegen;

    // The command-line tool (bin/ynl) is not API; picocli fills its fields by reflection.
    opens org.vnetnl.ynl.tools to info.picocli;
}
