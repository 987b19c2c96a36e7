package dev.simul.lab.workload;

import dev.simul.runner.Runner;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A second CPU-bound kernel that no compiler can fold: a SHA-256 chain, where each digest is the input of the
 * next. 4 tasks of 10,000,000 rounds at scale 1, each from its own seed, so the 4 digests must all differ.
 */
public final class HashChain extends Workload {

    static final int ROUNDS = 10_000_000;
    private static final int TASKS = 4;

    static int rounds(double scale) {
        return (int) Math.max(1, Math.round(ROUNDS * scale));
    }

    public HashChain() {
        super("hash", TASKS, CPU_BOUND,
                "SHA-256 chain: 4 tasks of 10,000,000 rounds each (scaled), a CPU kernel that cannot be folded");
    }

    @Override
    public void run(Runner runner, double scale) throws Exception {
        int rounds = rounds(scale);
        List<String> digests = runner.map(seed -> chain(seed, rounds), List.of(0, 1, 2, 3));
        if (digests.stream().distinct().count() != TASKS) {
            throw new IllegalStateException("hash: different seeds gave equal digests " + digests);
        }
    }

    /** Hashes the 4-byte big-endian {@code seed}, then hashes each digest {@code rounds - 1} more times. */
    public static String chain(int seed, int rounds) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] digest = {(byte) (seed >>> 24), (byte) (seed >>> 16), (byte) (seed >>> 8), (byte) seed};
        for (int i = 0; i < rounds; i++) {
            digest = sha.digest(digest);
        }
        return HexFormat.of().formatHex(digest);
    }
}
