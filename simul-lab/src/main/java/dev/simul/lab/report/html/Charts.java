package dev.simul.lab.report.html;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGGraphics2DIOException;
import org.apache.batik.svggen.SVGIDGenerator;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The page's charts: JFreeChart lays them out (axes, ticks, legends), Batik's SVG generator draws them as SVG (a
 * {@code Graphics2D} that writes SVG elements), and this class
 * gives them one look (the page's font, light grid lines, flat bars) and makes the SVG fit for inlining: scalable
 * ({@code viewBox}, no fixed size), accessible ({@code role="img"}, a {@code <title>}) and self-contained.
 *
 * <p>Charts are drawn headless ({@link HtmlFormat} says so before any of them): the lab runs on servers and in CI,
 * where there is no display.
 */
final class Charts {

    private Charts() {
    }

    /** Text as the page sets it; the SVG's text inherits the page's font (see {@link #svg}). */
    static final Font REGULAR = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Color INK = new Color(0x333333);
    static final Color MUTED = new Color(0x666666);
    static final Color GRID = new Color(0xe3e3e3);

    /** The look of every chart: white, flat, no outlines, grey axes, the page's ink. */
    private static final StandardChartTheme THEME = theme();

    private static StandardChartTheme theme() {
        StandardChartTheme t = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        t.setExtraLargeFont(REGULAR.deriveFont(Font.BOLD, 14f));
        t.setLargeFont(REGULAR);
        t.setRegularFont(REGULAR);
        t.setSmallFont(SMALL);
        t.setTitlePaint(INK);
        t.setSubtitlePaint(MUTED);
        t.setChartBackgroundPaint(Color.WHITE);
        t.setLegendBackgroundPaint(Color.WHITE);
        t.setLegendItemPaint(INK);
        t.setPlotBackgroundPaint(Color.WHITE);
        t.setPlotOutlinePaint(Color.WHITE);
        t.setDomainGridlinePaint(GRID);
        t.setRangeGridlinePaint(GRID);
        t.setAxisLabelPaint(MUTED);
        t.setTickLabelPaint(INK);
        t.setItemLabelPaint(INK);
        t.setAxisOffset(RectangleInsets.ZERO_INSETS);
        t.setBarPainter(new StandardBarPainter());
        t.setShadowVisible(false);
        return t;
    }

    /** A chart of {@code plot} in the page's look, with a legend at the bottom when asked for. */
    static JFreeChart chart(Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(null, REGULAR, plot, legend);
        THEME.apply(chart);
        plot.setOutlineVisible(false);
        chart.setPadding(new RectangleInsets(4, 4, 4, 12));
        LegendTitle title = chart.getLegend();
        if (title != null) {
            title.setFrame(BlockBorder.NONE);
            title.setPosition(RectangleEdge.BOTTOM);
            title.setItemFont(SMALL);
        }
        return chart;
    }

    /**
     * Horizontal bars, one per category, each in its own colour (a mode's), with a label after each bar.
     *
     * @param whiskers for each category, the low and high end of a line drawn across the bar's end (the spread of
     *                 the runs), or null for none
     * @param labels   the text after each bar (after its whisker), or null for none
     * @param log      a logarithmic value axis (values far apart, as nanoseconds to milliseconds)
     */
    static JFreeChart bars(List<String> categories, double[] values, List<Color> colours, String axisLabel,
                           double[][] whiskers, IntFunction<String> labels, boolean log) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < categories.size(); i++) {
            data.addValue(values[i], "value", categories.get(i));
        }
        ValueAxis axis;
        SpreadRenderer renderer = new SpreadRenderer(colours, whiskers, labels);
        if (log) {
            LogAxis logAxis = logAxis(axisLabel);
            double min = Arrays.stream(values).filter(v -> v > 0).min().orElse(1);
            double max = Arrays.stream(values).max().orElse(10);
            double floor = Math.pow(10, Math.floor(Math.log10(min)));
            // Bars start at the power of ten below the smallest (a log axis has no zero); a decade more at the top
            // leaves room for the labels.
            logAxis.setRange(floor, Math.pow(10, Math.ceil(Math.log10(max)) + 1));
            renderer.setBase(floor);
            axis = logAxis;
        } else {
            NumberAxis numberAxis = new NumberAxis(axisLabel);
            double end = Arrays.stream(values).max().orElse(1);
            for (double[] w : whiskers == null ? new double[0][] : whiskers) {
                end = w == null ? end : Math.max(end, w[1]);
            }
            // Room after the furthest bar or whisker for its label ("12.3 s · 1.95x", about a third of the plot).
            numberAxis.setRange(0, end * (labels == null ? 1.05 : 1.4));
            axis = numberAxis;
        }
        CategoryAxis categoryAxis = new CategoryAxis();
        categoryAxis.setCategoryMargin(0.3);
        categoryAxis.setLowerMargin(0.04);
        categoryAxis.setUpperMargin(0.04);
        CategoryPlot plot = new CategoryPlot(data, categoryAxis, axis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        plot.setDomainGridlinesVisible(false);
        JFreeChart chart = chart(plot, false);
        categoryAxis.setTickLabelFont(REGULAR);
        categoryAxis.setAxisLineVisible(false);
        categoryAxis.setTickMarksVisible(false);
        axis.setAxisLineVisible(false);
        axis.setTickLabelFont(SMALL);
        axis.setLabelFont(SMALL);
        return chart;
    }

    /** A bar chart of {@code data}: a group of bars per column key, a colour per row key (a mode), a legend. */
    static JFreeChart groupedBars(DefaultCategoryDataset data, String axisLabel, List<ValueMarker> markers) {
        BarRenderer renderer = new BarRenderer();
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.05);
        renderer.setDrawBarOutline(false);
        NumberAxis axis = new NumberAxis(axisLabel);
        // Every marker in sight, with its label above it.
        double top = markers.stream().mapToDouble(ValueMarker::getValue).max().orElse(0);
        for (int row = 0; row < data.getRowCount(); row++) {
            for (int column = 0; column < data.getColumnCount(); column++) {
                Number v = data.getValue(row, column);
                top = v == null ? top : Math.max(top, v.doubleValue());
            }
        }
        axis.setRange(0, top * 1.12);
        CategoryAxis categoryAxis = new CategoryAxis();
        categoryAxis.setCategoryMargin(0.25);
        CategoryPlot plot = new CategoryPlot(data, categoryAxis, axis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        for (ValueMarker marker : markers) {
            plot.addRangeMarker(marker, Layer.FOREGROUND);
        }
        JFreeChart chart = chart(plot, true);
        // After the theme, which sets its own series colours.
        for (int row = 0; row < data.getRowCount(); row++) {
            renderer.setSeriesPaint(row, Palette.of(data.getRowKey(row).toString()));
        }
        categoryAxis.setTickLabelFont(REGULAR);
        axis.setAxisLineVisible(false);
        axis.setLabelFont(SMALL);
        return chart;
    }

    /** A dashed line across a chart at {@code value}, labelled at its end. */
    static ValueMarker marker(double value, String label) {
        ValueMarker marker = new ValueMarker(value, MUTED, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {4f, 3f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(SMALL);
        marker.setLabelPaint(MUTED);
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        return marker;
    }

    /**
     * Lines through points, one colour per series: measured series with markers (and, for an interval dataset,
     * whiskers), fitted ones as dashed lines without markers.
     *
     * @param measured    series drawn with markers, a colour each; whiskers when it is a
     *                    {@link YIntervalSeriesCollection}
     * @param fitted      series drawn as dashed lines, or null
     * @param fitColours  a colour per fitted series
     */
    static JFreeChart lines(XYDataset measured, List<Color> colours, XYDataset fitted, List<Color> fitColours,
                            ValueAxis x, ValueAxis y) {
        XYLineAndShapeRenderer points = measured instanceof YIntervalSeriesCollection
                ? new XYErrorRenderer() : new XYLineAndShapeRenderer(true, true);
        if (points instanceof XYErrorRenderer errors) {
            errors.setDrawXError(false);
            errors.setCapLength(6);
            errors.setDefaultLinesVisible(true);
            errors.setErrorPaint(MUTED);
        }
        XYPlot plot = new XYPlot(measured, x, y, points);
        XYLineAndShapeRenderer fits = new XYLineAndShapeRenderer(true, false);
        if (fitted != null) {
            plot.setDataset(1, fitted);
            plot.setRenderer(1, fits);
        }
        JFreeChart chart = chart(plot, true);
        // After the theme, which sets its own series colours.
        for (int i = 0; i < colours.size(); i++) {
            points.setSeriesPaint(i, colours.get(i));
            points.setSeriesStroke(i, new BasicStroke(2f));
            points.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
        }
        for (int i = 0; i < fitColours.size(); i++) {
            fits.setSeriesPaint(i, fitColours.get(i));
            fits.setSeriesStroke(i, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {6f, 4f}, i * 3f));
        }
        for (ValueAxis axis : List.of(x, y)) {
            axis.setLabelFont(SMALL);
            axis.setTickLabelFont(SMALL);
            axis.setAxisLineVisible(false);
        }
        return chart;
    }

    /** A logarithmic axis with ticks at powers of ten, in plain SI numbers (1k, 10M). */
    static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickMarksVisible(false);
        axis.setNumberFormatOverride(new SiFormat());
        return axis;
    }

    /**
     * Sets a logarithmic axis to whole decades around {@code min} to {@code max}, a little wider so that no
     * marker is cut at the edge: its ticks (one per power of ten) then always show at least two numbers.
     */
    static LogAxis decades(LogAxis axis, double min, double max) {
        double low = Math.pow(10, Math.floor(Math.log10(min)));
        double high = Math.pow(10, Math.ceil(Math.log10(max)));
        axis.setRange(Math.min(low, min / 1.4), Math.max(high, max * 1.4));
        return axis;
    }

    /** Attributes that only namespace the SVG: the HTML parser does that for inline SVG. */
    private static final Pattern NAMESPACES = Pattern.compile(" xmlns(:\\w+)?=(['\"])[^'\"]*\\2");

    /**
     * The chart as an inline {@code <svg>} element: sized by its {@code viewBox} (the page's CSS makes it as wide
     * as its column), with {@code role="img"} and {@code label} as its accessible name and {@code <title>}.
     * Text stays text (searchable; the page's CSS sets its font); no font file, image or other reference goes in.
     *
     * @param id a prefix unique in the page: clip paths are referred to by id
     */
    static String svg(JFreeChart chart, int width, int height, String id, String label) {
        Document dom;
        try {
            dom = DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
                    .createDocument(SVG_NAMESPACE, "svg", null);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot make a document", e);
        }
        SVGGeneratorContext context = SVGGeneratorContext.createDefault(dom);
        context.setComment(null);
        context.setEmbeddedFontsOn(false);
        context.setPrecision(3); // tenths of a pixel at most: a smaller page, the same picture
        context.setIDGenerator(new SVGIDGenerator() {
            @Override
            public String generateID(String prefix) {
                return id + "-" + super.generateID(prefix);
            }
        });
        SVGGraphics2D g = new SVGGraphics2D(context, false);
        g.setSVGCanvasSize(new Dimension(width, height));
        chart.draw(g, new Rectangle(0, 0, width, height));
        Element root = g.getRoot();
        // The generator names its one <defs> "genericDefs" in every chart: ids must be unique in the page.
        var defs = root.getElementsByTagName("defs");
        for (int i = 0; i < defs.getLength(); i++) {
            ((Element) defs.item(i)).setAttribute("id", id + "-defs" + (i == 0 ? "" : "-" + i));
        }
        root.removeAttribute("width");
        root.removeAttribute("height");
        root.setAttribute("viewBox", "0 0 " + width + " " + height);
        root.setAttribute("id", id);
        root.setAttribute("role", "img");
        root.setAttribute("aria-label", label);
        Element title = dom.createElementNS(SVG_NAMESPACE, "title");
        title.setTextContent(label);
        root.insertBefore(title, root.getFirstChild());
        StringWriter out = new StringWriter();
        try {
            g.stream(root, out, false, false);
        } catch (SVGGraphics2DIOException e) {
            throw new IllegalStateException("cannot write the chart's SVG", e); // a StringWriter throws none
        }
        String svg = out.toString();
        svg = svg.substring(svg.indexOf("<svg")); // no XML declaration inside HTML
        return NAMESPACES.matcher(svg).replaceAll("");
    }

    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";

    /**
     * Bars in a colour per category, each with a whisker across its end and a label after it: the median and the
     * spread of the runs, with the speedup, read in one place.
     */
    static final class SpreadRenderer extends BarRenderer {

        private final List<Color> colours;
        private final double[][] whiskers;
        private final transient IntFunction<String> labels;

        SpreadRenderer(List<Color> colours, double[][] whiskers, IntFunction<String> labels) {
            this.colours = colours;
            this.whiskers = whiskers;
            this.labels = labels;
            setDrawBarOutline(false);
            setMaximumBarWidth(0.5);
            setShadowVisible(false);
            setBarPainter(new StandardBarPainter());
        }

        @Override
        public Paint getItemPaint(int row, int column) {
            return colours.get(column);
        }

        @Override
        public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
                             CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset, int row,
                             int column, int pass) {
            super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
            if (pass != getPassCount() - 1) {
                return;
            }
            RectangleEdge valueEdge = plot.getRangeAxisEdge();
            double middle = domainAxis.getCategoryMiddle(column, dataset.getColumnCount(), dataArea,
                    plot.getDomainAxisEdge());
            double end = rangeAxis.valueToJava2D(dataset.getValue(row, column).doubleValue(), dataArea, valueEdge);
            if (whiskers != null && whiskers[column] != null) {
                double lo = rangeAxis.valueToJava2D(whiskers[column][0], dataArea, valueEdge);
                double hi = rangeAxis.valueToJava2D(whiskers[column][1], dataArea, valueEdge);
                double cap = Math.min(6, state.getBarWidth() / 3);
                g2.setPaint(INK);
                g2.setStroke(new BasicStroke(1.5f));
                g2.draw(new Line2D.Double(lo, middle, hi, middle));
                g2.draw(new Line2D.Double(lo, middle - cap, lo, middle + cap));
                g2.draw(new Line2D.Double(hi, middle - cap, hi, middle + cap));
                end = Math.max(end, hi);
            }
            if (labels != null) {
                String text = labels.apply(column);
                g2.setFont(SMALL);
                g2.setPaint(INK);
                FontMetrics metrics = g2.getFontMetrics();
                g2.drawString(text, (float) (end + 6), (float) (middle + metrics.getAscent() / 2.0 - 1));
            }
        }
    }

    /** Numbers as 1, 10, 100, 1k, 10k, 1M, 1G: the ticks of a logarithmic axis. */
    static final class SiFormat extends NumberFormat {

        @Override
        public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
            return to.append(si(number));
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
            return to.append(si(number));
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException("for ticks only");
        }

        static String si(double v) {
            String[] prefixes = {"", "k", "M", "G", "T"};
            int i = 0;
            double x = Math.abs(v);
            while (x >= 1000 && i < prefixes.length - 1) {
                x /= 1000;
                i++;
            }
            if (i == 0 && x < 1 && x > 0) {
                return BigDecimal.valueOf(v).round(new MathContext(2)).stripTrailingZeros()
                        .toPlainString();
            }
            String n = x == Math.rint(x) ? Long.toString((long) x) : String.format(Locale.ROOT, "%.1f", x);
            return (v < 0 ? "-" : "") + n + prefixes[i];
        }
    }
}
