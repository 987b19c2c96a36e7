package dev.simul.lab.experiment;

import java.util.List;

/**
 * How a cell's measured runs spread: the least, the quartiles, the median and the most. The one place the lab
 * computes a median or a quartile, so that the median of a cell ({@code wall_s}) and its quartiles never disagree.
 *
 * <p>Quantiles by linear interpolation between the sorted values (Hyndman and Fan's type 7: R's default, numpy's
 * {@code percentile} default, Excel's {@code QUARTILE.INC}): the quantile {@code p} of {@code n} sorted values sits at
 * position {@code h = (n - 1) p}, between the values at {@code floor(h)} and {@code ceil(h)}. So the median is the
 * middle value, or the mean of the two middle ones; with one run every figure is that run; with two, the quartiles
 * lie a quarter of the way in from each end.
 *
 * @param min    the least value
 * @param q1     the first quartile (p = 0.25)
 * @param median the median (p = 0.5)
 * @param q3     the third quartile (p = 0.75)
 * @param max    the most
 */
public record Spread(double min, double q1, double median, double q3, double max) {

    /**
     * The spread of {@code values}, in any order.
     *
     * @throws IllegalArgumentException if there are none: a spread of nothing has no figures, and a zero would pass
     *                                  for a measurement
     */
    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to spread");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Spread(sorted[0], quantile(sorted, 0.25), quantile(sorted, 0.5), quantile(sorted, 0.75),
                sorted[sorted.length - 1]);
    }

    /** The quantile {@code p} (0 to 1) of {@code sorted}, ascending and not empty, by type 7 (see the class comment). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(below + 1, sorted.length - 1);
        double f = h - below;
        // Weighted rather than a + f (b - a): for f = 0.5 this is exactly the (a + b) / 2 of the usual median.
        return sorted[below] * (1 - f) + sorted[above] * f;
    }
}
