module org.vnetnl {
    requires org.snakeyaml.engine;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    exports org.vnetnl.genl;
    exports org.vnetnl.vnet;
    exports org.vnetnl.ynl;
    exports org.vnetnl.ynl.client;
    exports org.vnetnl.ynl.tools;

    // picocli fills the command-line tool's fields by reflection.
    opens org.vnetnl.ynl.tools to info.picocli;
}
