/**
 * Linux generic netlink through the FFM API and libnl: {@link org.vnetnl.genl} for any family, and
 * {@link org.vnetnl.vnet} for the {@code vnet_nl} kernel module. Code that calls it runs with
 * {@code --enable-native-access=org.vnetnl} on the module path, or {@code --enable-native-access=ALL-UNNAMED}
 * on the class path.
 */
module org.vnetnl {
    requires org.snakeyaml.engine;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    exports org.vnetnl.genl;
    exports org.vnetnl.vnet;
    exports org.vnetnl.ynl;
    exports org.vnetnl.ynl.client;
    exports org.vnetnl.ynl.codegen;
    exports org.vnetnl.ynl.tools;

    // picocli fills the command-line tool's fields by reflection.
    opens org.vnetnl.ynl.tools to info.picocli;
}
