package dev.faultline.sidecar.cli;

import dev.faultline.common.sidecar.GlobalOptions;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Pumba's logging words, {@code --log-level/-l LEVEL} (or {@code LOG_LEVEL}) and {@code --json/-j} (or
 * {@code LOG_JSON}), applied to the process before its first logger is made: slf4j-simple reads its level once.
 * picocli declares the same words (SidecarCli) so that they parse; over JMX {@code run()} they change nothing (the
 * daemon's log is the process's).
 */
public final class LogWords {
    private LogWords() {}

    /** Reads the options before the verb (the first word that is not an option or an option's value). */
    public static void apply(String[] args, Map<String, String> env) {
        String level = env.get("LOG_LEVEL");
        boolean json = "true".equalsIgnoreCase(env.getOrDefault("LOG_JSON", ""));
        for (int i = 0; i < args.length; i++) {
            String w = args[i];
            if (!w.startsWith("-")) {
                if (SidecarCli.verbNames().contains(w)) break;
                continue; // a value of the option before it
            }
            if ((w.equals(GlobalOptions.LOG_LEVEL) || w.equals("-l")) && i + 1 < args.length) level = args[++i];
            else if (w.startsWith(GlobalOptions.LOG_LEVEL + "=")) level = w.substring(w.indexOf('=') + 1);
            else if (w.equals(GlobalOptions.JSON) || w.equals("-j")) json = true;
        }
        if (level != null) {
            String simple = simpleLevel(level);
            if (simple != null) System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", simple);
            // debug is the sidecar's: the libraries under it (gRPC's Netty, docker-java) stay at info
            if (simple != null && (simple.equals("debug") || simple.equals("trace"))) {
                for (String library : List.of("io.grpc", "com.github.dockerjava", "org.apache.hc"))
                    System.setProperty("org.slf4j.simpleLogger.log." + library, "info");
            }
        }
        if (json) System.setErr(new PrintStream(new JsonLines(System.err), true, StandardCharsets.UTF_8));
        if (level != null) LoggerFactory.getLogger("faultline").debug("log level {} (--log-level)", level);
    }

    /** Pumba's (logrus') level names as slf4j-simple's; null for a name picocli's check refuses. */
    static String simpleLevel(String pumba) {
        return switch (pumba.toLowerCase(Locale.ROOT)) {
            case "trace" -> "trace";
            case "debug" -> "debug";
            case "info" -> "info";
            case "warning", "warn" -> "warn";
            case "error", "fatal", "panic" -> "error";
            default -> null;
        };
    }

    /** slf4j-simple's line ({@code time LEVEL logger - message}, as Main sets it up) as one JSON object per line. */
    static String json(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) return "{\"msg\":" + quote(line) + "}";
        String level = m.group(2).toLowerCase(Locale.ROOT);
        return "{\"time\":" + quote(m.group(1)) + ",\"level\":" + quote(level.equals("warn") ? "warning" : level)
                + ",\"logger\":" + quote(m.group(3)) + ",\"msg\":" + quote(m.group(4)) + "}";
    }

    private static final Pattern LINE = Pattern.compile("(\\S+) (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - (.*)");

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** Buffers each line written to stderr and writes it out as JSON. */
    private static final class JsonLines extends OutputStream {
        private final PrintStream out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        JsonLines(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            out.println(json(line.toString(StandardCharsets.UTF_8)));
            line.reset();
        }

        @Override
        public synchronized void flush() {
            out.flush();
        }
    }
}
