package dev.simul.lab.scaling;

import java.util.Objects;

/**
 * The three laws the {@code scaling} experiment fits its curves to: pure functions of the measured points, with no
 * clock and no runner, so that they are tested on synthetic data.
 *
 * <ul>
 *   <li><b>Amdahl</b>: a job whose fraction {@code s} is serial speeds up to
 *       {@code S(N) = 1 / (s + (1 - s) / N)} on N workers, at most {@code 1 / s}.</li>
 *   <li><b>Gunther's Universal Scalability Law</b>:
 *       {@code X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))}; sigma (contention: the share that
 *       queues for something shared) flattens the curve, kappa (coherency: the cost of keeping N workers in
 *       step, growing with the pairs of them) bends it back down past {@code N* = sqrt((1 - sigma) / kappa)}.
 *       With kappa = 0 it is Amdahl's law.</li>
 *   <li><b>Little's law</b>: a system holding N tasks at once, each taking L seconds, completes
 *       {@code X = N / L} tasks per second.</li>
 * </ul>
 */
public final class ScalingLaws {

    private ScalingLaws() {
    }

    /**
     * A fitted Universal Scalability Law.
     *
     * @param lambda throughput of one worker, tasks per second
     * @param sigma  contention, at least 0
     * @param kappa  coherency, at least 0
     */
    public record Usl(double lambda, double sigma, double kappa) {

        /** The throughput the law predicts at {@code n} workers. */
        public double throughput(double n) {
            return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
        }

        /**
         * The worker count of the highest throughput, {@code sqrt((1 - sigma) / kappa)}, or null when the curve
         * never turns down (kappa = 0, or sigma >= 1, where it never rises).
         */
        public Double peakWorkers() {
            if (kappa <= 0 || sigma >= 1) {
                return null;
            }
            return Math.sqrt((1 - sigma) / kappa);
        }
    }

    /**
     * Fits the USL to measured throughputs by least squares on its linearized form, with {@code lambda} = the
     * throughput at one worker (Gunther's own method when X(1) is measured): with {@code x = N - 1} and the
     * relative capacity {@code C = X(N) / X(1)}, the law reads {@code N / C - 1 = sigma x + kappa x (x + 1)},
     * linear in sigma and kappa. The two normal equations are solved; if that gives a negative coefficient, the
     * better of the fits with one of them held at 0 is taken (non-negative least squares for two unknowns).
     *
     * @param workers    worker counts, one of them 1
     * @param throughput the throughput at each, tasks per second, above 0
     * @throws IllegalArgumentException without a point at 1 worker, or for lengths that differ
     */
    public static Usl fitUsl(int[] workers, double[] throughput) {
        checkPoints(workers, throughput);
        double lambda = Double.NaN;
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] == 1) {
                lambda = throughput[i];
            }
        }
        if (Double.isNaN(lambda)) {
            throw new IllegalArgumentException("the USL fit needs the throughput at 1 worker");
        }
        // Sums of the normal equations for y = sigma * a + kappa * b, with a = x and b = x (x + 1).
        double aa = 0;
        double ab = 0;
        double bb = 0;
        double ay = 0;
        double by = 0;
        for (int i = 0; i < workers.length; i++) {
            double x = workers[i] - 1;
            double a = x;
            double b = x * (x + 1);
            double y = workers[i] * lambda / throughput[i] - 1;
            aa += a * a;
            ab += a * b;
            bb += b * b;
            ay += a * y;
            by += b * y;
        }
        if (aa == 0) {
            return new Usl(lambda, 0, 0); // only the point at 1 worker: nothing to fit
        }
        double[][] candidates = {
                {Math.max(0, ay / aa), 0},        // Amdahl: kappa held at 0
                {0, Math.max(0, by / bb)},        // coherency alone
                {0, 0},
        };
        double best = Double.POSITIVE_INFINITY;
        double sigma = 0;
        double kappa = 0;
        double det = aa * bb - ab * ab;
        // A point or two past N = 1 leaves the two columns (nearly) dependent: then only the one-term fits count.
        if (Math.abs(det) > 1e-12 * aa * bb) {
            double s = (ay * bb - by * ab) / det;
            double k = (aa * by - ab * ay) / det;
            if (s >= 0 && k >= 0) {
                sigma = s;
                kappa = k;
                best = residual(workers, throughput, lambda, s, k);
            }
        }
        for (double[] c : candidates) {
            double r = residual(workers, throughput, lambda, c[0], c[1]);
            if (r < best - 1e-15) { // ties keep the earlier candidate: the fuller fit, then Amdahl's
                best = r;
                sigma = c[0];
                kappa = c[1];
            }
        }
        return new Usl(lambda, sigma, kappa);
    }

    /** The squared error of the linearized form at (sigma, kappa): what {@link #fitUsl} minimizes. */
    private static double residual(int[] workers, double[] throughput, double lambda, double sigma, double kappa) {
        double sum = 0;
        for (int i = 0; i < workers.length; i++) {
            double x = workers[i] - 1;
            double e = workers[i] * lambda / throughput[i] - 1 - sigma * x - kappa * x * (x + 1);
            sum += e * e;
        }
        return sum;
    }

    /**
     * Amdahl's serial fraction fitted by least squares to measured speedups: {@code 1/S - 1/N = s (1 - 1/N)} is
     * linear in s. Only points at more than one worker carry information. Pass the points at no more workers than
     * processors: past them the workers share cores, which Amdahl's law does not model.
     *
     * @param workers worker counts
     * @param speedup the speedup at each against one worker (X(N) / X(1))
     * @return s in [0, 1], or null without a point at more than one worker
     */
    public static Double amdahlSerialFraction(int[] workers, double[] speedup) {
        checkPoints(workers, speedup);
        double uu = 0;
        double uv = 0;
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] > 1) {
                double u = 1 - 1.0 / workers[i];
                double v = 1 / speedup[i] - 1.0 / workers[i];
                uu += u * u;
                uv += u * v;
            }
        }
        if (uu == 0) {
            return null;
        }
        return Math.min(1, Math.max(0, uv / uu));
    }

    /** Amdahl's speedup at {@code n} workers for serial fraction {@code s}. */
    public static double amdahlSpeedup(double s, double n) {
        return 1 / (s + (1 - s) / n);
    }

    /** Little's law: the throughput of {@code n} tasks in flight at once, each taking {@code latencyS} seconds. */
    public static double littleThroughput(int n, double latencyS) {
        return n / latencyS;
    }

    /**
     * The first worker count, in the order given, at which the measured throughput falls below {@code fraction} of
     * Little's {@code N / L}: where adding workers stops adding throughput in proportion. Null if it holds at every
     * point.
     */
    public static Integer littleBreakpoint(int[] workers, double[] throughput, double latencyS, double fraction) {
        checkPoints(workers, throughput);
        for (int i = 0; i < workers.length; i++) {
            if (throughput[i] < fraction * littleThroughput(workers[i], latencyS)) {
                return workers[i];
            }
        }
        return null;
    }

    private static void checkPoints(int[] workers, double[] values) {
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(values, "values");
        if (workers.length != values.length) {
            throw new IllegalArgumentException(workers.length + " worker counts but " + values.length + " values");
        }
        for (int i = 0; i < workers.length; i++) {
            if (workers[i] < 1 || !(values[i] > 0)) {
                throw new IllegalArgumentException("point " + i + ": workers " + workers[i] + ", value " + values[i]
                        + "; both must be positive");
            }
        }
    }
}
