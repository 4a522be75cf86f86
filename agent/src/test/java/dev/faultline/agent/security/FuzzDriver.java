package dev.faultline.agent.security;

import dev.faultline.common.words.Printable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

/**
 * Runs inside a service started with the built agent jar: calls the agent's real MBean {@code add()} through the
 * platform MBean server, in-process (a million remote calls would take longer than CI can give), and answers
 * counts and the first violation on one line. Commands on stdin: {@code fuzz COUNT SEED}.
 *
 * <p>A violation is: an exception other than a refusal (IllegalArgumentException), a refusal whose message does
 * not name a token of the spec, is blank, long or more than one line, a refused spec that left something armed
 * (ActiveFaults, the per-fault MBeans), or an accepted one that {@code remove()} does not take back.
 */
public final class FuzzDriver {
    static final ObjectName AGENT = name("dev.faultline:type=Agent");
    static final ObjectName FAULTS = name("dev.faultline:type=Fault,*");
    private static final String[] STRING = {String.class.getName()};

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    public static void main(String[] args) throws Exception {
        FuzzDriver driver = new FuzzDriver();
        for (long deadline = System.nanoTime() + 30_000_000_000L;
                !driver.server.isRegistered(AGENT);
                Thread.sleep(10)) {
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("the agent's MBean never appeared in the platform server");
        }
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] w = line.trim().split(" ");
            if (w[0].equals("fuzz")) {
                System.out.println(driver.fuzz(Integer.parseInt(w[1]), Long.parseLong(w[2])));
            } else {
                System.out.println("ERR unknown command " + w[0]);
            }
        }
    }

    String fuzz(int count, long seed) throws Exception {
        SpecFuzzer fuzzer = new SpecFuzzer(seed);
        int baseFaults = server.queryNames(FAULTS, null).size();
        int baseActive = active();
        long accepted = 0, refused = 0, skipped = 0, violations = 0;
        String first = ""; // the first five violations
        long t0 = System.nanoTime();
        for (int i = 0; i < count; ) {
            String spec = fuzzer.next();
            if (!safeToSend(spec)) {
                skipped++;
                continue;
            }
            i++;
            String problem;
            try {
                Object id = server.invoke(AGENT, "add", new Object[] {spec}, STRING);
                accepted++;
                server.invoke(AGENT, "remove", new Object[] {id}, STRING); // false when a tiny ttl= expired it first
                problem =
                        active() != baseActive ? "accepted as " + id + ", removed, but ActiveFaults=" + active() : null;
            } catch (RuntimeMBeanException e) {
                refused++;
                problem = refusalProblem(spec, e.getCause());
                if (problem == null && active() != baseActive) problem = "refused, yet ActiveFaults=" + active();
            } catch (Throwable t) {
                problem = "not a refusal: " + t + (t.getCause() != null ? " caused by " + t.getCause() : "");
            }
            if (problem == null
                    && i % 10_000 == 0
                    && server.queryNames(FAULTS, null).size() != baseFaults) {
                problem = "per-fault MBeans left behind: " + server.queryNames(FAULTS, null);
            }
            if (problem != null && violations++ < 5)
                first += " | #" + i + " " + Printable.message(spec) + " -> " + Printable.message(problem);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return "OK sent=" + count + " accepted=" + accepted + " refused=" + refused + " skipped=" + skipped
                + " violations=" + violations + " ms=" + ms + " first=" + first.replace('\n', ' ');
    }

    private int active() throws Exception {
        return (Integer) server.getAttribute(AGENT, "ActiveFaults");
    }

    /**
     * What the fuzz never sends: a process fault (exit and halt end this JVM; its words are never generated, but a
     * splice could spell one) and a method rule on anything but the fuzz's own target class or the refused java.lang.
     */
    static boolean safeToSend(String spec) {
        List<String> tokens = tokens(spec);
        if (tokens.isEmpty()) return true;
        String action = tokens.get(0).toLowerCase(Locale.ROOT);
        if (action.equals("exit") || action.equals("halt") || action.equals("stress")) return false;
        boolean method = false;
        String cls = null;
        for (String t : tokens) {
            String lower = t.toLowerCase(Locale.ROOT);
            if (lower.startsWith("on=")) method |= lower.strip().equals("on=method");
            if (lower.startsWith("class=")) cls = lower.substring(6);
        }
        return !method || cls == null || cls.startsWith(SpecFuzzer.TARGET_PACKAGE) || cls.startsWith("java.lang.");
    }

    /** Null if {@code why} is a refusal as the README promises it; else what is wrong with it. */
    static String refusalProblem(String spec, Throwable why) {
        if (!(why instanceof IllegalArgumentException)) return "not a refusal: " + why;
        String m = why.getMessage();
        if (m == null || m.isBlank()) return "a refusal without a message";
        if (m.length() >= 400 || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0)
            return "a refusal that is not one short line: " + m;
        return namesAToken(spec, m) ? null : "the refusal names no token of the spec: " + m;
    }

    /**
     * Whether a refusal message names something the operator wrote: a token, its key or its value (as the agent
     * shows it: printable, long words shortened; with or without its quotes), or, for the two checks made before tokens exist, the blank
     * spec or the control character and its position.
     */
    static boolean namesAToken(String spec, String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (spec == null || spec.isBlank()) return m.startsWith("empty spec");
        // in the parser's order: the control-character check comes before the tokens, so "\n\"" is refused for its
        // U+000A
        if (m.startsWith("control character u+")) {
            String[] w = m.split(" ");
            int code = Integer.parseInt(w[2].substring(2), 16);
            int at = Integer.parseInt(w[5].replaceAll("\\D", ""));
            return at < spec.length() && spec.charAt(at) == code;
        }
        if (tokens(spec).isEmpty()) return m.startsWith("empty spec") || m.startsWith("unterminated quote"); // "" and "
        List<String> words = new ArrayList<>(tokens(spec));
        words.addAll(
                List.of(spec.strip().split("\\s+"))); // as written, quotes and all: "unterminated quote in: <spec>"
        for (String token : words) {
            List<String> names = new ArrayList<>(List.of(token));
            int eq = token.indexOf('=');
            if (eq > 0) {
                names.add(token.substring(0, eq)); // the key: "'on' given twice"
                if (eq < token.length() - 1) names.add(token.substring(eq + 1));
            }
            for (String n : names) {
                String shown = Printable.message(n).toLowerCase(Locale.ROOT);
                String head = shown.length() > 40 ? shown.substring(0, 40) : shown;
                if (m.contains(head)) return true;
            }
        }
        return false;
    }

    /** The spec's words as the agent's tokenizer sees them: split on whitespace outside double quotes, quotes dropped. */
    static List<String> tokens(String spec) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        String s = spec.strip();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') quoted = !quoted;
            else if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    private static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
