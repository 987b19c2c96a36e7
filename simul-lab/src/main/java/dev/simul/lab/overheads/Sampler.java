package dev.simul.lab.overheads;

import java.util.Arrays;

/**
 * Times an operation as JMH would, without JMH: batches of it until the JIT has compiled it (a number of
 * operations) and for a while besides, then samples of a fixed number of operations, each about
 * {@code sampleNanos} long; the figure is the median of the samples' nanoseconds per operation. Every batch
 * returns a checksum that goes into {@link #sink}, so that no work can be proved useless and removed.
 */
final class Sampler {

    /** Measured samples per figure: an odd count, so that the median is one of them. */
    static final int SAMPLES = 7;

    /** Warm-up lasts at least this many sample lengths, as well as its operation count. */
    private static final int WARMUP_SAMPLES = 3;

    /** {@link Batch#run} operations at most at once: keeps a batch's loop counter and time in range. */
    private static final long MAX_OPS = 1L << 30;

    /** Where checksums go: a volatile write the JIT must perform, so that what computed them must run. */
    static volatile long sink;

    /** Runs an operation {@code ops} times and returns a checksum of what it did. */
    @FunctionalInterface
    interface Batch {
        long run(long ops) throws Exception;
    }

    private final long sampleNanos;

    /** Samples about {@code sampleNanos} long each. */
    Sampler(long sampleNanos) {
        this.sampleNanos = Math.max(1, sampleNanos);
    }

    /**
     * The median nanoseconds per operation of {@link #SAMPLES} samples, after a warm-up of at least
     * {@code warmupOps} operations and {@value #WARMUP_SAMPLES} sample lengths. The warm-up's batches double in size
     * until one lasts half a sample; its last rate sets the operations per sample.
     */
    double nanosPerOp(Batch batch, long warmupOps) throws Exception {
        long ops = 1;
        long done = 0;
        double perOp;
        long start = System.nanoTime();
        while (true) {
            long t0 = System.nanoTime();
            sink += batch.run(ops);
            long took = System.nanoTime() - t0;
            done += ops;
            perOp = Math.max(took, 1) / (double) ops;
            if (done >= warmupOps && System.nanoTime() - start >= WARMUP_SAMPLES * sampleNanos) {
                break;
            }
            if (took < sampleNanos / 2) {
                ops = Math.min(ops * 2, MAX_OPS);
            }
        }
        long perSample = Math.clamp((long) (sampleNanos / perOp), 1, MAX_OPS);
        double[] samples = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t0 = System.nanoTime();
            sink += batch.run(perSample);
            samples[i] = (System.nanoTime() - t0) / (double) perSample;
        }
        return median(samples);
    }

    /** The median of {@code values} (the mean of the middle two for an even count); the array is sorted. */
    static double median(double[] values) {
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
