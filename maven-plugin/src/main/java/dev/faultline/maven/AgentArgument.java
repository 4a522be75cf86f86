package dev.faultline.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code -javaagent:…faultline-agent…jar=options} word of a JVM command line, and how it joins a line other agents
 * (JaCoCo, OpenTelemetry) may already be on: it is appended, and only an earlier Faultline agent is replaced.
 */
final class AgentArgument {
    /** An earlier Faultline agent word (quoted or not), e.g. from a second execution of the goal. */
    private static final Pattern EARLIER =
            Pattern.compile("(\"-javaagent:[^\"]*faultline-agent[^\"]*\"|-javaagent:\\S*faultline-agent\\S*)");

    private AgentArgument() {}

    /** {@code -javaagent:<jar>[=k=v,…]}, quoted as a whole when the jar's path has a space. */
    static String of(Path jar, Map<String, String> options) {
        List<String> words = new ArrayList<>();
        for (Map.Entry<String, String> o : options.entrySet()) {
            String key = o.getKey().trim();
            String value = o.getValue() == null ? "" : o.getValue().trim();
            if (key.isEmpty()) throw new IllegalArgumentException("an agent option with no name");
            if (value.contains(",") || key.contains(",") || key.contains("=")) {
                throw new IllegalArgumentException("agent option " + key + "=" + value
                        + ": the agent's options are comma-separated key=value words, so neither may hold ','");
            }
            words.add(key + "=" + value);
        }
        String arg = "-javaagent:" + jar.toAbsolutePath() + (words.isEmpty() ? "" : "=" + String.join(",", words));
        return arg.contains(" ") ? "\"" + arg + "\"" : arg;
    }

    /** The line with our word appended, any earlier Faultline agent word taken out first. */
    static String appendTo(String line, String agent) {
        String rest = line == null ? "" : EARLIER.matcher(line).replaceAll("");
        rest = rest.strip();
        return rest.isEmpty() ? agent : rest + " " + agent;
    }
}
