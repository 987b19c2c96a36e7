package dev.simul.lab.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import org.junit.jupiter.api.Test;

class HashChainTest {

    @Test
    void chainsSha256Digests() throws Exception {
        // sha256 of 4 zero bytes, and sha256(sha256(00 00 00 01)), from Python's hashlib
        assertThat(HashChain.chain(0, 1)).isEqualTo("df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119");
        assertThat(HashChain.chain(1, 2)).isEqualTo("fcb88451969c719dad97e8ccf435a72b60b4f9310a3073e6df11ba7dd14e6573");
    }

    @Test
    void runsOnEveryMode() throws Exception {
        for (String mode : Runners.modes()) {
            try (Runner runner = Runners.of(mode)) {
                new HashChain().run(runner, 1e-4);
            }
        }
    }
}
