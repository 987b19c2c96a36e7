package dev.simul.lab.compare;

import java.util.Arrays;

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: whether two samples of run times come from the same
 * distribution, assuming nothing about its shape, as benchstat uses it for Go benchmarks. Small samples (the lab's
 * usual 3 to 10 runs a cell) get the exact p-value: every way of splitting the pooled runs into two groups of the
 * same sizes is counted, ties included (mid-ranks). Larger ones get the normal approximation with the tie
 * correction.
 *
 * <p>A caution the numbers impose: with 3 runs against 3 the smallest p-value there is is 0.10 (2 of the 20
 * splits are as extreme as complete separation), so no difference between 3-run cells can be significant at 0.05.
 */
public final class MannWhitney {

    /** Up to this many splits are counted exactly: C(20, 10), two cells of 10 runs. */
    static final long EXACT_LIMIT = 184_756;

    private MannWhitney() {
    }

    /**
     * The two-sided p-value: the chance, if both samples came from one distribution, of a U statistic at least as
     * far from its mean as the one observed. 1 when either sample is empty.
     */
    public static double pValue(double[] a, double[] b) {
        int n1 = a.length;
        int n2 = b.length;
        if (n1 == 0 || n2 == 0) {
            return 1;
        }
        double[] pooled = new double[n1 + n2];
        System.arraycopy(a, 0, pooled, 0, n1);
        System.arraycopy(b, 0, pooled, n1, n2);
        double[] ranks = midRanks(pooled);
        double firstSum = 0;
        for (int i = 0; i < n1; i++) {
            firstSum += ranks[i];
        }
        double observed = Math.abs(firstSum - expectedRankSum(n1, n2));
        if (binomial(n1 + n2, n1) <= EXACT_LIMIT) {
            return exact(ranks, n1, observed);
        }
        return normal(ranks, n1, n2, observed);
    }

    /** Ranks 1..n of the values, ties sharing the mean of the ranks they span. */
    static double[] midRanks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] ranks = new double[values.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double expectedRankSum(int n1, int n2) {
        return n1 * (n1 + n2 + 1) / 2.0;
    }

    /** Counts the splits whose first group's rank sum is at least as far from its mean as {@code observed}. */
    private static double exact(double[] ranks, int n1, double observed) {
        double mean = expectedRankSum(n1, ranks.length - n1);
        long[] extreme = new long[1];
        long[] total = new long[1];
        choose(ranks, 0, n1, 0, mean, observed, extreme, total);
        return (double) extreme[0] / total[0];
    }

    private static void choose(double[] ranks, int from, int left, double sum, double mean, double observed,
                               long[] extreme, long[] total) {
        if (left == 0) {
            total[0]++;
            // a tolerance for the halves mid-ranks bring: sums differ by at least 0.5 when they differ
            if (Math.abs(sum - mean) >= observed - 1e-9) {
                extreme[0]++;
            }
            return;
        }
        for (int i = from; i <= ranks.length - left; i++) {
            choose(ranks, i + 1, left - 1, sum + ranks[i], mean, observed, extreme, total);
        }
    }

    private static double normal(double[] ranks, int n1, int n2, double observed) {
        int n = n1 + n2;
        double ties = 0; // sum of t^3 - t over groups of tied values
        double[] sorted = ranks.clone();
        Arrays.sort(sorted);
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && sorted[j + 1] == sorted[i]) {
                j++;
            }
            double t = j - i + 1;
            ties += t * t * t - t;
            i = j + 1;
        }
        double variance = n1 * (double) n2 / 12.0 * ((n + 1) - ties / ((double) n * (n - 1)));
        if (variance <= 0) {
            return 1;
        }
        double z = Math.max(0, observed - 0.5) / Math.sqrt(variance); // continuity correction
        return Math.min(1, 2 * (1 - standardNormal(z)));
    }

    /** The standard normal distribution function, by the Abramowitz-Stegun 7.1.26 approximation of erf. */
    static double standardNormal(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    static long binomial(int n, int k) {
        long c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
            if (c > Long.MAX_VALUE / (n + 1)) {
                return Long.MAX_VALUE;
            }
        }
        return c;
    }
}
