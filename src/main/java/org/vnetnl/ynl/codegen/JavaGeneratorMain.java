package org.vnetnl.ynl.codegen;

import java.nio.file.Path;

import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SpecLoader;

/**
 * Runs {@link JavaGenerator} from a build without a plugin: {@code java -cp vnet-nl.jar:snakeyaml-engine.jar
 * org.vnetnl.ynl.codegen.JavaGeneratorMain SPEC.yaml JAVA_PACKAGE OUTPUT_DIR}; the Maven plugin runs it so too.
 * Exits with status 2 and one line on a spec it cannot generate from (its file, line and construct) or a package
 * name that is not one.
 */
public final class JavaGeneratorMain {

    private JavaGeneratorMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: JavaGeneratorMain SPEC.yaml JAVA_PACKAGE OUTPUT_DIR");
            System.exit(2);
        }
        try {
            int files = JavaGenerator.write(SpecLoader.load(Path.of(args[0])), args[1], Path.of(args[2])).size();
            System.out.println(files + " Java sources for " + args[0] + " in " + args[2]);
        } catch (MalformedSpecException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage()); // e.g. a package name that is not one
            System.exit(2);
        }
    }
}
