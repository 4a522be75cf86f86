package dev.faultline.samples.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with aligned columns (valid Markdown too), the form every experiment reports in. */
public final class ExperimentTable {

    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    public ExperimentTable(String title, String... columns) {
        this.title = title;
        this.columns = List.of(columns);
    }

    public ExperimentTable row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " cells, got " + cells.length);
        }
        rows.add(Arrays.stream(cells).map(String::valueOf).toList());
        return this;
    }

    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    public String render() {
        int[] width = new int[columns.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = columns.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (title != null && !title.isEmpty()) {
            out.append(title).append('\n');
        }
        line(out, columns, width);
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
            rule.append("-".repeat(w + 2)).append('|');
        }
        out.append(rule).append('\n');
        for (List<String> row : rows) {
            line(out, row, width);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        out.append('|');
        for (int c = 0; c < width.length; c++) {
            out.append(' ')
                    .append(cells.get(c))
                    .append(" ".repeat(width[c] - cells.get(c).length()))
                    .append(" |");
        }
        out.append('\n');
    }

    /** Milliseconds with one decimal, the unit of every latency column. */
    public static String ms(double millis) {
        return String.format("%.1f", millis);
    }

    public static String percent(double rate) {
        return String.format("%.2f%%", rate * 100);
    }

    @Override
    public String toString() {
        return render();
    }
}
