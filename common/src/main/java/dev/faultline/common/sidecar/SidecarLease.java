package dev.faultline.common.sidecar;

import dev.faultline.common.words.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    public record Reading(List<String> words, Map<String, String> globals, Verb verb, int verbAt, Given duration) {
        /** The global options given, by their first name. */
        public Set<String> options() {
            return globals.keySet();
        }

        /** How long its change lasts as given; null for a verb that acts once or a duration not given. */
        public Duration lasts() {
            return duration == null ? null : Duration.ofNanos(duration.nanos());
        }

        /**
         * How long after the first action the last one comes: {@code (limit - 1) × interval}; zero for a command
         * that acts once. A repeating schedule without a positive {@code --limit} has no last action a lease could
         * bound, and is refused.
         */
        public Duration lastAction() {
            if (!globals.containsKey(GlobalOptions.INTERVAL)) return Duration.ZERO;
            String limit = globals.get(GlobalOptions.LIMIT);
            if (limit == null) {
                throw new IllegalArgumentException("a repeating sidecar command (--interval) in an experiment needs "
                        + "--limit: the run cannot lease it otherwise");
            }
            long n;
            try {
                n = Long.parseLong(limit);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(GlobalOptions.LIMIT + " " + limit + ": not a whole number");
            }
            if (n < 1) {
                throw new IllegalArgumentException(
                        "a repeating sidecar command (--interval) in an experiment needs " + "--limit of at least 1 ("
                                + limit + " repeats without end): the run cannot lease it otherwise");
            }
            String interval = globals.get(GlobalOptions.INTERVAL);
            try {
                return Duration.ofNanos(Durations.parseNanos(interval)).multipliedBy(n - 1);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(GlobalOptions.INTERVAL + " " + interval + ": " + e.getMessage());
            }
        }

        /** When, after the first action, the last change ends; null when nothing lasts. */
        public Duration until() {
            Duration lasts = lasts();
            return lasts == null ? null : lastAction().plus(lasts);
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
     * The words with a lasting verb's change ending within {@code lease}: its duration at most the lease less
     * the time to its last action. A repeating schedule ({@code --interval}) needs a positive {@code --limit}
     * whose last action comes before the lease ends; otherwise it is refused.
     */
    public static List<String> apply(List<String> words, Duration lease) {
        Reading r = read(words);
        Duration last = r.lastAction();
        if (last.compareTo(lease) >= 0) {
            throw new IllegalArgumentException(GlobalOptions.INTERVAL + " "
                    + r.globals().get(GlobalOptions.INTERVAL)
                    + " " + GlobalOptions.LIMIT + " " + r.globals().get(GlobalOptions.LIMIT)
                    + ": the last action would come " + format(last) + " after the first, past the run's lease of "
                    + format(lease));
        }
        Duration room = lease.minus(last);
        List<String> out = new ArrayList<>(words);
        if (r.verb() == null || !r.verb().lasting()) return out;
        Given d = r.duration();
        if (d == null) {
            out.add(r.verbAt() + 1, format(room));
            out.add(r.verbAt() + 1, Verb.DURATION);
        } else if (d.nanos() > room.toNanos()) {
            out.set(d.at(), d.prefix() + format(room));
        }
        return out;
    }

    public static Reading read(List<String> words) {
        Map<String, String> given = new HashMap<>();
        int i = 0;
        while (i < words.size() && words.get(i).startsWith("-") && !words.get(i).equals("--")) {
            Option.Attached a = Option.in(GlobalOptions.ALL, words.get(i));
            if (a == null) {
                throw new IllegalArgumentException("the sidecar has no option " + words.get(i) + " before its verb");
            }
            String value = !a.option().valued()
                    ? ""
                    : a.prefix() != null ? a.value() : i + 1 < words.size() ? words.get(i + 1) : "";
            given.put(a.option().names().get(0), value);
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
