package example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.simul.runner.Handle;
import dev.simul.runner.Runner;
import dev.simul.runner.Runners;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A user's own code, in a package of its own (not simul's), run as the README shows it, in every mode with no
 * option: tasks, inputs, results and exceptions of the user's own types cross to worker processes and back.
 */
class UserCodeTest {

    /** An input of the user's. */
    record Order(String item, int quantity) implements Serializable {
    }

    /** A result of the user's. */
    record Receipt(String item, long total) implements Serializable {
    }

    /** An exception of the user's. */
    static final class OutOfStock extends Exception {
        OutOfStock(String item) {
            super("out of " + item);
        }
    }

    static Receipt price(Order order) throws OutOfStock {
        if (order.quantity() > 100) {
            throw new OutOfStock(order.item());
        }
        return new Receipt(order.item(), 3L * order.quantity());
    }

    static List<String> modes() {
        return Runners.modes();
    }

    @ParameterizedTest
    @MethodSource("modes")
    void theReadmeExampleRunsUnchangedInEveryMode(String mode) throws Exception {
        List<Order> orders = List.of(new Order("tea", 2), new Order("jam", 5), new Order("bread", 1));
        try (Runner runner = Runners.of(mode, 2)) {
            assertThat(runner.map(UserCodeTest::price, orders)).containsExactly(
                    new Receipt("tea", 6), new Receipt("jam", 15), new Receipt("bread", 3));

            Order big = new Order("salt", 1000);
            Handle<Receipt> refused = runner.submit(() -> price(big));
            assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(OutOfStock.class).hasMessage("out of salt");

            List<Long> totals = new ArrayList<>();
            for (Handle<Receipt> next : Handle.asCompleted(runner.submitAll(UserCodeTest::price, orders))) {
                totals.add(next.get().total());
            }
            assertThat(totals).containsExactlyInAnyOrder(6L, 15L, 3L);
        }
    }
}
