package dev.faultline.agent;

import dev.faultline.common.jmx.JmxOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code -javaagent:faultline-agent.jar=key=value,…} (the same words for {@code attach}). Unknown keys and
 * bad values are refused with a message naming them; the JMX options obey {@link JmxOptions#check}.
 */
public record AgentOptions(JmxOptions jmx, int metricsPort, String metricsHost, String faultsFile, String logLevel) {

    private static final Set<String> KEYS = Set.of(
            "jmx.port",
            "jmx.host",
            "jmx.auth",
            "jmx.access",
            "jmx.ssl",
            "jmx.auth.dir",
            "metrics.port",
            "metrics.host",
            "faults",
            "log.level");

    public static AgentOptions parse(String args) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (args != null && !args.isBlank()) {
            for (String part : args.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("agent option '" + p + "': expected key=value");
                String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException("agent option '" + key + "': unknown; known options are "
                            + String.join(", ", KEYS.stream().sorted().toList()));
                }
                kv.put(key, p.substring(eq + 1).trim());
            }
        }
        String level = kv.getOrDefault("log.level", "info").toLowerCase(Locale.ROOT);
        if (!Set.of("trace", "debug", "info", "warn", "error", "off").contains(level)) {
            throw new IllegalArgumentException(
                    "log.level=" + level + ": expected trace, debug, info, warn, error or off");
        }
        String ssl = kv.getOrDefault("jmx.ssl", "false");
        if (!ssl.equals("true") && !ssl.equals("false"))
            throw new IllegalArgumentException("jmx.ssl=" + ssl + ": expected true or false");
        String host = kv.getOrDefault("jmx.host", "127.0.0.1");
        String auth = kv.get("jmx.auth");
        boolean authNone = "none".equals(auth);
        int jmxPort = port(kv, "jmx.port");
        JmxOptions jmx = new JmxOptions(
                host,
                jmxPort,
                host,
                authNone ? null : auth,
                kv.get("jmx.access"),
                authNone,
                Boolean.parseBoolean(ssl),
                credentialsDir(kv.get("jmx.auth.dir")));
        if (jmxPort > 0) jmx.check(JmxOptions.Words.AGENT);
        return new AgentOptions(
                jmx, port(kv, "metrics.port"), kv.getOrDefault("metrics.host", "127.0.0.1"), kv.get("faults"), level);
    }

    /** Where a generated JMX password goes: {@code jmx.auth.dir}, else {@code ~/.faultline}. */
    static Path credentialsDir(String given) {
        if (given != null && !given.isBlank()) return Path.of(given);
        return Path.of(System.getProperty("user.home"), ".faultline");
    }

    public int jmxPort() {
        return jmx.port();
    }

    public String jmxAuthFile() {
        return jmx.passwordFile();
    }

    public String jmxHost() {
        return jmx.bindHost();
    }

    private static int port(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) return 0;
        try {
            int p = Integer.parseInt(v);
            if (p < 1 || p > 65535) throw new NumberFormatException();
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + ": not a port number (1-65535)");
        }
    }
}
