package org.vnetnl.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.vnet.EchoReply;
import org.vnetnl.vnet.VnetClient;

/**
 * The zero-copy ECHO round trip through the typed client, {@link VnetClient#echo} with a reply view of its own
 * made once: MSG, VALUE and FLAG written into the connection's send buffer, one {@code sendto}, one
 * {@code recvmsg}, the echoed VALUE read in place into the view.
 * Needs the vnet_nl module (bench/run runs it in the VM). The path the latency and allocation targets are
 * set for.
 */
public class VnetEchoBenchmark extends RoundTripBenchmark {

    private VnetClient client;
    private final EchoReply view = new EchoReply();
    private long value;

    @Setup(Level.Trial)
    public void open() throws NetlinkException {
        client = VnetClient.open();
    }

    @TearDown(Level.Trial)
    public void close() {
        client.close();
    }

    @Benchmark
    public long echo() throws NetlinkException {
        long sent = value = (value + 1) & 0xFFFF_FFFFL;
        EchoReply reply = client.echo(Payloads.ECHO_MESSAGE, sent, Payloads.ECHO_FLAG != 0, view);
        if (!reply.hasValue() || reply.value() != sent) {
            throw new IllegalStateException("ECHO did not return VALUE " + sent);
        }
        return sent;
    }
}
