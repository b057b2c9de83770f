package org.vnetnl.maven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.maven.artifact.Artifact;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.toolchain.Toolchain;
import org.apache.maven.toolchain.ToolchainManager;

/**
 * Generates the typed client of one generic netlink family from its YNL spec (the library's
 * {@code org.vnetnl.ynl.codegen.JavaGenerator} documents what is generated and how names are mangled) into
 * {@code outputDirectory}, which becomes a source root of the build. Files whose content did not change keep their
 * timestamps, so an unchanged spec recompiles nothing; a changed spec regenerates. A spec the generator cannot
 * handle fails the build naming its file, line and construct.
 *
 * <p>The generator is part of the library and needs a JDK &gt;= 22, while Maven itself often runs on an older one
 * (Debian's Maven runs on its default JDK 17). So this class is built for Java 17, refers to no library class, and
 * runs the generator in a JVM of the JDK the build selected (maven-toolchains-plugin), or of Maven's own JDK when
 * that is new enough.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

    private static final int MINIMUM_JDK = 22;
    private static final String GENERATOR = "org.vnetnl.ynl.codegen.JavaGeneratorMain";
    /** JavaGeneratorMain's status for a spec or an argument it refuses (its message names what was wrong). */
    private static final int REFUSED = 2;

    /** The YNL spec, e.g. {@code src/main/netlink/my_family.yaml}. */
    @Parameter(property = "vnet-nl.spec", required = true)
    private File spec;

    /** The Java package of the generated classes. */
    @Parameter(property = "vnet-nl.javaPackage", required = true)
    private String javaPackage;

    /** Where the sources go; added to the compile source roots. */
    @Parameter(property = "vnet-nl.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/vnet-nl")
    private File outputDirectory;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    /** The plugin's own class path: the library and the YAML parser the generator reads specs with. */
    @Parameter(defaultValue = "${plugin.artifacts}", readonly = true, required = true)
    private List<Artifact> pluginArtifacts;

    @Component
    private ToolchainManager toolchains;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("-cp");
        command.add(classPath());
        command.add(GENERATOR);
        command.add(spec.getPath());
        command.add(javaPackage);
        command.add(outputDirectory.getPath());
        int status;
        String out;
        String err;
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            // Both pipes are drained at once, so that a full stderr pipe cannot stall the generator.
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> text(process.getErrorStream()));
            out = text(process.getInputStream());
            status = process.waitFor();
            err = stderr.join().strip();
        } catch (IOException e) {
            throw new MojoExecutionException("cannot run the generator (" + command.get(0) + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while generating from " + spec, e);
        }
        if (status == REFUSED) {
            throw new MojoFailureException(err.isEmpty() ? "the generator refused " + spec : err);
        }
        if (status != 0) {
            throw new MojoExecutionException("the generator failed on " + spec + " (exit status " + status + ")"
                    + (err.isEmpty() ? "" : ": " + err));
        }
        if (!out.isBlank()) {
            getLog().info(out.strip());
        }
        project.addCompileSourceRoot(outputDirectory.getPath());
    }

    /** The {@code java} of the JDK toolchain the build selected, else Maven's own when it is a JDK >= 22. */
    private String javaExecutable() throws MojoExecutionException {
        Toolchain toolchain = toolchains.getToolchainFromBuildContext("jdk", session);
        if (toolchain != null) {
            String java = toolchain.findTool("java");
            if (java != null) {
                return java;
            }
        }
        int running = Runtime.version().feature();
        if (running >= MINIMUM_JDK) {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        throw new MojoExecutionException("vnet-nl:generate needs a JDK >= " + MINIMUM_JDK + ", but Maven runs on Java "
                + running + " and the build selects no JDK toolchain: add maven-toolchains-plugin's goal"
                + " select-jdk-toolchain with <version>[" + MINIMUM_JDK + ",)</version> to the build (the vnet-nl"
                + " README, \"Use it in your project\", has the snippet)");
    }

    private String classPath() {
        List<String> files = new ArrayList<>();
        for (Artifact artifact : pluginArtifacts) {
            if (artifact.getFile() != null) {
                files.add(artifact.getFile().getPath());
            }
        }
        return String.join(File.pathSeparator, files);
    }

    private static String text(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
