package dev.simul.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InvalidClassException;
import foreign.Parcel;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the allow-list lets through {@link Serial#deserialize}, and what it keeps out. */
class AllowListTest {

    /** A list that holds a list that holds ..., {@code depth} deep. */
    static Object nested(int depth) {
        List<Object> outer = new ArrayList<>();
        List<Object> at = outer;
        for (int i = 1; i < depth; i++) {
            List<Object> inner = new ArrayList<>();
            at.add(inner);
            at = inner;
        }
        return outer;
    }

    private static Object roundTrip(Object value, AllowList.Filter filter) throws Exception {
        return Serial.deserialize(Serial.serialize(value, null), filter, AllowListTest.class.getClassLoader());
    }

    private static AllowList.Filter jdkOnly() {
        return AllowList.filter(AllowList.filterText(List.of()));
    }

    @Test
    void theJdksValueTypesPassAndOthersAreRefusedBeforeTheyAreRead() throws Exception {
        AllowList.Filter filter = jdkOnly();
        assertThat(roundTrip(Map.of("a", List.of(1, 2L, 3.0, URI.create("http://x"))), filter))
                .isEqualTo(Map.of("a", List.of(1, 2L, 3.0, URI.create("http://x"))));
        assertThatThrownBy(() -> roundTrip(new Parcel(1), filter)).isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("deserialization refused").hasMessageContaining(Parcel.class.getName());
    }

    @Test
    void aLearnedClassPassesAndAnExclusionHoldsEvenWhenLearned() throws Exception {
        AllowList.Filter filter = jdkOnly();
        filter.learnClasses(List.of(Parcel.class.getName(), URL.class.getName()));
        assertThat(((Parcel) roundTrip(new Parcel(7), filter)).value()).isEqualTo(7);
        assertThatThrownBy(() -> roundTrip(new URL("http://example.com"), filter))
                .isInstanceOf(InvalidClassException.class);
    }

    @Test
    void anAllowancePassesAgainButTheLimitsStillHold() throws Exception {
        AllowList.Filter filter = jdkOnly();
        assertThat(roundTrip(nested(10), filter)).isEqualTo(nested(10)); // ArrayList allowed, and remembered
        assertThat(roundTrip(nested(10), filter)).isEqualTo(nested(10));
        assertThatThrownBy(() -> roundTrip(nested(500), filter)).isInstanceOf(InvalidClassException.class);
    }

    @Test
    void aRefusalIsNotRemembered() throws Exception {
        AllowList.Filter filter = jdkOnly();
        assertThatThrownBy(() -> roundTrip(new Parcel(1), filter)).isInstanceOf(InvalidClassException.class);
        filter.learnClasses(List.of(Parcel.class.getName()));
        assertThat(((Parcel) roundTrip(new Parcel(2), filter)).value()).isEqualTo(2);
    }

    @Test
    void aMalformedPatternIsRefusedUpFront() {
        assertThatThrownBy(() -> AllowList.filterText(List.of("com.acme.*;maxdepth=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a class pattern");
        assertThat(AllowList.filterText(List.of("com.acme.**", "!com.acme.Evil"))).contains("com.acme.**");
    }
}
