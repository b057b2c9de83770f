module org.vnetnl {
    requires org.snakeyaml.engine;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;

    exports org.vnetnl.genl;
    exports org.vnetnl.vnet;
    exports org.vnetnl.ynl;
}
