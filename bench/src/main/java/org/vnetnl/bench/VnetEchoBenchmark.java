package org.vnetnl.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.vnet.EchoReply;
import org.vnetnl.vnet.VnetClient;

/**
 * The zero-copy ECHO round trip through the typed client, {@link VnetClient#echo}: MSG, VALUE and FLAG written
 * into the connection's send buffer, one {@code sendto}, one {@code recvmsg}, the echoed VALUE read in place.
 * Needs the vnet_nl module (bench/run runs it in the VM). The path the latency and allocation targets are
 * set for.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class VnetEchoBenchmark {

    private VnetClient client;
    private long value;

    // A client belongs to the thread that opened it: JMH runs trial-level setup and teardown of thread-scoped
    // state on the benchmark thread.
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
        EchoReply reply = client.echo(Payloads.ECHO_MESSAGE, sent, Payloads.ECHO_FLAG != 0);
        if (!reply.hasValue() || reply.value() != sent) {
            throw new IllegalStateException("ECHO did not return VALUE " + sent);
        }
        return sent;
    }
}
