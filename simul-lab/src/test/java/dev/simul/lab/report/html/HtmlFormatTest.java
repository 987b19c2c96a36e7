package dev.simul.lab.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.lab.experiment.Cell;
import dev.simul.lab.experiment.Measurement;
import dev.simul.lab.report.LabReport;
import dev.simul.lab.report.Verdict;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page's content and its promises (self-contained, accessible, escaped), read from the HTML. */
class HtmlFormatTest {

    static final String PAGE = new HtmlFormat().toString(SampleReport.report());

    @Test
    void thePageReachesNoNetwork() {
        // No URL at all: the fixed report's text has none either, so any would be a reference.
        assertThat(PAGE).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
                .doesNotContain("<script", "<link", "<img", "@import", "@font-face", "<iframe", "<object");
        assertThat(Pattern.compile("url\\((?!#)").matcher(PAGE).find()).as("a url() other than a fragment").isFalse();
        Matcher refs = Pattern.compile("(?:src|href)\\s*=\\s*[\"']?([^\"' >]*)").matcher(PAGE);
        while (refs.find()) {
            assertThat(refs.group(1)).as("every href is an anchor in the page").startsWith("#");
        }
    }

    @Test
    void itScalesOnAPhoneAndPrints() {
        assertThat(PAGE).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                "@media print", "figure svg { display: block; width: 100%; height: auto;");
        assertThat(PAGE).doesNotContainPattern("<svg[^>]* width=");
        assertThat(Pattern.compile("<svg[^>]*\\sviewBox=\"0 0 \\d+ \\d+\"").matcher(PAGE).results().count())
                .isEqualTo(svgs());
    }

    @Test
    void everyChartHasATextAlternative() {
        long svgs = svgs();
        // 2 workloads, the cores, 3 overheads, 2 scaling, 2 capacity
        assertThat(svgs).isEqualTo(10);
        Matcher named = Pattern.compile("<svg aria-label=\"[^\"]+\"[^>]*\\srole=\"img\"[^>]*>\\s*<title\\s*>")
                .matcher(PAGE);
        assertThat(named.results().count()).isEqualTo(svgs);
        assertThat(PAGE).contains("aria-label=\"cpu: wall time per mode: sequential 2.00 s (runs 1.96 s to 2.05 s),"
                + " 1.00x sequential; threads 1.02 s (runs 1.00 s to 1.04 s), 1.96x sequential;");
        assertThat(Pattern.compile("<figure>").matcher(PAGE).results().count()).isEqualTo(svgs);
    }

    @Test
    void theSvgHasNoFontsNoImagesAndUniqueIds() {
        assertThat(PAGE).doesNotContain("<image", "<font", "font-face", "xmlns", "xlink:href");
        assertThat(PAGE).contains("figure svg, figure svg * { font-family: inherit; }");
        List<String> ids = Pattern.compile("\\sid=\"([^\"]+)\"").matcher(PAGE).results().map(r -> r.group(1))
                .toList();
        assertThat(ids).doesNotHaveDuplicates().contains("w0", "w0-defs", "cores-chart");
    }

    @Test
    void itShowsTheMachineTheMatrixAndTheVerdicts() {
        assertThat(PAGE).contains("<dt>CPU model</dt><dd>Test CPU @ 2.0GHz</dd>",
                "<dt>Thread(s) per core</dt><dd>1</dd>");
        assertThat(PAGE).contains("<td class=\"num best\">1.02 s<small>1.96x</small></td>");
        assertThat(PAGE).contains("<span class=\"badge\">CPU-bound</span>", "<span class=\"badge\">I/O-bound</span>",
                "<p class=\"headline\">virtual wins, 16.00x sequential");
        assertThat(PAGE).contains("id=\"cores\"", "all 2 logical CPUs");
    }

    @Test
    void eachExperimentHasItsSectionAndTheRaceItsTable() {
        assertThat(PAGE).contains("<section id=\"experiment-overheads\">", "<section id=\"experiment-race\">",
                "<section id=\"experiment-scaling\">", "<section id=\"experiment-capacity\">");
        assertThat(PAGE).contains("<th scope=\"row\">threads</th><td>no synchronization</td>"
                + "<td class=\"num\">4,000,000</td><td class=\"num\">2,765,433</td>"
                + "<td class=\"num\">1,234,567 (31%)</td>");
        assertThat(PAGE).contains("USL fit", "Amdahl, s=", "Little: N / L", "With AtomicLong, no update was lost.");
    }

    @Test
    void aReportWithoutTheMatrixShowsTheExperimentsAlone() {
        String page = new HtmlFormat().toString(new LabReport("now", 1, 1, SampleReport.MACHINE, List.of(),
                List.of(), Map.of("race", SampleReport.findings().get("race"))));
        assertThat(page).contains("experiment-race").doesNotContain("id=\"matrix\"", "<svg");
    }

    @Test
    void aLongVerdictShowsTwoSentencesAndFoldsTheRest() {
        assertThat(HtmlFormat.why("CPU-bound (100% busy). It took 0.5 s (0.98x sequential). Then more."))
                .isEqualTo("<p class=\"why\">CPU-bound (100% busy). It took 0.5 s (0.98x sequential). Then more.</p>");
        assertThat(HtmlFormat.why("One. Two at 1.5 s. Three. Four & <five>."))
                .isEqualTo("<p class=\"why\">One. Two at 1.5 s.</p><details class=\"why\"><summary>more</summary>"
                        + "<p>Three. Four &amp; &lt;five&gt;.</p></details>");
    }

    @Test
    void everyTextIsEscaped() {
        List<Cell> cells = List.of(new Cell("<b>&\"x'", "threads", 1, 1, 1.0, 1.0, null,
                List.of(new Measurement(1.0, 1.0)), 1, 1.0));
        String page = new HtmlFormat().toString(new LabReport("<now>", 1, 1, SampleReport.MACHINE, cells,
                Verdict.of(cells, SampleReport.MACHINE, name -> null)));
        assertThat(page).doesNotContain("<b>", "<now>").contains("&lt;b&gt;&amp;&quot;x&#39;", "&lt;now&gt;");
    }

    private static long svgs() {
        return Pattern.compile("<svg[ >]").matcher(PAGE).results().count();
    }
}
