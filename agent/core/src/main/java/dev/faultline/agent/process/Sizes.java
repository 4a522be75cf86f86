package dev.faultline.agent.process;

import java.util.Locale;

/** Sizes in messages, the way the grammar writes them. */
final class Sizes {
    private Sizes() {}

    static String format(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.1fgb", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1fmb", bytes / (double) (1L << 20));
        if (bytes >= 1L << 10) return String.format(Locale.ROOT, "%.1fkb", bytes / (double) (1L << 10));
        return bytes + "b";
    }
}
