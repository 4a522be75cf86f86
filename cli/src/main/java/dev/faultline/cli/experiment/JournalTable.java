package dev.faultline.cli.experiment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal table of a journal, drawn from the journal alone: one row per hypothesis probe run — when (seconds
 * from the start), the phase, the probe, the value its tolerance looked at (from the probe's output as journalled),
 * the tolerance, met or not, and the method's actions in effect while it ran (a Faultline action from arming its
 * faults to their removal or their ttl, whichever came first; any other action while it ran) — then the outcome,
 * rollbacks and clean-up.
 */
public final class JournalTable {
    private JournalTable() {}

    public static String render(Map<?, ?> journal) {
        Instant start = Instant.parse((String) journal.get("start"));
        Instant end = Instant.parse((String) journal.get("end"));
        List<Report.Window> windows = Report.windows(journal, end);
        List<String[]> rows = new ArrayList<>();
        rows.add(
                new String[] {"at s", "phase", "probe", "value", "tolerance", "met", "actions in effect while it ran"});
        for (Report.ProbeRun pr : Report.probeRuns(journal)) {
            Map<?, ?> r = pr.run(), activity = pr.activity();
            Instant at = Instant.parse((String) r.get("start"));
            Instant until = r.get("end") instanceof String e ? Instant.parse(e) : at;
            Object v = Report.value(r.get("output"), activity.get("tolerance"), activity.get("provider"));
            String value = v == null
                    ? "(" + firstLine(r.get("exception")) + ")"
                    : String.valueOf(v).strip();
            rows.add(new String[] {
                seconds(start, at),
                pr.phase(),
                String.valueOf(activity.get("name")),
                value,
                tolerance(activity.get("tolerance")),
                Boolean.TRUE.equals(r.get("tolerance_met")) ? "met" : "DEVIATED",
                armedDuring(windows, at, until)
            });
        }
        StringBuilder b = new StringBuilder();
        Map<?, ?> experiment = journal.get("experiment") instanceof Map<?, ?> e ? e : Map.of();
        b.append("experiment: ").append(experiment.get("title")).append('\n');
        table(b, rows);
        b.append("status: ")
                .append(journal.get("status"))
                .append(", deviated: ")
                .append(journal.get("deviated"))
                .append(", duration ")
                .append(journal.get("duration"))
                .append(" s");
        if (journal.get("aborted_by") != null) b.append(", aborted by ").append(journal.get("aborted_by"));
        b.append('\n');
        List<String> rb = new ArrayList<>();
        if (journal.get("rollbacks") instanceof List<?> l)
            for (Object o : l)
                rb.add(((Map<?, ?>) ((Map<?, ?>) o).get("activity")).get("name") + " " + ((Map<?, ?>) o).get("status"));
        b.append("rollbacks: ").append(rb.isEmpty() ? "none" : String.join(", ", rb));
        if (journal.get("cleanup") instanceof List<?> cl) {
            long removed = cl.stream()
                    .filter(o -> Boolean.TRUE.equals(((Map<?, ?>) o).get("removed")))
                    .count();
            b.append("; clean-up: ")
                    .append(cl.size())
                    .append(" armed by the run, ")
                    .append(removed)
                    .append(" still there and removed");
        }
        return b.append('\n').toString();
    }

    /** The actions whose faults were armed at some moment while the probe ran (a probe of 3 s of load sees a fault armed in its middle). */
    private static String armedDuring(List<Report.Window> windows, Instant from, Instant to) {
        List<String> names = new ArrayList<>();
        for (Report.Window w : windows) if (!to.isBefore(w.from()) && from.isBefore(w.to())) names.add(w.name());
        return names.isEmpty() ? "-" : String.join(", ", names);
    }

    private static String tolerance(Object t) {
        if (t instanceof Map<?, ?> m) {
            return switch (String.valueOf(m.get("type"))) {
                case "range" -> "range " + m.get("range");
                case "regex" -> "regex " + m.get("pattern");
                case "jsonpath" ->
                    "jsonpath " + m.get("path") + (m.containsKey("expect") ? " = " + m.get("expect") : "");
                case "probe" -> "probe " + m.get("name");
                default -> String.valueOf(m.get("type"));
            };
        }
        return String.valueOf(t);
    }

    private static String firstLine(Object exception) {
        String s =
                exception instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : String.valueOf(exception);
        return s.lines().findFirst().orElse("").strip();
    }

    private static String seconds(Instant start, Instant t) {
        return String.format(Locale.ROOT, "%.1f", Duration.between(start, t).toMillis() / 1000.0);
    }

    private static void table(StringBuilder b, List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        for (int j = 0; j < rows.size(); j++) {
            String[] r = rows.get(j);
            b.append('|');
            for (int i = 0; i < r.length; i++)
                b.append(' ')
                        .append(r[i])
                        .append(" ".repeat(w[i] - r[i].length()))
                        .append(" |");
            b.append('\n');
            if (j == 0) {
                b.append('|');
                for (int x : w) b.append("-".repeat(x + 2)).append('|');
                b.append('\n');
            }
        }
    }
}
