package dev.faultline.cli.command;

import dev.faultline.cli.fleet.Answer;
import dev.faultline.common.json.JsonWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints the answers — a table for people, one JSON document with {@code --json} — names on stderr every target
 * that did not confirm, and returns the exit code.
 */
public final class AnswerReport {
    private AnswerReport() {}

    public static int print(String command, List<Answer> answers, boolean json, PrintWriter out, PrintWriter err) {
        List<Answer> failed = answers.stream().filter(a -> !a.confirmed()).toList();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("command", command);
            doc.put("ok", failed.isEmpty());
            List<Object> targets = new ArrayList<>();
            for (Answer a : answers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("target", a.target().address());
                if (a.target().container() != null)
                    m.put("container", a.target().container());
                m.put("kind", a.target().kind().word);
                m.put("operation", a.operation());
                m.put("ok", a.confirmed());
                if (a.confirmed()) m.put("result", a.value());
                else m.put("error", a.error());
                m.put("millis", a.millis());
                targets.add(m);
            }
            doc.put("targets", targets);
            out.println(JsonWriter.write(doc));
        } else {
            table(answers, out);
        }
        out.flush();
        for (Answer a : failed)
            err.println("faultline: " + a.target() + ": " + a.operation() + " not confirmed: " + a.error());
        if (!failed.isEmpty()) {
            err.println("faultline: " + failed.size() + " of " + answers.size() + " targets did not confirm: "
                    + String.join(
                            ", ", failed.stream().map(a -> a.target().shown()).toList()));
        }
        err.flush();
        return failed.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    private static void table(List<Answer> answers, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TARGET", "KIND", "STATUS", "MS", "ANSWER"});
        for (Answer a : answers) {
            List<String> lines = a.confirmed() ? lines(a) : List.of(a.error());
            for (int i = 0; i < lines.size(); i++) {
                rows.add(
                        i == 0
                                ? new String[] {
                                    a.target().shown(),
                                    a.target().kind().word,
                                    a.confirmed() ? "ok" : "FAILED",
                                    Long.toString(a.millis()),
                                    lines.get(0)
                                }
                                : new String[] {"", "", "", "", lines.get(i)});
            }
        }
        int[] width = new int[4];
        for (String[] r : rows) for (int i = 0; i < 4; i++) width[i] = Math.max(width[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 4; i++) sb.append(String.format("%-" + width[i] + "s  ", r[i]));
            out.println((sb + r[4]).stripTrailing());
        }
    }

    private static List<String> lines(Answer a) {
        Object v = a.value();
        return switch (a.operation()) {
            case "list" -> {
                String[] l = (String[]) v;
                yield l == null || l.length == 0 ? List.of("(nothing armed)") : List.of(l);
            }
            case "clear" -> List.of("cleared " + v);
            case "stopAll" -> List.of("stopped " + v);
            case "add", "run" -> List.of("id " + v);
            case "remove" -> List.of("removed");
            case "stop" -> List.of("stopped");
            default -> List.of(String.valueOf(v));
        };
    }
}
