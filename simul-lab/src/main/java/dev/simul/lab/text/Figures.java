package dev.simul.lab.text;

import java.util.Locale;

/** Numbers as the lab's report writes them in tables and sentences: grouped counts, binary sizes, short times. */
public final class Figures {

    private Figures() {
    }

    /** A count with thousands separators: {@code 1,000,000}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A size in bytes, KiB, MiB or GiB with three significant figures at most: {@code 612 B}, {@code 1.1 KiB}. */
    public static String bytes(double b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (Math.abs(v) >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String digits = u == 0 || Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits + " %s", v, units[u]);
    }

    /** A duration: {@code 12.3 s}, {@code 1.23 s}, {@code 45 ms}, {@code 0.8 ms}. */
    public static String seconds(double s) {
        if (s >= 10) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s >= 0.1) {
            return String.format(Locale.ROOT, "%.2f s", s);
        }
        return String.format(Locale.ROOT, s >= 0.01 ? "%.0f ms" : "%.1f ms", s * 1000);
    }

    /** Nanoseconds in the unit that keeps two or three digits: {@code 2.3 ns}, {@code 95 us}, {@code 310 ms}. */
    public static String nanos(double ns) {
        String[] units = {"ns", "us", "ms", "s"};
        double v = ns;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /** A rate or other positive quantity with about three significant figures: {@code 1,234}, {@code 56.7}. */
    public static String number(double v) {
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }
}
