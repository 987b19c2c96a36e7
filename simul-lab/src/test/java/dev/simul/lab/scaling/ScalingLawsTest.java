package dev.simul.lab.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The fits on synthetic curves whose laws are known. */
class ScalingLawsTest {

    private static final int[] WORKERS = {1, 2, 4, 8, 16, 32, 64};

    private static double[] usl(double lambda, double sigma, double kappa, int[] workers) {
        double[] x = new double[workers.length];
        for (int i = 0; i < workers.length; i++) {
            x[i] = new ScalingLaws.Usl(lambda, sigma, kappa).throughput(workers[i]);
        }
        return x;
    }

    @Test
    void recoversTheUslsSigmaAndKappa() {
        ScalingLaws.Usl fit = ScalingLaws.fitUsl(WORKERS, usl(100, 0.03, 0.001, WORKERS));
        assertThat(fit.lambda()).isEqualTo(100);
        assertThat(fit.sigma()).isCloseTo(0.03, within(1e-9));
        assertThat(fit.kappa()).isCloseTo(0.001, within(1e-9));
        assertThat(fit.peakWorkers()).isCloseTo(Math.sqrt(0.97 / 0.001), within(1e-6));
    }

    @Test
    void recoversTheUslWithinTheNoiseOfMeasurements() {
        double[] x = usl(50, 0.1, 0.002, WORKERS);
        double[] noise = {1.0, 1.02, 0.98, 1.01, 0.99, 1.02, 0.98};
        for (int i = 0; i < x.length; i++) {
            x[i] *= i == 0 ? 1 : noise[i];
        }
        ScalingLaws.Usl fit = ScalingLaws.fitUsl(WORKERS, x);
        assertThat(fit.sigma()).isCloseTo(0.1, within(0.02));
        assertThat(fit.kappa()).isCloseTo(0.002, within(0.0005));
    }

    @Test
    void anAmdahlCurveFitsWithKappaZero() {
        ScalingLaws.Usl fit = ScalingLaws.fitUsl(WORKERS, usl(10, 0.05, 0, WORKERS));
        assertThat(fit.sigma()).isCloseTo(0.05, within(1e-9));
        assertThat(fit.kappa()).isZero();
        assertThat(fit.peakWorkers()).isNull();
    }

    @Test
    void coefficientsNeverGoNegative() {
        // Superlinear: faster than N times one worker, which the law cannot fit with sigma, kappa >= 0.
        ScalingLaws.Usl fit = ScalingLaws.fitUsl(new int[] {1, 2, 4}, new double[] {10, 25, 60});
        assertThat(fit.sigma()).isZero();
        assertThat(fit.kappa()).isZero();
        // A perfectly flat curve past one worker: all contention.
        ScalingLaws.Usl flat = ScalingLaws.fitUsl(new int[] {1, 2, 4, 8}, new double[] {10, 10, 10, 10});
        assertThat(flat.sigma()).isCloseTo(1, within(1e-9));
        assertThat(flat.kappa()).isCloseTo(0, within(1e-9));
    }

    @Test
    void onePointPastOneWorkerGivesAmdahlsForm() {
        ScalingLaws.Usl fit = ScalingLaws.fitUsl(new int[] {1, 2}, new double[] {10, 16});
        assertThat(fit.sigma()).isCloseTo(2 * 10 / 16.0 - 1, within(1e-12));
        assertThat(fit.kappa()).isZero();
        assertThat(ScalingLaws.fitUsl(new int[] {1}, new double[] {10})).isEqualTo(new ScalingLaws.Usl(10, 0, 0));
    }

    @Test
    void theUslNeedsOneWorkersThroughput() {
        assertThatThrownBy(() -> ScalingLaws.fitUsl(new int[] {2, 4}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 worker");
        assertThatThrownBy(() -> ScalingLaws.fitUsl(new int[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScalingLaws.fitUsl(new int[] {1, 2}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recoversAmdahlsSerialFraction() {
        int[] n = {1, 2, 4, 8};
        double[] speedup = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            speedup[i] = ScalingLaws.amdahlSpeedup(0.1, n[i]);
        }
        assertThat(ScalingLaws.amdahlSerialFraction(n, speedup)).isCloseTo(0.1, within(1e-12));
        assertThat(ScalingLaws.amdahlSpeedup(0.1, 1e12)).isCloseTo(10, within(1e-6));
        // Perfect scaling and none at all are the ends of the range; past them the fraction is clamped.
        assertThat(ScalingLaws.amdahlSerialFraction(new int[] {1, 2}, new double[] {1, 2})).isZero();
        assertThat(ScalingLaws.amdahlSerialFraction(new int[] {1, 2}, new double[] {1, 1})).isEqualTo(1);
        assertThat(ScalingLaws.amdahlSerialFraction(new int[] {1, 2}, new double[] {1, 0.8})).isEqualTo(1);
        assertThat(ScalingLaws.amdahlSerialFraction(new int[] {1}, new double[] {1})).isNull();
    }

    @Test
    void findsWhereLittlesLawStopsHolding() {
        double latency = 0.05; // 20 tasks per second per worker
        int[] n = {1, 2, 4, 8, 16, 32, 64};
        double[] x = {20, 40, 79, 158, 310, 400, 410}; // saturates at about 400 tasks per second
        assertThat(ScalingLaws.littleThroughput(8, latency)).isCloseTo(160, within(1e-9));
        assertThat(ScalingLaws.littleBreakpoint(n, x, latency, 0.8)).isEqualTo(32); // 400 < 0.8 x 640
        assertThat(ScalingLaws.littleBreakpoint(n, x, latency, 0.6)).isEqualTo(64); // 410 < 0.6 x 1280
        double[] linear = {20, 40, 80, 160, 320, 640, 1280};
        assertThat(ScalingLaws.littleBreakpoint(n, linear, latency, 0.8)).isNull();
    }
}
