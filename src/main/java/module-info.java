module org.vnetnl {
    requires org.yaml.snakeyaml;

    exports org.vnetnl.genl;
    exports org.vnetnl.vnet;
}
