package dev.faultline.sidecar.jvmcontrol;

import dev.faultline.common.words.Durations;
import dev.faultline.common.words.Tokenizer;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fault spec checked in the sidecar before anything is attached, by the agent's own parser (agent.spec.SpecParser,
 * read from the agent jar the sidecar ships: the same words, the same refusals), and leased: its {@code ttl} no
 * longer than the command's duration, so a fault outlives neither its duration nor a dead sidecar.
 */
public final class AgentSpec {
    private static final String PARSER = "dev.faultline.agent.spec.SpecParser";

    private AgentSpec() {}

    /**
     * The spec with {@code ttl=} at most {@code duration} (added when absent; a longer one or {@code ttl=0}, no
     * expiry, is shortened), checked by the agent's parser; throws {@link IllegalArgumentException} naming the problem.
     */
    public static String leased(String spec, Duration duration, Path agentJar) {
        String leased = withTtl(spec, duration);
        check(leased, agentJar);
        return leased;
    }

    /** The spec's words with its ttl within {@code duration}; refuses words that do not split (an open quote). */
    static String withTtl(String spec, Duration duration) {
        if (spec == null || spec.isBlank())
            throw new IllegalArgumentException(
                    "empty spec: expected '<action> key=value …', e.g. 'latency on=connect port=5432 delay=300ms'");
        List<String> words;
        try {
            words = Tokenizer.words(spec.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec '" + spec + "': " + e.getMessage(), e);
        }
        long max = duration.toMillis();
        if (max < 1) throw new IllegalArgumentException("--duration must be at least 1ms for jvm fault");
        List<String> out = new ArrayList<>();
        boolean hadTtl = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (i > 0 && w.toLowerCase(Locale.ROOT).startsWith("ttl=")) {
                hadTtl = true;
                long given;
                try {
                    given = Durations.parseNanos(w.substring(4)) / 1_000_000;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + w + "': " + e.getMessage(), e);
                }
                out.add(given > 0 && given <= max ? w : "ttl=" + max + "ms");
            } else {
                out.add(quoted(w));
            }
        }
        if (!hadTtl) out.add("ttl=" + max + "ms");
        return String.join(" ", out);
    }

    /** A word back as the tokenizer reads it: quoted when it holds a space ({@code message="card network down"}). */
    private static String quoted(String w) {
        int eq = w.indexOf('=');
        if (w.indexOf(' ') < 0 && w.indexOf('\t') < 0) return w;
        return eq > 0 ? w.substring(0, eq + 1) + '"' + w.substring(eq + 1) + '"' : '"' + w + '"';
    }

    /** Parsed by the agent's own parser, from the jar the sidecar would load; its refusal as the message. */
    static void check(String spec, Path agentJar) {
        try (URLClassLoader loader = parserLoader(agentJar)) {
            Method parse = Class.forName(PARSER, true, loader).getMethod("parse", String.class);
            parse.invoke(null, spec);
        } catch (InvocationTargetException e) {
            Throwable refused = e.getCause();
            if (refused instanceof RuntimeException
                    && refused.getClass().getName().endsWith("SpecException"))
                throw new IllegalArgumentException("spec '" + spec + "' refused: " + refused.getMessage());
            throw new IllegalStateException("the agent's spec parser failed: " + refused, refused);
        } catch (ReflectiveOperationException | IOException | LinkageError e) {
            throw new IllegalStateException("cannot read the agent's spec parser from " + agentJar + ": " + e, e);
        }
    }

    /** The agent jar's bootstrap classes (at its root) and its core (under {@code inst/}), apart from ours. */
    private static URLClassLoader parserLoader(Path agentJar) throws MalformedURLException {
        URL jar = agentJar.toUri().toURL();
        URL inst = new URL("jar:" + jar + "!/inst/");
        return new URLClassLoader(new URL[] {jar, inst}, ClassLoader.getPlatformClassLoader());
    }
}
