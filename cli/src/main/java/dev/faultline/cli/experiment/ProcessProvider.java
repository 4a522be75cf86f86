package dev.faultline.cli.experiment;

import dev.faultline.common.process.ExternalCommand;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code {"type": "process", "path": …, "arguments": …, "timeout": …}}, run as chaoslib's
 * {@code provider/process.py} runs it: the path is looked up as {@code shutil.which(os.path.expanduser(path))}; a
 * string of arguments goes through the shell ({@code /bin/sh -c "PATH ARGUMENTS"}); a list is its words, an object
 * its keys and values in order, each as Python's {@code str()} spells it, None and "" left out. Its output is the
 * exit status, stdout and stderr.
 */
record ProcessProvider(Map<?, ?> spec) implements Provider {
    /** A process, or Faultline's own when its path is {@code faultline}. */
    static Provider of(Map<?, ?> spec) {
        return "faultline".equals(spec.get("path")) ? new FaultlineProvider(spec) : new ProcessProvider(spec);
    }

    @Override
    public void check(String at, ActivityCheck c) {
        checkShape(spec, at, c);
    }

    /**
     * The path, the arguments' form (a word is a string, a number, a boolean or null) and the timeout; false when the
     * arguments have no form at all.
     */
    static boolean checkShape(Map<?, ?> m, String at, ActivityCheck c) {
        c.requireText(m, at, "path");
        Object args = m.get("arguments");
        if (args instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (!isWord(l.get(i))) c.refuse(at + ".arguments[" + i + "]", "a word (string or number)");
            }
        } else if (args instanceof Map<?, ?> map) {
            // chaoslib would pass Python's rendering of a list or an object ("['a', 'b']"): never what was meant
            map.forEach((k, v) -> {
                if (!isWord(v)) c.refuse(at + ".arguments." + k, "a word (string or number)");
            });
        } else if (args != null && !(args instanceof String)) {
            c.refuse(at + ".arguments", "a string, a list of words, or an object (key, value, … in order)");
            return false;
        }
        if (m.containsKey("timeout")) c.seconds(at + ".timeout", m.get("timeout"));
        return true;
    }

    private static boolean isWord(Object w) {
        return w == null || w instanceof String || w instanceof Number || w instanceof Boolean;
    }

    /**
     * The words of a list or an object of arguments, as chaoslib makes them:
     * {@code [str(p) for p in arguments if p not in (None, "")]}, an object first flattened by
     * {@code itertools.chain.from_iterable(arguments.items())} (key, value, key, value …).
     */
    static List<String> words(Object args) {
        List<Object> flat = new ArrayList<>();
        if (args instanceof List<?> l) flat.addAll(l);
        else if (args instanceof Map<?, ?> m)
            m.forEach((k, v) -> {
                flat.add(k);
                flat.add(v);
            });
        List<String> w = new ArrayList<>();
        for (Object o : flat) if (o != null && !"".equals(o)) w.add(str(o));
        return w;
    }

    /** Python's {@code str()} of a JSON scalar: True, 3, 2.5, 1e-05. */
    static String str(Object o) {
        if (o instanceof Boolean b) return b ? "True" : "False";
        if (o instanceof Double || o instanceof Float) return pythonFloat(((Number) o).doubleValue());
        return String.valueOf(o);
    }

    /** {@code repr(float)}: the shortest digits, in exponent form below 1e-4 and from 1e16. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return 1 / d < 0 ? "-0.0" : "0.0";
        BigDecimal b = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int exp = digits.length() - 1 - b.scale();
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + (exp < 0 ? "e-" : "e+") + String.format(Locale.ROOT, "%02d", Math.abs(exp));
        }
        String plain = b.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** The command chaoslib runs: the path looked up, then a string through {@code /bin/sh -c}, else the words. */
    List<String> command() throws IOException {
        String given = expandUser((String) spec.get("path"));
        String path = which(given);
        Object args = spec.get("arguments");
        if (args instanceof String s) {
            // a shell would only say "not found" with exit 127: fail as a list's run does (chaoslib refuses it earlier)
            if (path == null) {
                throw new IOException("Cannot run program \"" + given + "\": not an executable file found on PATH");
            }
            return List.of("/bin/sh", "-c", path + " " + s); // subprocess.run(shell=True)
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(path != null ? path : given); // not found: starting it fails, naming it
        cmd.addAll(words(args));
        return cmd;
    }

    /** {@code os.path.expanduser} of {@code ~} and {@code ~/…} (the current user's home). */
    static String expandUser(String path) {
        if (!path.equals("~") && !path.startsWith("~/")) return path;
        String home = System.getenv("HOME") != null ? System.getenv("HOME") : System.getProperty("user.home");
        return home.replaceAll("/+$", "") + path.substring(1);
    }

    /** {@code shutil.which}: a path with a slash if it is an executable file, else the first on PATH; else null. */
    static String which(String path) {
        if (path.contains("/")) return executable(Path.of(path)) ? path : null;
        String dirs = System.getenv("PATH") != null ? System.getenv("PATH") : ":/bin:/usr/bin";
        for (String dir : dirs.split(":", -1)) {
            Path candidate = dir.isEmpty() ? Path.of(path) : Path.of(dir, path);
            if (executable(candidate)) return candidate.toString();
        }
        return null;
    }

    private static boolean executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    @Override
    public Object run(Context context, Duration timeout) throws IOException, InterruptedException {
        // output read while it runs; at the deadline or an interrupt it is killed with every process it started
        ExternalCommand.Result r =
                ExternalCommand.of(command(), timeout).errorsApart().run();
        if (r.timedOut())
            throw new IOException(spec.get("path") + " did not end within " + timeout.toMillis() + " ms (killed)");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", r.exitCode());
        o.put("stdout", r.output());
        o.put("stderr", r.errors());
        return o;
    }

    @Override
    public Object text(Object output) {
        return Provider.field(output, "stdout");
    }

    /** Exit status 0. */
    @Override
    public boolean passes(Map<?, ?> output, int status) {
        return status == 0;
    }
}
