package dev.faultline.agent;

import dev.faultline.common.jmx.JmxOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code -javaagent:faultline-agent.jar=key=value,…} (the same words for {@code attach}). Unknown keys and
 * bad values are refused with a message naming them; the JMX options obey {@link JmxOptions#check}.
 */
public record AgentOptions(
        JmxOptions jmx,
        int metricsPort,
        String metricsHost,
        String faultsFile,
        String logLevel,
        Path unixDir,
        String unixSecret,
        String command,
        Map<String, String> given) {
    /** The words a second attach may bring without changing what the first load set up. */
    static final Set<String> ON_A_SECOND_ATTACH = Set.of("jmx.unix", "jmx.unix.secret", "cmd");

    static final String SECRET = "jmx.unix.secret";

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
            "log.level",
            "jmx.unix",
            SECRET,
            "cmd");

    public static AgentOptions parse(String args) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (args != null && !args.isBlank()) {
            for (String part : args.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                if (eq <= 0)
                    throw new IllegalArgumentException(
                            // a fragment of a secret holding a comma is never echoed
                            args.contains(SECRET)
                                    ? "an agent option is not key=value"
                                    : "agent option '" + p + "': expected key=value");
                String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                if (!KEYS.contains(key)) {
                    // a secret holding ",k=v" makes a key of secret bytes: not echoed either
                    throw new IllegalArgumentException((args.contains(SECRET)
                                    ? "an agent option is unknown"
                                    : "agent option '" + key + "': unknown")
                            + "; known options are "
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
        String unix = kv.get("jmx.unix");
        Path unixDir = null;
        if (unix != null) {
            unixDir = Path.of(unix);
            if (!unixDir.isAbsolute())
                throw new IllegalArgumentException("jmx.unix=" + unix + ": not an absolute path");
        }
        String secret = kv.get(SECRET);
        if (secret != null && secret.isEmpty()) throw new IllegalArgumentException(SECRET + " is empty");
        if (secret != null && unix == null)
            throw new IllegalArgumentException(SECRET + " without jmx.unix=<dir>: a secret for no connector");
        String command = kv.get("cmd");
        if (command != null) {
            if (!command.equals("clear") && !command.equals("close"))
                throw new IllegalArgumentException(
                        "cmd=" + command + ": unknown; the agent knows cmd=clear and cmd=close");
            if (kv.size() > 1) throw new IllegalArgumentException("cmd=" + command + " takes no other option");
        }
        Map<String, String> given = new LinkedHashMap<>(kv);
        given.remove(SECRET);
        return new AgentOptions(
                jmx,
                port(kv, "metrics.port"),
                kv.getOrDefault("metrics.host", "127.0.0.1"),
                kv.get("faults"),
                level,
                unixDir,
                secret,
                command,
                Map.copyOf(given));
    }

    /** The options a second attach names that the first load set otherwise (they cannot change now). */
    public List<String> changesFrom(AgentOptions first) {
        return given.entrySet().stream()
                .filter(e -> !ON_A_SECOND_ATTACH.contains(e.getKey()))
                .filter(e -> !e.getValue().equals(first.given.get(e.getKey())))
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .toList();
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "AgentOptions" + given + (unixSecret == null ? "" : " (" + SECRET + " given)");
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
