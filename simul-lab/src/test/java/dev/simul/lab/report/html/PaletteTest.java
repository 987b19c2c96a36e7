package dev.simul.lab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.runner.Runners;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaletteTest {

    @Test
    void everyModeHasItsOwnColour() {
        List<String> modes = Runners.modes();
        assertThat(modes.stream().map(Palette::css).distinct()).hasSameSizeAs(modes);
    }

    @Test
    void aModelTakesTheColourOfTheModeThatRunsIt() {
        assertThat(Palette.of("platform_thread")).isEqualTo(Palette.of("threads"));
        assertThat(Palette.of("coroutines")).isEqualTo(Palette.of("loop"));
        assertThat(Palette.of("worker process")).isEqualTo(Palette.of("processes"));
        assertThat(Palette.css("threads")).isEqualTo("#4e79a7");
    }

    @Test
    void anUnknownModeGetsAStableSpareColour() {
        assertThat(Palette.of("fibers")).isEqualTo(Palette.of("fibers")).isNotEqualTo(Palette.of("threads"));
    }
}
