package dev.simul.lab.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MannWhitneyTest {

    @Test
    void completeSeparationOfThreeAgainstThreeIsTwoOfTwentySplits() {
        assertThat(MannWhitney.pValue(new double[] {1, 2, 3}, new double[] {4, 5, 6})).isEqualTo(0.1);
        assertThat(MannWhitney.pValue(new double[] {4, 5, 6}, new double[] {1, 2, 3})).isEqualTo(0.1);
    }

    @Test
    void identicalSamplesAreNoEvidenceAtAll() {
        assertThat(MannWhitney.pValue(new double[] {1.0, 1.1, 1.2}, new double[] {1.0, 1.1, 1.2})).isEqualTo(1.0);
        assertThat(MannWhitney.pValue(new double[] {2, 2, 2}, new double[] {2, 2, 2})).isEqualTo(1.0);
    }

    @Test
    void exactValuesMatchTheTables() {
        // n1 = n2 = 5, U = 0 (complete separation): 2 / C(10, 5) = 2 / 252
        assertThat(MannWhitney.pValue(new double[] {1, 2, 3, 4, 5}, new double[] {6, 7, 8, 9, 10}))
                .isCloseTo(2.0 / 252, within(1e-12));
        // n1 = n2 = 4, U = 1: P(U <= 1) = 2 / 70 one-sided, so 4 / 70 two-sided
        assertThat(MannWhitney.pValue(new double[] {1, 2, 3, 5}, new double[] {4, 6, 7, 8}))
                .isCloseTo(4.0 / 70, within(1e-12));
    }

    @Test
    void tiesShareTheirRanks() {
        assertThat(MannWhitney.midRanks(new double[] {3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
    }

    @Test
    void largeSamplesUseTheNormalApproximation() {
        double[] a = new double[30];
        double[] b = new double[30];
        for (int i = 0; i < 30; i++) {
            a[i] = i;
            b[i] = i + 100;
        }
        assertThat(MannWhitney.pValue(a, b)).isLessThan(1e-6);
        assertThat(MannWhitney.pValue(a, a.clone())).isGreaterThan(0.9);
        assertThat(MannWhitney.standardNormal(0)).isCloseTo(0.5, within(1e-9));
        assertThat(MannWhitney.standardNormal(1.96)).isCloseTo(0.975, within(1e-4));
    }

    @Test
    void anEmptySampleProvesNothing() {
        assertThat(MannWhitney.pValue(new double[0], new double[] {1})).isEqualTo(1.0);
    }
}
