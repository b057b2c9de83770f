module org.vnetnl {
    exports org.vnetnl.genl;
    exports org.vnetnl.vnet;
}
