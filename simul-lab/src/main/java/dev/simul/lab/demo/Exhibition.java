package dev.simul.lab.demo;

import dev.simul.runner.Runner;
import dev.simul.task.Wait;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Seed 004's chess exhibition ("simul"): Judit Polgár plays 24 opponents; her move takes 5 s, theirs 55 s, and a
 * game is 30 move pairs. Played one board at a time it lasts 24 x 30 x (5 + 55) s = 12 h; moving from board to
 * board while the opponents think, 24 x 30 x 5 s = 1 h.
 *
 * <p>Each board is one task. Judit's move keeps the thread busy (it spins until her move is made): she is one
 * person, and cannot do anything else while she thinks. The opponent's move waits through {@link Wait#sleep}: on the event loop only that board's coroutine
 * waits, and Judit moves on to the next board meanwhile.
 *
 * @param boards       opponents
 * @param movePairs    move pairs per game
 * @param masterMove   Judit's time per move, at scale 1
 * @param opponentMove an opponent's time per move, at scale 1
 */
public record Exhibition(int boards, int movePairs, Duration masterMove, Duration opponentMove) {

    /** The seed's numbers. */
    public static final Exhibition SEED = new Exhibition(24, 30, Duration.ofSeconds(5), Duration.ofSeconds(55));

    /** The length, at scale 1, when Judit plays one game after the other. */
    public Duration synchronousLength() {
        return masterMove.plus(opponentMove).multipliedBy((long) boards * movePairs);
    }

    /** The length, at scale 1, when she moves from board to board (her moves are the only thing that cannot overlap). */
    public Duration concurrentLength() {
        return masterMove.multipliedBy((long) boards * movePairs);
    }

    /** Plays every board on {@code runner} with every duration times {@code scale}; returns the wall time. */
    public Duration play(Runner runner, double scale) throws Exception {
        Duration master = scaled(masterMove, scale);
        Duration opponent = scaled(opponentMove, scale);
        int pairs = movePairs;
        long start = System.nanoTime();
        List<Integer> moves = runner.map(board -> {
            int played = 0;
            for (int pair = 0; pair < pairs; pair++) {
                think(master); // Judit thinks: she can do nothing else meanwhile
                Wait.sleep(opponent); // the opponent thinks: only this board waits
                played++;
            }
            return played;
        }, IntStream.range(0, boards).boxed().toList());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (moves.stream().anyMatch(m -> m != pairs)) {
            throw new IllegalStateException("exhibition: a game ended early: " + moves);
        }
        return took;
    }

    /** Busy for {@code d}: spinning, not sleeping, so the time is exact and the thread is really occupied. */
    private static void think(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    private static Duration scaled(Duration d, double scale) {
        return Duration.ofNanos(Math.round(d.toNanos() * scale));
    }
}
