package org.vnetnl.bench;

import java.io.File;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.vnetnl.genl.GenlConnection;
import org.vnetnl.genl.NetlinkException;
import org.vnetnl.vnet.EchoReply;
import org.vnetnl.vnet.VnetClient;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The generated ECHO path ({@link VnetEchoBenchmark}) against the hand-written one it replaced
 * ({@link HandWrittenEchoBenchmark}), paired: both in one JVM on connections of their own, warmed up together, then
 * measured in alternating blocks of round trips, each round trip timed with {@link System#nanoTime()}, each
 * block's p50 taken from its own samples, and the ratio taken per pair of neighbouring blocks.
 *
 * <p>Why not only JMH: JMH runs one benchmark after the other, each in a fork of its own, and under TCG the
 * emulated CPU's speed moves between forks by far more than the 5% this comparison is about (bench/run's JMH
 * rounds put the same hand-written path anywhere between 0.8x and 2.6x of the generated one). Blocks a fraction of
 * a second long, in ABBA order so that neither path always runs second, see the same speed; the median of the
 * pair ratios is what the two paths' code makes of it. Run by bench/vm-guest beside the JMH rounds:
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar org.vnetnl.bench.PairedEchoRun \
 *       --warmup-seconds 60 --blocks 100 --block 1000 --out paired.json
 * </pre>
 */
public final class PairedEchoRun {

    private final VnetClient generated;
    private final HandWrittenEchoBenchmark.HandWrittenEcho handWritten;
    private long value;
    private long checksum;

    private PairedEchoRun(VnetClient generated, HandWrittenEchoBenchmark.HandWrittenEcho handWritten) {
        this.generated = generated;
        this.handWritten = handWritten;
    }

    public static void main(String[] args) throws Exception {
        int warmupSeconds = 60;
        int blocks = 100;
        int block = 1000;
        File out = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--warmup-seconds" -> warmupSeconds = positive(option, value);
                case "--blocks" -> blocks = positive(option, value);
                case "--block" -> block = positive(option, value);
                case "--out" -> out = new File(value);
                default -> throw new IllegalArgumentException("unknown option " + option
                        + " (--warmup-seconds N, --blocks N, --block N, --out FILE)");
            }
        }
        if (blocks % 2 != 0) {
            throw new IllegalArgumentException("--blocks must be even (pairs of blocks), got " + blocks);
        }
        try (VnetClient client = VnetClient.open()) {
            HandWrittenEchoBenchmark.HandWrittenEcho old =
                    new HandWrittenEchoBenchmark.HandWrittenEcho(GenlConnection.open());
            try {
                Map<String, Object> result = new PairedEchoRun(client, old).run(warmupSeconds, blocks, block);
                String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result);
                if (out == null) {
                    System.out.println(json);
                } else {
                    java.nio.file.Files.writeString(out.toPath(), json);
                }
                System.err.println("PairedEchoRun: generated/hand-written p50 " + result.get("ratio_p50_median")
                        + " (middle half " + result.get("ratio_p50_q1") + "-" + result.get("ratio_p50_q3") + ") over "
                        + blocks / 2 + " pairs of " + block + " round trips");
            } finally {
                old.close();
            }
        }
    }

    private Map<String, Object> run(int warmupSeconds, int blocks, int block) throws NetlinkException {
        long[] samples = new long[block];
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        int warmupBlocks = 0;
        while (System.nanoTime() < warmupEnd || warmupBlocks < 2) {
            measure(warmupBlocks % 2 == 0, samples);
            warmupBlocks++;
        }
        double[] generatedP50 = new double[blocks / 2];
        double[] handWrittenP50 = new double[blocks / 2];
        double[] ratios = new double[blocks / 2];
        for (int pair = 0; pair < blocks / 2; pair++) {
            // ABBA: pair 0 runs generated first, pair 1 hand-written first, and so on.
            boolean generatedFirst = pair % 2 == 0;
            double first = measure(generatedFirst, samples);
            double second = measure(!generatedFirst, samples);
            generatedP50[pair] = generatedFirst ? first : second;
            handWrittenP50[pair] = generatedFirst ? second : first;
            ratios[pair] = generatedP50[pair] / handWrittenP50[pair];
        }
        if (checksum == 0) {
            throw new IllegalStateException("no echoed value was read back");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("warmup_seconds", warmupSeconds);
        result.put("warmup_blocks", warmupBlocks);
        result.put("pairs", blocks / 2);
        result.put("block", block);
        result.put("generated_p50_ns_median", quantile(generatedP50, 0.5));
        result.put("handwritten_p50_ns_median", quantile(handWrittenP50, 0.5));
        result.put("ratio_p50_median", quantile(ratios, 0.5));
        result.put("ratio_p50_q1", quantile(ratios, 0.25));
        result.put("ratio_p50_q3", quantile(ratios, 0.75));
        result.put("ratio_p50_min", quantile(ratios, 0));
        result.put("ratio_p50_max", quantile(ratios, 1));
        result.put("generated_p50_ns", generatedP50);
        result.put("handwritten_p50_ns", handWrittenP50);
        result.put("ratios", ratios);
        return result;
    }

    /** One block of round trips through one path; returns its p50 in nanoseconds. */
    private double measure(boolean throughGenerated, long[] samples) throws NetlinkException {
        for (int i = 0; i < samples.length; i++) {
            long sent = value = (value + 1) & 0xFFFF_FFFFL;
            long start = System.nanoTime();
            long echoed = throughGenerated ? generatedEcho(sent) : handWrittenEcho(sent);
            samples[i] = System.nanoTime() - start;
            if (echoed != sent) {
                throw new IllegalStateException("ECHO returned VALUE " + echoed + ", sent " + sent);
            }
            checksum += echoed;
        }
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }

    /** What {@link VnetEchoBenchmark#echo} does. */
    private long generatedEcho(long sent) throws NetlinkException {
        EchoReply reply = generated.echo(Payloads.ECHO_MESSAGE, sent, Payloads.ECHO_FLAG != 0);
        return reply.hasValue() ? reply.value() : -1;
    }

    /** What {@link HandWrittenEchoBenchmark#echo} does. */
    private long handWrittenEcho(long sent) throws NetlinkException {
        HandWrittenEchoBenchmark.HandWrittenEcho.Reply reply = handWritten.echo(Payloads.ECHO_MESSAGE, sent,
                Payloads.ECHO_FLAG != 0, Payloads.TIMEOUT);
        return reply.hasValue() ? reply.value() : -1;
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double at = q * (sorted.length - 1);
        int low = (int) Math.floor(at);
        int high = (int) Math.ceil(at);
        return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, got \"" + value + "\"");
    }
}
