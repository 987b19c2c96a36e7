package dev.simul.lab.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParagraphTest {

    @Test
    void wrapsAtSpacesWithinTheWidthAndIndentsFollowingLines() {
        assertThat(Paragraph.wrap("one two three four", 9, "  ")).isEqualTo("one two\n  three\n  four\n");
        assertThat(Paragraph.wrap("short", 100, "  ")).isEqualTo("short\n");
        assertThat(Paragraph.wrap("averyveryverylongword x", 5, "")).isEqualTo("averyveryverylongword\nx\n");
    }

    @Test
    void anIndentedBlockIndentsEveryLineAndKeepsWithinTheWidth() {
        assertThat(Paragraph.indented("one two three four", 9, "  ")).isEqualTo("  one two\n  three\n  four\n");
    }

    @Test
    void figuresReadAsTheReportWritesThem() {
        assertThat(Figures.count(1_000_000)).isEqualTo("1,000,000");
        assertThat(Figures.bytes(612)).isEqualTo("612 B");
        assertThat(Figures.bytes(1126)).isEqualTo("1.10 KiB");
        assertThat(Figures.bytes(62 * 1024 + 100)).isEqualTo("62.1 KiB");
        assertThat(Figures.bytes(2L << 30)).isEqualTo("2.00 GiB");
        assertThat(Figures.seconds(1.234)).isEqualTo("1.23 s");
        assertThat(Figures.seconds(0.045)).isEqualTo("45 ms");
        assertThat(Figures.seconds(0.0008)).isEqualTo("0.8 ms");
        assertThat(Figures.number(1234.4)).isEqualTo("1,234");
        assertThat(Figures.number(56.78)).isEqualTo("56.8");
        assertThat(Figures.nanos(2.345)).isEqualTo("2.3 ns");
        assertThat(Figures.nanos(95_000)).isEqualTo("95 us");
        assertThat(Figures.nanos(310e6)).isEqualTo("310 ms");
        assertThat(Figures.nanos(2.5e9)).isEqualTo("2.5 s");
    }
}
