module org.vnetnl {
    exports org.vnetnl.genl;
}
