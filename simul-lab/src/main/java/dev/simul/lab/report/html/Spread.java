package dev.simul.lab.report.html;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import java.util.List;

/**
 * How the measured runs of a cell spread around its median: the five numbers of a box plot, in wall seconds. A
 * cell without runs (an old JSON) spreads over its median alone.
 *
 * @param min    the fastest run
 * @param q1     the first quartile
 * @param median the median
 * @param q3     the third quartile
 * @param max    the slowest run
 * @param runs   how many runs
 */
record Spread(double min, double q1, double median, double q3, double max, int runs) {

    /** The spread of {@code cell}'s wall times. */
    static Spread ofWall(Cell cell) {
        List<Double> walls = cell.runs().stream().map(Measurement::wallS).sorted().toList();
        if (walls.isEmpty()) {
            double m = cell.wallS();
            return new Spread(m, m, m, m, m, 0);
        }
        return new Spread(walls.getFirst(), quantile(walls, 0.25), quantile(walls, 0.5), quantile(walls, 0.75),
                walls.getLast(), walls.size());
    }

    /** The {@code p} quantile of sorted values, interpolated between the closest ranks (as R's type 7, NumPy's). */
    static double quantile(List<Double> sorted, double p) {
        double rank = p * (sorted.size() - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.size() - 1);
        return sorted.get(below) + (rank - below) * (sorted.get(above) - sorted.get(below));
    }
}
