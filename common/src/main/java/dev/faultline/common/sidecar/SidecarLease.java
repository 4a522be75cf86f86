package dev.faultline.common.sidecar;

import dev.faultline.common.words.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A sidecar command leased: a lasting verb's {@code --duration} no longer than the lease, added when absent. The
 * words are read with the sidecar's own grammar ({@link GlobalOptions}, {@link Verb}): its options before the verb,
 * with or without an attached value, then the verb's own options up to its sub-verb, where picocli takes the
 * duration. A word the grammar does not know where the verb or a lasting verb's option should be is refused, never
 * passed on unleased.
 */
public final class SidecarLease {
    private SidecarLease() {}

    /**
     * A command as far as a lease reads it; {@code verb} null when the words name none (the sidecar then runs
     * none).
     */
    public record Reading(List<String> words, Set<String> options, Verb verb, int verbAt, Given duration) {
        /** How long its change lasts as given; null for a verb that acts once or a duration not given. */
        public Duration lasts() {
            return duration == null ? null : Duration.ofNanos(duration.nanos());
        }
    }

    /**
     * A duration as given: {@code words[at]} is {@code prefix} and then the value ({@code prefix} empty: the value
     * alone).
     */
    public record Given(int at, String prefix, String value) {
        long nanos() {
            try {
                return Durations.parseNanos(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Verb.DURATION + " " + value + ": " + e.getMessage());
            }
        }
    }

    /** The lease's words: whole seconds, rounded up, at least one. */
    public static String format(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000) + "s";
    }

    /**
     * The words with a lasting verb's duration at most {@code lease}. A repeating schedule ({@code --interval})
     * without {@code --limit} has no end a lease could bound, and is refused.
     */
    public static List<String> apply(List<String> words, Duration lease) {
        Reading r = read(words);
        if (r.options().contains(GlobalOptions.INTERVAL) && !r.options().contains(GlobalOptions.LIMIT)) {
            throw new IllegalArgumentException("a repeating sidecar command (--interval) in an experiment needs "
                    + "--limit: the run cannot lease it otherwise");
        }
        List<String> out = new ArrayList<>(words);
        if (r.verb() == null || !r.verb().lasting()) return out;
        Given d = r.duration();
        if (d == null) {
            out.add(r.verbAt() + 1, format(lease));
            out.add(r.verbAt() + 1, Verb.DURATION);
        } else if (d.nanos() > lease.toNanos()) {
            out.set(d.at(), d.prefix() + format(lease));
        }
        return out;
    }

    public static Reading read(List<String> words) {
        Set<String> given = new HashSet<>();
        int i = 0;
        while (i < words.size() && words.get(i).startsWith("-") && !words.get(i).equals("--")) {
            Option.Attached a = Option.in(GlobalOptions.ALL, words.get(i));
            if (a == null) {
                throw new IllegalArgumentException("the sidecar has no option " + words.get(i) + " before its verb");
            }
            given.add(a.option().names().get(0));
            i += a.option().valued() && a.prefix() == null ? 2 : 1;
        }
        if (i >= words.size() || words.get(i).equals("--")) return new Reading(words, given, null, -1, null);
        Verb verb = Verb.named(words.get(i));
        if (verb == null) {
            throw new IllegalArgumentException(
                    "the sidecar has no verb " + words.get(i) + " (it has " + String.join(", ", Verb.words()) + ")");
        }
        return new Reading(words, given, verb, i, verb.lasting() ? duration(words, verb, i + 1) : null);
    }

    /** The verb's own words from {@code from}: up to its sub-verb, the end of options ({@code --}) or the end. */
    private static Given duration(List<String> words, Verb verb, int from) {
        for (int i = from; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--") || verb.subverbs().contains(w)) return null;
            if (!w.startsWith("-") || w.equals("-")) continue; // a target
            Option.Attached a = Option.in(verb.options(), w);
            if (a == null) throw new IllegalArgumentException("the sidecar's " + verb.word() + " has no option " + w);
            boolean duration = a.option().names().contains(Verb.DURATION);
            if (a.prefix() != null) {
                if (duration) return new Given(i, a.prefix(), a.value());
            } else if (a.option().valued()) {
                if (duration) return i + 1 < words.size() ? new Given(i + 1, "", words.get(i + 1)) : null;
                i++;
            }
        }
        return null;
    }
}
