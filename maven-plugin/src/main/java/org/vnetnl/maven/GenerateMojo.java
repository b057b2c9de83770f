package org.vnetnl.maven;

import java.io.File;
import java.io.IOException;
import java.util.List;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.codegen.JavaGenerator;

/**
 * Generates the typed client of one generic netlink family from its YNL spec ({@link JavaGenerator} documents what
 * is generated and how names are mangled) into {@code outputDirectory}, which becomes a source root of the build.
 * Files whose content did not change keep their timestamps, so an unchanged spec recompiles nothing; a changed
 * spec regenerates. A spec the generator cannot handle fails the build naming its file, line and construct.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

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

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        try {
            List<?> files = JavaGenerator.write(SpecLoader.load(spec.toPath()), javaPackage, outputDirectory.toPath());
            getLog().info(files.size() + " Java sources from " + spec + " in " + outputDirectory);
        } catch (MalformedSpecException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("javaPackage: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot generate from " + spec + ": " + e.getMessage(), e);
        }
        project.addCompileSourceRoot(outputDirectory.getPath());
    }
}
