package dev.faultline.cli.experiment;

import dev.faultline.cli.command.Leases;
import dev.faultline.common.json.JsonWriter;
import dev.faultline.common.sidecar.SidecarLease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * {@code --report report.html}: one self-contained page drawn from the journal alone — for every hypothesis probe a
 * timeline of its values (the number the tolerance looked at) with the tolerance band, the faults' windows shaded
 * (from the action that armed them to their removal), deviating values marked, the first deviation and the abort as
 * vertical lines. The SVG is drawn here, not by script; a Content-Security-Policy forbids every fetch.
 */
final class Report {
    private static final int W = 960;
    private static final int H = 180;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 28;

    private Report() {}

    record Point(Instant at, Double value, boolean met, String phase, String text) {}

    record Window(String name, Instant from, Instant to) {}

    /** One hypothesis probe's run in a journal: its phase (before, during, after), the run and its activity. */
    record ProbeRun(String phase, Map<?, ?> run, Map<?, ?> activity) {}

    /** Every hypothesis probe run in a journal, phase by phase, in the order they ran. */
    static List<ProbeRun> probeRuns(Map<?, ?> journal) {
        List<ProbeRun> out = new ArrayList<>();
        Map<?, ?> steady = journal.get("steady_states") instanceof Map<?, ?> m ? m : Map.of();
        for (String phase : List.of("before", "during", "after")) {
            List<?> hs = steady.get(phase) instanceof List<?> l
                    ? l
                    : steady.get(phase) instanceof Map<?, ?> one ? List.of(one) : List.of();
            for (Object h : hs) {
                if (!(h instanceof Map<?, ?> hm) || !(hm.get("probes") instanceof List<?> probes)) continue;
                for (Object p : probes) {
                    Map<?, ?> r = (Map<?, ?>) p;
                    out.add(new ProbeRun(phase, r, (Map<?, ?>) r.get("activity")));
                }
            }
        }
        return out;
    }

    static String html(Map<?, ?> journal) {
        Instant start = Instant.parse((String) journal.get("start"));
        Instant end = Instant.parse((String) journal.get("end"));
        if (!end.isAfter(start)) end = start.plusMillis(1);
        Map<String, List<Point>> series = new LinkedHashMap<>();
        Map<String, Object> tolerances = new LinkedHashMap<>();
        for (ProbeRun pr : probeRuns(journal)) {
            Map<?, ?> r = pr.run(), activity = pr.activity();
            String name = String.valueOf(activity.get("name"));
            tolerances.putIfAbsent(name, activity.get("tolerance"));
            Object v = value(r.get("output"), activity.get("tolerance"), activity.get("provider"));
            Double d = number(v);
            series.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new Point(
                            Instant.parse((String) r.get("start")),
                            d,
                            Boolean.TRUE.equals(r.get("tolerance_met")),
                            pr.phase(),
                            v == null ? String.valueOf(r.get("exception")) : String.valueOf(v)));
        }
        List<Window> windows = windows(journal, end);
        Instant firstDeviation = journal.get("first_deviation") instanceof String s ? Instant.parse(s) : null;
        Instant abort = null;
        if (journal.get("aborted_by") != null) {
            abort = journal.get("rollbacks") instanceof List<?> rb && !rb.isEmpty()
                    ? Instant.parse((String) ((Map<?, ?>) rb.get(0)).get("start"))
                    : end;
        }
        Map<?, ?> experiment = journal.get("experiment") instanceof Map<?, ?> e ? e : Map.of();
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append(
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>")
                .append(esc("Faultline: " + experiment.get("title")))
                .append("</title>\n<style>\n")
                .append(
                        "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}h1{font-size:20px;margin:0 0 4px}")
                .append(
                        ".meta{color:#555;margin-bottom:16px}.status-completed{color:#1a7f37}.status-failed,.status-aborted,.status-interrupted{color:#c62828}")
                .append(
                        "svg{display:block;margin:4px 0 18px;background:#fafafa;border:1px solid #ddd}.fault-window{fill:#f9a825;fill-opacity:.22}")
                .append(
                        ".band{fill:#43a047;fill-opacity:.15;stroke:#43a047;stroke-dasharray:4 3}.line{fill:none;stroke:#1565c0;stroke-width:1.5}")
                .append(
                        ".met{fill:#1565c0}.deviation{fill:#c62828;stroke:#fff}.abort{stroke:#c62828;stroke-width:2}.first-deviation{stroke:#c62828;stroke-dasharray:5 3}")
                .append(
                        ".axis{stroke:#999}.lbl{font-size:11px;fill:#555}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}")
                .append(
                        "#tip{position:fixed;background:#222;color:#fff;padding:2px 6px;font-size:12px;border-radius:3px;display:none;pointer-events:none}\n")
                .append("</style></head><body>\n");
        b.append("<h1>")
                .append(esc(String.valueOf(experiment.get("title"))))
                .append("</h1>\n<div class=\"meta\">status <b id=\"status\" class=\"status-")
                .append(esc(String.valueOf(journal.get("status"))))
                .append("\">")
                .append(esc(String.valueOf(journal.get("status"))))
                .append("</b>, deviated <b id=\"deviated\">")
                .append(journal.get("deviated"))
                .append("</b>, ")
                .append(journal.get("start"))
                .append(" → ")
                .append(journal.get("end"))
                .append(" (")
                .append(journal.get("duration"))
                .append(" s)");
        if (journal.get("aborted_by") != null)
            b.append("; aborted by ").append(esc(String.valueOf(journal.get("aborted_by"))));
        b.append(
                "</div>\n<p class=\"lbl\">Shaded: fault windows (armed → removed). Band: tolerance. Red dots: values outside it. "
                        + "Dashed red line: first deviation; solid red line: abort (rollbacks begin).</p>\n");
        if (series.isEmpty()) b.append("<p>No hypothesis probe ran.</p>\n");
        for (Map.Entry<String, List<Point>> e : series.entrySet()) {
            chart(b, e.getKey(), e.getValue(), tolerances.get(e.getKey()), windows, start, end, firstDeviation, abort);
        }
        b.append("<h2>Faults</h2>\n<table id=\"faults\"><tr><th>activity</th><th>from (s)</th><th>to (s)</th></tr>\n");
        for (Window w : windows) {
            b.append("<tr class=\"fault\"><td>")
                    .append(esc(w.name()))
                    .append("</td><td>")
                    .append(secs(start, w.from()))
                    .append("</td><td>")
                    .append(secs(start, w.to()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<div id=\"tip\"></div>\n<script>\n")
                .append(
                        "(function(){var t=document.getElementById('tip');document.querySelectorAll('circle[data-v]').forEach(function(c){")
                .append(
                        "c.addEventListener('mouseenter',function(e){t.textContent=c.getAttribute('data-v');t.style.display='block';")
                .append("t.style.left=(e.clientX+10)+'px';t.style.top=(e.clientY+10)+'px';});")
                .append("c.addEventListener('mouseleave',function(){t.style.display='none';});});")
                .append("document.body.setAttribute('data-rendered','true');})();\n</script>\n</body></html>\n");
        return b.toString();
    }

    private static void chart(
            StringBuilder b,
            String name,
            List<Point> points,
            Object tolerance,
            List<Window> windows,
            Instant start,
            Instant end,
            Instant firstDeviation,
            Instant abort) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Point p : points) {
            if (p.value() != null) {
                lo = Math.min(lo, p.value());
                hi = Math.max(hi, p.value());
            }
        }
        double[] band = band(tolerance);
        if (band != null) {
            lo = Math.min(lo, band[0]);
            hi = Math.max(hi, band[1]);
        }
        if (lo == Double.POSITIVE_INFINITY) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-9) {
            lo -= 1;
            hi += 1;
        }
        double pad = (hi - lo) * 0.08;
        final double y0 = lo - pad;
        final double y1 = hi + pad;
        double span = Duration.between(start, end).toNanos();
        ToDoubleFunction<Instant> x = t -> LEFT
                + (W - LEFT - RIGHT)
                        * Math.max(0, Math.min(1, Duration.between(start, t).toNanos() / span));
        DoubleUnaryOperator y = v -> TOP + (H - TOP - BOTTOM) * (1 - (v - y0) / (y1 - y0));
        b.append("<h2>")
                .append(esc(name))
                .append("</h2>\n<div class=\"lbl\">tolerance: ")
                .append(esc(JsonWriter.write(tolerance)))
                .append("</div>\n");
        b.append("<svg class=\"series\" data-probe=\"")
                .append(esc(name))
                .append("\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\">\n");
        for (Window w : windows) {
            double a = x.applyAsDouble(w.from());
            double c = x.applyAsDouble(w.to());
            b.append(String.format(
                    Locale.ROOT,
                    "<rect class=\"fault-window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s</title></rect>\n",
                    a,
                    TOP,
                    Math.max(1, c - a),
                    H - TOP - BOTTOM,
                    esc(w.name())));
        }
        if (band != null) {
            double top = y.applyAsDouble(band[1]);
            double bottom = y.applyAsDouble(band[0]);
            b.append(String.format(
                    Locale.ROOT,
                    "<rect class=\"band\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\"/>\n",
                    LEFT,
                    top,
                    W - LEFT - RIGHT,
                    Math.max(1, bottom - top)));
        }
        b.append(String.format(
                Locale.ROOT,
                "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                LEFT,
                H - BOTTOM,
                W - RIGHT,
                H - BOTTOM));
        b.append(String.format(
                Locale.ROOT,
                "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                LEFT,
                TOP,
                LEFT,
                H - BOTTOM));
        for (double v : new double[] {lo, hi}) {
            b.append(String.format(
                    Locale.ROOT,
                    "<text class=\"lbl\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT - 6,
                    y.applyAsDouble(v) + 4,
                    fmt(v)));
        }
        b.append(String.format(
                Locale.ROOT,
                "<text class=\"lbl\" x=\"%d\" y=\"%d\">0 s</text><text class=\"lbl\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s s</text>\n",
                LEFT,
                H - 8,
                W - RIGHT,
                H - 8,
                secs(start, end)));
        StringBuilder path = new StringBuilder();
        for (Point p : points) {
            if (p.value() == null) continue;
            path.append(path.length() == 0 ? "M" : " L")
                    .append(String.format(
                            Locale.ROOT, "%.1f %.1f", x.applyAsDouble(p.at()), y.applyAsDouble(p.value())));
        }
        if (path.length() > 0)
            b.append("<path class=\"line\" d=\"").append(path).append("\"/>\n");
        for (Point p : points) {
            double py = p.value() == null ? TOP + 4 : y.applyAsDouble(p.value());
            b.append(String.format(
                    Locale.ROOT,
                    "<circle class=\"%s\" data-phase=\"%s\" data-v=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"><title>%s s, %s: %s</title></circle>\n",
                    p.met() ? "met" : "deviation",
                    p.phase(),
                    esc(p.text()),
                    x.applyAsDouble(p.at()),
                    py,
                    p.met() ? 3 : 5,
                    secs(start, p.at()),
                    p.phase(),
                    esc(p.text())));
        }
        if (firstDeviation != null) {
            double fx = x.applyAsDouble(firstDeviation);
            b.append(String.format(
                    Locale.ROOT,
                    "<line class=\"first-deviation\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>first deviation, %s s</title></line>\n",
                    fx,
                    TOP,
                    fx,
                    H - BOTTOM,
                    secs(start, firstDeviation)));
        }
        if (abort != null) {
            double ax = x.applyAsDouble(abort);
            b.append(String.format(
                    Locale.ROOT,
                    "<line class=\"abort\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>abort, %s s</title></line>\n",
                    ax,
                    TOP,
                    ax,
                    H - BOTTOM,
                    secs(start, abort)));
            b.append(String.format(
                    Locale.ROOT,
                    "<text class=\"lbl\" x=\"%.1f\" y=\"%d\" fill=\"#c62828\">abort</text>\n",
                    ax + 3,
                    TOP + 10));
        }
        b.append("</svg>\n");
    }

    /**
     * A fault's window: from the end of the action that armed it (its {@code armed} ids) to its removal in the
     * clean-up (or the journal's end); an action that armed nothing of ours (an http or process action) shades only
     * its own run.
     */
    static List<Window> windows(Map<?, ?> journal, Instant end) {
        Map<String, Instant> removed = new LinkedHashMap<>();
        if (journal.get("cleanup") instanceof List<?> cl) {
            for (Object o : cl) {
                if (o instanceof Map<?, ?> c && c.get("at") instanceof String at)
                    removed.put(c.get("target") + " " + c.get("id"), Instant.parse(at));
            }
        }
        List<Window> out = new ArrayList<>();
        if (!(journal.get("run") instanceof List<?> run)) return out;
        for (Object o : run) {
            Map<?, ?> r = (Map<?, ?>) o;
            Map<?, ?> activity = (Map<?, ?>) r.get("activity");
            if (!"action".equals(activity.get("type"))) continue;
            String name = String.valueOf(activity.get("name"));
            Instant from = Instant.parse((String) r.get("start"));
            Instant to = Instant.parse((String) r.get("end"));
            if (r.get("output") instanceof Map<?, ?> out2
                    && out2.get("armed") instanceof List<?> armed
                    && !armed.isEmpty()) {
                from = to;
                Instant until = null;
                for (Object a : armed) {
                    Map<?, ?> am = (Map<?, ?>) a;
                    Instant gone = removed.getOrDefault(am.get("target") + " " + am.get("id"), end);
                    if (until == null || gone.isAfter(until)) until = gone;
                }
                // a fault whose lease ran out before the clean-up came was gone then: the clean-up found it expired
                Instant expiry = expiry(out2, from);
                to = expiry != null && expiry.isBefore(until) ? expiry : until;
            }
            out.add(new Window(name, from, to));
        }
        return out;
    }

    /**
     * When what the action armed expires by its lease, as the action recorded it ({@code expires}); a journal
     * written before that was recorded has the words sent: their {@code ttl=} or {@code --duration} from
     * {@code armed}. Null if none.
     */
    static Instant expiry(Map<?, ?> output, Instant armed) {
        // recorded since the lease moved into the journal: null for what does not expire (a one-shot verb)
        if (output.containsKey("expires")) return output.get("expires") instanceof String at ? Instant.parse(at) : null;
        if (!(output.get("sent") instanceof String sent)) return null;
        try {
            List<String> words = List.of(sent.split(" "));
            boolean agent = words.stream().anyMatch(w -> w.startsWith("ttl="));
            Duration lasts =
                    agent ? Leases.ttl(words) : SidecarLease.read(words).lasts();
            return lasts == null ? null : armed.plus(lasts);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The number the tolerance looked at: its target, else what the provider shows (a status, a Prometheus sample). */
    static Object value(Object output, Object tolerance, Object provider) {
        if (tolerance instanceof Map<?, ?> t
                && t.get("target") instanceof String target
                && output instanceof Map<?, ?> o) return o.get(target);
        Provider p = Provider.of(provider);
        return p != null ? p.shown(output) : Provider.field(output, "status"); // a journal without providers
    }

    static double[] band(Object tolerance) {
        if (tolerance instanceof Number n) return new double[] {n.doubleValue(), n.doubleValue()};
        if (tolerance instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(v -> v instanceof Number)) {
            double lo = l.stream()
                    .mapToDouble(v -> ((Number) v).doubleValue())
                    .min()
                    .orElse(0);
            double hi = l.stream()
                    .mapToDouble(v -> ((Number) v).doubleValue())
                    .max()
                    .orElse(0);
            return new double[] {lo, hi};
        }
        if (tolerance instanceof Map<?, ?> m
                && "range".equals(m.get("type"))
                && m.get("range") instanceof List<?> r
                && r.size() == 2
                && r.get(0) instanceof Number a
                && r.get(1) instanceof Number c) {
            return new double[] {a.doubleValue(), c.doubleValue()};
        }
        return null;
    }

    private static Double number(Object v) {
        if (v instanceof Boolean bo) return bo ? 1.0 : 0.0;
        return ToleranceCheck.number(v);
    }

    private static String secs(Instant start, Instant t) {
        return String.format(Locale.ROOT, "%.1f", Duration.between(start, t).toMillis() / 1000.0);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12
                ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
