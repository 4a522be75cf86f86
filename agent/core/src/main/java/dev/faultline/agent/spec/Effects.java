package dev.faultline.agent.spec;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import java.util.Map;
import java.util.Set;

/**
 * Each kind of effect's keys and checks, by action, in one place; its canonical part is its record's own
 * ({@link Effect}). The selectors' and gates' keys are {@link SpecParser}'s.
 */
final class Effects {
    private Effects() {}

    private static final Map<Action, Set<String>> KEYS = Map.of(
            Action.LATENCY, Set.of("delay", "jitter"),
            Action.ERROR, Set.of("exception", "message", "force"),
            Action.HANG, Set.of("for"),
            Action.THROTTLE, Set.of("rate"),
            Action.EXIT, Set.of("code"),
            Action.HALT, Set.of("code"),
            Action.STRESS, Set.of("cpu", "memory", "for", "force"));

    static boolean takes(Action action, String key) {
        return KEYS.get(action).contains(key);
    }

    /** Reads and checks the effect's own keys (checkKeys has refused every other effect's). */
    static Effect parse(Action action, SpecParser.Values v) {
        return switch (action) {
            case LATENCY -> latency(v);
            case ERROR -> failure(v);
            case HANG -> new Effect.Hang(v.duration("for", 0));
            case THROTTLE -> throttle(v);
            case EXIT, HALT -> processEnd(action, v);
            case STRESS -> stress(v);
        };
    }

    private static Effect latency(SpecParser.Values v) {
        Map<String, String> kv = v.kv();
        long delay = v.duration("delay", 0);
        if (!kv.containsKey("delay")) throw new SpecException("latency needs delay=, e.g. delay=200ms");
        long jitter = v.duration("jitter", 0);
        if (jitter > delay) {
            throw new SpecException("jitter=" + kv.get("jitter") + ": larger than delay=" + kv.get("delay")
                    + " (jitter is ± around the delay)");
        }
        return new Effect.Latency(delay, jitter);
    }

    private static Effect failure(SpecParser.Values v) {
        String exception = v.kv().get("exception");
        if (exception != null && !exception.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
            throw new SpecException("exception=" + exception + ": not a class name");
        }
        return new Effect.Failure(exception, v.kv().get("message"));
    }

    private static Effect throttle(SpecParser.Values v) {
        long rate = v.size("rate", 0);
        if (rate <= 0) throw new SpecException("throttle needs rate= above zero, e.g. rate=64kb (bytes per second)");
        return new Effect.Throttle(rate);
    }

    private static Effect processEnd(Action action, SpecParser.Values v) {
        long code = v.kv().containsKey("code") ? v.anyLong("code") : (action == Action.HALT ? 137 : 1);
        if (code < 0 || code > 255) { // checked before narrowing: 4294967296 must not become 0
            throw new SpecException("code=" + v.kv().get("code") + ": an exit code is 0-255");
        }
        return new Effect.ProcessEnd(action == Action.HALT, (int) code);
    }

    private static Effect stress(SpecParser.Values v) {
        Map<String, String> kv = v.kv();
        long cpu = v.positiveLong("cpu", 0);
        if (cpu > 10_000) throw new SpecException("cpu=" + kv.get("cpu") + ": at most 10000 threads");
        long memory = v.size("memory", 0);
        long forNanos = v.duration("for", 0);
        if (kv.containsKey("memory") && memory == 0)
            throw new SpecException("memory=" + kv.get("memory") + ": must be above zero");
        if (cpu == 0 && memory == 0) throw new SpecException("stress needs cpu=<threads> or memory=<size>");
        if (cpu > 0 && memory > 0) throw new SpecException("stress takes cpu= or memory=, not both: arm two faults");
        if (forNanos <= 0) throw new SpecException("stress needs for=<duration>, e.g. for=60s");
        return new Effect.Stress((int) cpu, memory, forNanos);
    }
}
