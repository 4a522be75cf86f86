package dev.faultline.cli.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSONPath a {@code jsonpath} tolerance uses, the common subset: {@code $}, {@code .name}, {@code ['name']},
 * {@code [N]} and {@code [*]} / {@code .*}. Anything else is refused when the file is checked, not when it runs.
 */
public final class JsonPath {
    private final List<String> steps; // a name, "#N" for an index, "*" for every element

    private JsonPath(List<String> steps) {
        this.steps = steps;
    }

    public static JsonPath compile(String path) {
        if (!path.startsWith("$")) throw new IllegalArgumentException("a JSONPath starts with $");
        List<String> steps = new ArrayList<>();
        int i = 1;
        while (i < path.length()) {
            char ch = path.charAt(i);
            if (ch == '.') {
                if (i + 1 < path.length() && path.charAt(i + 1) == '.')
                    throw new IllegalArgumentException("'..' (deep scan) is not supported, at index " + i);
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') end++;
                if (end == i + 1) throw new IllegalArgumentException("a name is missing after '.' at index " + i);
                steps.add(path.substring(i + 1, end));
                i = end;
            } else if (ch == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) throw new IllegalArgumentException("'[' at index " + i + " is not closed");
                String in = path.substring(i + 1, end).strip();
                if (in.equals("*")) steps.add("*");
                else if (in.matches("\\d+")) steps.add("#" + in);
                else if (in.length() >= 2
                        && (in.startsWith("'") && in.endsWith("'") || in.startsWith("\"") && in.endsWith("\"")))
                    steps.add(in.substring(1, in.length() - 1));
                else
                    throw new IllegalArgumentException(
                            "unsupported selector [" + in + "] (a number, * or a quoted name)");
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + ch + "' at index " + i);
            }
        }
        return new JsonPath(steps);
    }

    /** Every value the path selects in a document of maps and lists. */
    public List<Object> select(Object doc) {
        List<Object> current = new ArrayList<>(List.of(doc == null ? new Object() : doc));
        if (doc == null) current.clear();
        for (String step : steps) {
            List<Object> next = new ArrayList<>();
            for (Object o : current) {
                if (step.equals("*")) {
                    if (o instanceof Map<?, ?> m) next.addAll(m.values());
                    else if (o instanceof List<?> l) next.addAll(l);
                } else if (step.startsWith("#") && o instanceof List<?> l) {
                    int n = Integer.parseInt(step.substring(1));
                    if (n < l.size()) next.add(l.get(n));
                } else if (o instanceof Map<?, ?> m && m.containsKey(step)) {
                    next.add(m.get(step));
                }
            }
            current = next;
        }
        return current;
    }
}
