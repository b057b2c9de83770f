package org.vnetnl.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What JMH and its GC profiler count as allocated per operation for a benchmark that allocates nothing: the
 * operation spins on the clock for {@link #nanos}, so that it takes as long as a round trip of the path it stands
 * beside (about 50 us for a vnet_nl ECHO in the VM, 6 us for nlctrl on the host). Any {@code gc.alloc.rate.norm} it
 * shows is the harness's own, spread over the operations of an iteration: JMH's bookkeeping (in sample mode, the
 * statistics built from each iteration's samples), and the profiler's.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SpinBaselineBenchmark {

    @Param({"6000", "50000"})
    public long nanos;

    @Benchmark
    public long spin() {
        long end = System.nanoTime() + nanos;
        long now;
        do {
            now = System.nanoTime();
        } while (now - end < 0);
        return now;
    }
}
