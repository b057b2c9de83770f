package org.vnetnl.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The measurement settings every round-trip benchmark shares, so that their figures compare: average and sampled
 * time per round trip in nanoseconds, the same warm-up, measurement and forks. JMH annotations are inherited by
 * the subclasses.
 *
 * <p>The state is thread-scoped: each benchmark thread measures a connection or client of its own (the
 * single-thread round trip); JMH runs the trial-level setup and teardown of thread-scoped state on that thread.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public abstract class RoundTripBenchmark {
}
