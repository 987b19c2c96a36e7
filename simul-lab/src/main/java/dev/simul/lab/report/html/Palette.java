package dev.simul.lab.report.html;

import java.awt.Color;
import java.util.Map;

/**
 * One colour per mode, the same in every chart of the page, so that "orange" means the loop everywhere. The
 * experiments' models take the colour of the mode that runs them (a platform thread is the threads mode's blue, a
 * coroutine the loop's orange). Colours are Tableau 10's: distinct in print and for the common colour blindnesses.
 */
final class Palette {

    private Palette() {
    }

    /** The baseline is grey: it is what the others are measured against, not a contender. */
    private static final Map<String, Color> BY_NAME = Map.ofEntries(
            Map.entry("sequential", new Color(0x8c8c8c)),
            Map.entry("threads", new Color(0x4e79a7)),
            Map.entry("virtual", new Color(0x59a14f)),
            Map.entry("loop", new Color(0xf28e2b)),
            Map.entry("processes", new Color(0xe15759)),
            Map.entry("auto", new Color(0xb07aa1)),
            Map.entry("cluster", new Color(0x9c755f)),
            // the experiments' models, by the mode they stand for
            Map.entry("method call", new Color(0x8c8c8c)),
            Map.entry("platform thread", new Color(0x4e79a7)),
            Map.entry("platform threads", new Color(0x4e79a7)),
            Map.entry("virtual thread", new Color(0x59a14f)),
            Map.entry("virtual threads", new Color(0x59a14f)),
            Map.entry("coroutine", new Color(0xf28e2b)),
            Map.entry("coroutines", new Color(0xf28e2b)),
            Map.entry("worker process", new Color(0xe15759)),
            Map.entry("worker processes", new Color(0xe15759)));

    /** For a mode a plug-in adds: the rest of Tableau 10, picked by the name so that it is stable across runs. */
    private static final Color[] SPARE = {new Color(0x76b7b2), new Color(0xedc948), new Color(0xff9da7),
            new Color(0xbab0ac)};

    /** The colour of a mode or model ({@code "platform_thread"} and {@code "platform thread"} alike). */
    static Color of(String name) {
        Color known = BY_NAME.get(name.replace('_', ' '));
        return known != null ? known : SPARE[Math.floorMod(name.hashCode(), SPARE.length)];
    }

    /** The colour as CSS, {@code #4e79a7}. */
    static String css(String name) {
        return "#%06x".formatted(of(name).getRGB() & 0xffffff);
    }
}
