/**
 * A user's service on the spec layer: the library, the YAML parser it reads specs with, the JSON library the
 * service answers with, and the JDK's HTTP server and client; on the module path it needs
 * {@code --enable-native-access=org.vnetnl}.
 */
module org.vnetnl.example.http {
    requires org.vnetnl;
    requires org.snakeyaml.engine;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;
    requires java.net.http;
}
