package org.vnetnl.ynl.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vnetnl.genl.AttributeReader;
import org.vnetnl.genl.AttributeWriter;
import org.vnetnl.kernel.tc.TcAttrsReader;
import org.vnetnl.kernel.tc.TcAttrsWriter;
import org.vnetnl.kernel.tc.TcFifoQopt;
import org.vnetnl.kernel.tc.TcNetemAttrsReader;
import org.vnetnl.kernel.tc.TcNetemQopt;
import org.vnetnl.ynl.KernelYnl;
import org.vnetnl.ynl.SpecLoader;
import org.vnetnl.ynl.YnlSpec;

/**
 * The tc client generated from Linux 6.12's {@code tc.yaml} writes its sub-messages byte for byte as the spec
 * codec of {@link YnlClient} does (checked against the kernel and {@code tc -j} in {@code RtnetlinkClientTest}),
 * for the three shapes of a format: a fixed header alone (pfifo's tc-fifo-qopt), attributes alone (fq's), and a
 * header followed by attributes (netem's, whose qdisc the host kernel may lack); and reads them back.
 */
class GeneratedSubMessageBytesTest {

    private static byte[] spec(Map<String, ?> values) throws Exception {
        YnlSpec tc = SpecLoader.load(KernelYnl.spec("tc"));
        MemorySegment buffer = MemorySegment.ofArray(new byte[512]);
        AttributeWriter w = new AttributeWriter().wrap(buffer, 0, 512);
        new RequestEncoder(tc).encode(w, "tc-attrs", values, null, null);
        return buffer.asSlice(0, w.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] bytes(AttributeWriter w) {
        return w.segment().asSlice(0, w.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    private static AttributeWriter writer() {
        return new AttributeWriter().wrap(MemorySegment.ofArray(new byte[512]), 0, 512);
    }

    private static TcAttrsReader read(byte[] wire) {
        return new TcAttrsReader().wrap(new AttributeReader().wrap(MemorySegment.ofArray(wire), 0, wire.length));
    }

    @Test
    void aFixedHeaderAlone() throws Exception {
        AttributeWriter w = writer();
        TcAttrsWriter attrs = new TcAttrsWriter().wrap(w).kind("pfifo");
        attrs.optionsPfifo(new TcFifoQopt()).limit(37);
        assertArrayEquals(spec(ordered("kind", "pfifo", "options", Map.of("limit", 37))), bytes(w));
        assertEquals(37, read(bytes(w)).options(new TcFifoQopt()).limit());
    }

    @Test
    void attributesAlone() throws Exception {
        AttributeWriter w = writer();
        TcAttrsWriter attrs = new TcAttrsWriter().wrap(w).kind("fq");
        attrs.beginOptionsFq().quantum(1514).plimit(100).end();
        assertArrayEquals(spec(ordered("kind", "fq", "options", ordered("quantum", 1514, "plimit", 100))), bytes(w));
        assertEquals(1514, read(bytes(w)).options(new org.vnetnl.kernel.tc.TcFqAttrsReader()).quantum());
    }

    @Test
    void aFixedHeaderThenAttributes() throws Exception {
        AttributeWriter w = writer();
        TcAttrsWriter attrs = new TcAttrsWriter().wrap(w).kind("netem");
        TcNetemQopt header = new TcNetemQopt();
        attrs.beginOptionsNetem(header).latency64(5_000_000).end();
        header.limit(77).loss(3);
        byte[] wire = bytes(w);
        assertArrayEquals(spec(ordered("kind", "netem", "options", ordered("limit", 77, "loss", 3,
                "latency64", 5_000_000))), wire);
        TcAttrsReader reader = read(wire);
        TcNetemQopt qopt = reader.options(new TcNetemQopt());
        assertEquals(77, qopt.limit());
        assertEquals(3, qopt.loss());
        assertEquals(5_000_000, reader.options(new TcNetemAttrsReader()).latency64());
        IllegalStateException wrongKind = assertThrows(IllegalStateException.class,
                () -> reader.options(new TcFifoQopt()));
        assertEquals("options is of kind netem, not bfifo or pfifo or pfifo_head_drop", wrongKind.getMessage());
        assertThrows(IllegalStateException.class, () -> qopt.limit(1), "a received struct is read-only");
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
