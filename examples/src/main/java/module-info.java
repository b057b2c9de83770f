/** A user's module: on the module path it needs {@code --enable-native-access=org.vnetnl}. */
module org.vnetnl.example {
    requires org.vnetnl;
}
