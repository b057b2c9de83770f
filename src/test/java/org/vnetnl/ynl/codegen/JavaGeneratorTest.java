package org.vnetnl.ynl.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.ynl.MalformedSpecException;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * The generator on a small spec covering every supported construct: its output is compared with the reviewed
 * golden copy in {@code src/test/resources/codegen/golden} (regenerate it with {@code -Dvnet.updateGolden=true}
 * and review the diff), compiled with the JDK's {@code javac}, loaded and run on bytes written and crafted here.
 */
class JavaGeneratorTest {

    static final Path SPEC = Path.of("src/test/resources/codegen/demo.yaml");
    static final Path GOLDEN = Path.of("src/test/resources/codegen/golden");
    static final String PACKAGE = "org.vnetnl.codegen.demo";

    private static ClassLoader generated;

    @BeforeAll
    static void compileTheGeneratedCode(@TempDir Path dir) throws Exception {
        Path sources = dir.resolve("src");
        JavaGenerator.write(SpecLoader.load(SPEC), PACKAGE, sources);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path library = Path.of(AttributeReader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        compile(sources, classes, library);
        generated = new URLClassLoader(new URL[] {classes.toUri().toURL()}, JavaGeneratorTest.class.getClassLoader());
    }

    /** Compiles every source under {@code sources} with the running JDK's javac, warnings failing. */
    static void compile(Path sources, Path classes, Path classPath) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                "-Xlint:all", "-Werror", "-proc:none", "-d", classes.toString(), "-cp", classPath.toString()));
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> command.add(p.toString()));
        }
        Process javac = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, javac.waitFor(), "javac failed on the generated code:\n" + output);
    }

    @Test
    void outputIsTheReviewedGoldenCopy() throws Exception {
        SortedMap<String, String> sources = JavaGenerator.generate(SpecLoader.load(SPEC), PACKAGE);
        if (Boolean.getBoolean("vnet.updateGolden")) {
            try (Stream<Path> old = Files.walk(GOLDEN)) {
                for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (java.nio.file.NoSuchFileException absent) {
                // first run
            }
            JavaGenerator.write(SpecLoader.load(SPEC), PACKAGE, GOLDEN);
        }
        SortedMap<String, String> golden = new TreeMap<>();
        try (Stream<Path> files = Files.walk(GOLDEN)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                golden.put(GOLDEN.relativize(p).toString(), Files.readString(p));
            }
        }
        assertEquals(golden.keySet(), sources.keySet());
        for (Map.Entry<String, String> source : sources.entrySet()) {
            assertEquals(golden.get(source.getKey()), source.getValue(), source.getKey() + " differs from the golden copy");
        }
    }

    @Test
    void twoRunsGiveIdenticalFilesAndAnUnchangedSpecRewritesNothing(@TempDir Path dir) throws Exception {
        YnlSpec spec = SpecLoader.load(SPEC);
        assertEquals(JavaGenerator.generate(spec, PACKAGE), JavaGenerator.generate(SpecLoader.load(SPEC), PACKAGE));
        List<Path> files = JavaGenerator.write(spec, PACKAGE, dir);
        FileTime old = FileTime.fromMillis(1_000_000L);
        for (Path f : files) {
            Files.setLastModifiedTime(f, old);
        }
        JavaGenerator.write(spec, PACKAGE, dir);
        for (Path f : files) {
            assertEquals(old, Files.getLastModifiedTime(f), f + " was rewritten");
        }
        // A changed spec regenerates, and a file it no longer produces goes.
        YnlSpec changed = SpecLoader.load(SPEC, new StringReader(Files.readString(SPEC)
                .replace("name: colour\n    entries", "name: hue\n    entries").replace("enum: colour", "enum: hue")));
        JavaGenerator.write(changed, PACKAGE, dir);
        Path folder = dir.resolve(PACKAGE.replace('.', '/'));
        assertTrue(Files.isRegularFile(folder.resolve("Hue.java")));
        assertFalse(Files.exists(folder.resolve("Colour.java")));
        assertTrue(Files.readString(folder.resolve("MainReader.java")).contains("public Hue colourEnum()"));
    }

    @Test
    void namesAreMangledAsDocumented() throws Exception {
        SortedMap<String, String> sources = JavaGenerator.generate(SpecLoader.load(SPEC), PACKAGE);
        String reader = sources.get("org/vnetnl/codegen/demo/MainReader.java");
        // A keyword gets "_"; a name the generator uses itself, and a second spec name with the same Java name, "_2".
        assertTrue(reader.contains("public long default_()"), "keyword");
        assertTrue(reader.contains("public int wrap_2()"), "generated member");
        String stats = sources.get("org/vnetnl/codegen/demo/StatsReader.java");
        assertTrue(stats.contains("public long rxBytes()") && stats.contains("public long rxBytes_2()"), "clash");
        String family = sources.get("org/vnetnl/codegen/demo/DemoFam.java");
        assertTrue(family.contains("public static final int RX_BYTES_2 = 3;"), "constant clash");
        assertTrue(sources.get("org/vnetnl/codegen/demo/Caps.java").contains("DEFAULT(\"default\", 4L)"), "entry");

        // A set named like the family, or like a java.lang type the generated code uses, gets "_2" too.
        String renamed = Files.readString(SPEC).replace("    name: stats\n    attributes:", "    name: demo-fam\n    attributes:")
                .replace("nested-attributes: stats", "nested-attributes: demo-fam")
                .replace("    name: main\n    attributes:", "    name: string\n    attributes:")
                .replace("attribute-set: main", "attribute-set: string");
        String constants = JavaGenerator.generate(SpecLoader.load(SPEC, new StringReader(renamed)), PACKAGE)
                .get("org/vnetnl/codegen/demo/DemoFam.java");
        assertTrue(constants.contains("public static final class DemoFam_2 {"), "set named like the family");
        assertTrue(constants.contains("public static final class String_2 {"), "set named string");
    }

    @Test
    void unsupportedConstructsFailNamingFileLineAndConstruct() throws Exception {
        String text = Files.readString(SPEC).replace("        name: wrap\n        type: u8",
                "        name: wrap\n        type: nest-type-value\n        type-value: [a, b, c]\n        nested-attributes: stats");
        YnlSpec spec = SpecLoader.load(SPEC, new StringReader(text));
        MalformedSpecException e = assertThrows(MalformedSpecException.class, () -> JavaGenerator.generate(spec, PACKAGE));
        assertEquals(SPEC, e.file());
        assertEquals(text.lines().toList().indexOf("        name: wrap") + 1, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(SPEC + ":" + e.line() + ": 'attribute-sets.main.wrap.type': "
                + "nest-type-value of more than two levels are not supported"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JavaGenerator.generate(spec, "org.1bad"));
    }

    @Test
    void generatedWriterAndReaderRoundTripEveryType() throws Throwable {
        MemorySegment buffer = Arena.ofAuto().allocate(1024);
        AttributeWriter out = new AttributeWriter().wrap(buffer, 0, buffer.byteSize());
        Object writer = newInstance("MainWriter");
        call(writer, "wrap", new Class<?>[] {AttributeWriter.class}, out);
        call(writer, "id", new Class<?>[] {long.class}, 0xFFFF_FFF0L);
        call(writer, "colour", new Class<?>[] {type("Colour")}, enumEntry("Colour", "BLUE"));
        call(writer, "port", new Class<?>[] {int.class}, 0x1234);
        call(writer, "name", new Class<?>[] {CharSequence.class}, "eth0");
        call(writer, "blob", new Class<?>[] {byte[].class}, (Object) new byte[] {1, 2, 3});
        call(writer, "up", new Class<?>[0]);
        call(writer, "delta", new Class<?>[] {int.class}, -5);
        call(writer, "bytes", new Class<?>[] {long.class}, 1L << 40);
        call(writer, "caps", new Class<?>[] {long.class}, 0b101L);
        call(writer, "mask", new Class<?>[] {int.class, int.class}, 1, 3);
        Object stats = call(writer, "beginStats", new Class<?>[0]);
        call(stats, "rxBytes", new Class<?>[] {long.class}, 77L);
        call(stats, "end", new Class<?>[0]);
        call(writer, "tag", new Class<?>[] {long.class}, 10L);
        call(writer, "tag", new Class<?>[] {long.class}, 20L);
        call(writer, "default_", new Class<?>[] {long.class}, -1L);
        // indexed arrays are read-only: written here by hand, as a kernel would.
        int ports = out.beginNested(13);
        out.putU16(1, 80).putU16(2, 443);
        out.endNested(ports);
        int peers = out.beginNested(14);
        int peer = out.beginNested(1);
        out.putU64(3, 5);
        out.endNested(peer);
        out.endNested(peers);
        out.putU32(99, 1); // an attribute newer than the spec: skipped

        Object reader = newInstance("MainReader");
        AttributeReader attrs = new AttributeReader().wrap(buffer, 0, out.position());
        call(reader, "wrap", new Class<?>[] {AttributeReader.class}, attrs);
        assertEquals(0xFFFF_FFF0L, call(reader, "id"));
        assertEquals(2, call(reader, "colour"));
        assertEquals(enumEntry("Colour", "BLUE"), call(reader, "colourEnum"));
        assertEquals(0x1234, call(reader, "port"));
        AttributeReader raw = new AttributeReader().wrap(buffer, 0, out.position());
        assertTrue(raw.seek(3));
        assertEquals(0x1234, raw.u16(java.nio.ByteOrder.BIG_ENDIAN), "port is big-endian on the wire");
        assertEquals("eth0", call(reader, "name"));
        assertEquals(true, call(reader, "nameEquals", new Class<?>[] {String.class}, "eth0"));
        assertEquals(3, call(reader, "blobLength"));
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), boxed((byte[]) call(reader, "blobCopy")));
        assertEquals(true, call(reader, "up"));
        assertEquals(-5, call(reader, "delta"));
        assertEquals(1L << 40, call(reader, "bytes"));
        assertEquals(true, call(null, type("Caps"), "isSetIn", new Class<?>[] {long.class},
                enumEntry("Caps", "DEFAULT"), (long) call(reader, "caps")));
        assertEquals(1, call(reader, "maskValue"));
        assertEquals(3, call(reader, "maskSelector"));
        Object statsReader = call(reader, "stats");
        assertEquals(77L, call(statsReader, "rxBytes"));
        assertEquals(false, call(statsReader, "hasRxBytes_2"));
        assertEquals(2, call(reader, "tagCount"));
        assertEquals(20L, call(reader, "tag", new Class<?>[] {int.class}, 1));
        assertEquals(2, call(reader, "portsCount"));
        assertEquals(443, call(reader, "ports", new Class<?>[] {int.class}, 1));
        assertEquals(1, call(reader, "peersCount"));
        Object peerReader = call(reader, "peers", new Class<?>[] {int.class, type("StatsReader")}, 0, newInstance("StatsReader"));
        assertEquals(5L, call(peerReader, "rxBytes_2"));
        assertEquals(-1L, call(reader, "default_"));
        assertEquals(false, call(reader, "hasWrap"));
        assertEquals("{id=4294967280, colour=2, port=4660, name=\"eth0\", blob=010203, up=true, delta=-5, bytes=1099511627776,"
                + " caps=5, mask=1/3, stats={rx-bytes=77}, tag=[10, 20], ports=[80, 443], peers=[{rx_bytes=5}], default=-1}",
                String.valueOf(reader), "toString lists what is present");

        Throwable absent = assertThrows(InvocationTargetException.class, () -> call(reader, "wrap_2")).getCause();
        assertInstanceOf(NoSuchElementException.class, absent);
        assertTrue(absent.getMessage().contains("wrap"), absent.getMessage());
        assertInstanceOf(IndexOutOfBoundsException.class, assertThrows(InvocationTargetException.class,
                () -> call(reader, "tag", new Class<?>[] {int.class}, 2)).getCause());
        assertNull(call(null, type("Colour"), "of", new Class<?>[] {long.class}, 9L));
    }

    /**
     * What a generated {@code call()} returns: a reader sharing the request's index. Once the index shows another
     * message, the shared reader fails rather than read that one; the reader that wrapped it reads the new one.
     */
    @Test
    void aSharedReaderFailsOnceItsIndexShowsAnotherMessage() throws Throwable {
        MemorySegment buffer = Arena.ofAuto().allocate(64);
        AttributeWriter out = new AttributeWriter().wrap(buffer, 0, buffer.byteSize());
        out.putU32(1, 1);
        long first = out.position();
        out.putU32(1, 2);
        Object reader = newInstance("MainReader");
        call(reader, "wrap", new Class<?>[] {AttributeReader.class}, new AttributeReader().wrap(buffer, 0, first));
        Object shared = call(reader, "share");
        assertEquals(1L, call(shared, "id"));

        call(reader, "wrap", new Class<?>[] {AttributeReader.class},
                new AttributeReader().wrap(buffer, first, out.position() - first));
        assertEquals(2L, call(reader, "id"));
        for (String accessor : List.of("id", "hasId", "toString")) {
            Throwable stale = assertThrows(InvocationTargetException.class, () -> call(shared, accessor)).getCause();
            assertInstanceOf(IllegalStateException.class, stale, accessor);
            assertTrue(stale.getMessage().contains("no longer valid"), stale.getMessage());
        }
        Object again = call(reader, "share");
        assertEquals(2L, call(again, "id"));
    }

    private static List<Byte> boxed(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    static Class<?> type(String simpleName) throws ClassNotFoundException {
        return Class.forName(PACKAGE + "." + simpleName, true, generated);
    }

    private static Object newInstance(String simpleName) throws ReflectiveOperationException {
        return type(simpleName).getConstructor().newInstance();
    }

    private static Object enumEntry(String enumName, String entry) throws ReflectiveOperationException {
        return type(enumName).getField(entry).get(null);
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return call(target, method, new Class<?>[0]);
    }

    private static Object call(Object target, String method, Class<?>[] types, Object... args)
            throws ReflectiveOperationException {
        return call(target, target.getClass(), method, types, args);
    }

    private static Object call(Object target, Class<?> type, String method, Class<?>[] types, Object... args)
            throws ReflectiveOperationException {
        Method m = type.getMethod(method, types);
        if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) || target != null) {
            return m.invoke(target, args);
        }
        // An instance method called through call(null, type, ...): the first argument is the receiver.
        Object[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return m.invoke(args[0], rest);
    }
}
