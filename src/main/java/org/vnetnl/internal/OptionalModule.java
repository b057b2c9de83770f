package org.vnetnl.internal;

/**
 * The third-party modules the library declares optional ({@code requires static}): generic netlink needs none of
 * them, and the parts that do check for theirs before they touch it, so that a missing jar is one sentence naming
 * it rather than a {@link NoClassDefFoundError} from deep inside.
 */
public enum OptionalModule {
    /** The spec layer reads YNL specs with it. */
    YAML("SnakeYAML Engine", "org.snakeyaml:snakeyaml-engine", "org.snakeyaml.engine",
            "org.snakeyaml.engine.v2.api.LoadSettings"),
    /** The spec-driven client reads JSON requests with it. */
    JSON("Jackson databind", "com.fasterxml.jackson.core:jackson-databind", "com.fasterxml.jackson.databind",
            "com.fasterxml.jackson.databind.json.JsonMapper");

    private final String title;
    private final String coordinates;
    private final String module;
    private final String probe;
    // Once found, it stays found; a missing one is looked for again, so that the sentence is thrown every time.
    private volatile boolean present;

    OptionalModule(String title, String coordinates, String module, String probe) {
        this.title = title;
        this.coordinates = coordinates;
        this.module = module;
        this.probe = probe;
    }

    /**
     * Returns when the module's classes can be loaded by the library, else throws.
     *
     * @param use what needs it, for the message (e.g. "loading a YNL spec")
     * @throws IllegalStateException naming the dependency to add
     */
    public void require(String use) {
        if (present) {
            return;
        }
        try {
            Class.forName(probe, false, OptionalModule.class.getClassLoader());
            present = true;
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(use + " needs " + title + ", which vnet-nl leaves to its users: add "
                    + coordinates + " to your dependencies (on the module path, also \"requires " + module
                    + ";\" or --add-modules " + module + ")");
        }
    }
}
