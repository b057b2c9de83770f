/**
 * A user's module on the spec layer: besides the library it requires the YAML and JSON parsers the library leaves
 * to its users; on the module path it needs {@code --enable-native-access=org.vnetnl}.
 */
module org.vnetnl.example.spec {
    requires org.vnetnl;
    requires org.snakeyaml.engine;
    requires com.fasterxml.jackson.databind;
}
