package dev.faultline.agent.spec;

import dev.faultline.agent.bootstrap.Action;
import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultSpec;
import dev.faultline.agent.bootstrap.Gates;
import dev.faultline.agent.bootstrap.Hook;
import dev.faultline.agent.bootstrap.HostSelector;
import dev.faultline.agent.bootstrap.PortRange;
import dev.faultline.agent.bootstrap.Where;
import dev.faultline.common.words.Tokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code <action> key=value …}. Refuses the whole spec on the first problem, with a message that
 * names the token; values may be double-quoted to hold spaces ({@code message="card network down"}).
 */
public final class SpecParser {
    private static final Set<String> GATES = Set.of("probability", "every", "limit", "after", "ttl", "seed");
    private static final Set<String> NETWORK = Set.of("on", "host", "port");
    private static final Set<String> METHOD = Set.of("on", "class", "method");

    private SpecParser() {}

    private static final String EMPTY =
            "empty spec: expected '<action> key=value …', e.g. 'latency on=connect port=5432 delay=300ms'";

    public static FaultSpec parse(String spec) {
        if (spec == null || spec.isBlank()) throw new SpecException(EMPTY);
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (Character.isISOControl(c) && c != '\t') {
                throw new SpecException(
                        String.format("control character U+%04X at position %d: a spec is printable text", (int) c, i));
            }
        }
        List<String> tokens = tokenize(spec.strip());
        if (tokens.isEmpty())
            throw new SpecException(EMPTY + " (only quotes: " + spec.strip() + ")"); // "" is no action
        Action action = parseAction(tokens.get(0));
        Map<String, String> kv = new LinkedHashMap<>();
        for (String token : tokens.subList(1, tokens.size())) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new SpecException("'" + token + "': expected key=value");
            }
            String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
            if (kv.put(key, token.substring(eq + 1)) != null) {
                throw new SpecException("'" + key + "' given twice");
            }
        }
        Hook hook = parseHook(action, kv.get("on"));
        checkKeys(action, hook, kv);
        return build(spec.strip(), action, hook, kv);
    }

    private static FaultSpec build(String text, Action action, Hook hook, Map<String, String> kv) {
        Values v = new Values(kv);
        Effect effect = Effects.parse(action, v);
        Gates gates = gates(v);
        String classPattern = kv.get("class");
        String methodPattern = kv.get("method");
        if (hook == Hook.METHOD && (classPattern == null || methodPattern == null)) {
            throw new SpecException(
                    "on=method needs class= and method=, e.g. class=com.acme.PaymentClient method=charge");
        }
        Where where = new Where(
                hook,
                kv.containsKey("host") ? SpecException.refusing(() -> HostSelector.parse(kv.get("host"))) : null,
                kv.containsKey("port") ? SpecException.refusing(() -> PortRange.parse(kv.get("port"))) : null,
                classPattern,
                methodPattern);
        return new FaultSpec(text, effect, where, gates, v.bool("force"));
    }

    private static Gates gates(Values v) {
        Map<String, String> kv = v.kv();
        double probability = v.probability();
        long every = v.positiveLong("every", 0);
        long limit = v.positiveLong("limit", 0);
        long ttl = kv.containsKey("ttl") ? v.duration("ttl", 0) : FaultSpec.DEFAULT_TTL_NANOS;
        Long seed = kv.containsKey("seed") ? v.anyLong("seed") : null;
        if (kv.containsKey("ttl") && ttl == 0 && !kv.get("ttl").trim().matches("0+(\\.0*)?[a-z]*")) {
            throw new SpecException(
                    "ttl=" + kv.get("ttl") + ": rounds to zero, which means no expiry; write ttl=0 for that");
        }
        long after = v.duration("after", 0);
        if (ttl > 0 && after >= ttl) {
            throw new SpecException("after=" + kv.get("after") + ": not before the ttl ("
                    + (kv.containsKey("ttl") ? "ttl=" + kv.get("ttl") : "default ttl=10m")
                    + "), so the fault would never act");
        }
        return new Gates(probability, every, limit, after, ttl, seed);
    }

    private static Action parseAction(String word) {
        try {
            return Action.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecException("'" + word
                    + "': unknown action; expected one of latency, error, hang, throttle, exit, halt, stress");
        }
    }

    private static Hook parseHook(Action action, String on) {
        if (action.isProcessFault()) {
            if (on != null)
                throw new SpecException(
                        "on=" + on + ": " + action.word() + " acts on the whole process and takes no on=");
            return null;
        }
        if (on == null) {
            throw new SpecException(action.word() + " needs on=<connect|read|write|dns|method>");
        }
        Hook hook;
        try {
            hook = Hook.valueOf(on.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SpecException("on=" + on + ": unknown hook; expected connect, read, write, dns or method");
        }
        if (action == Action.THROTTLE && hook != Hook.READ && hook != Hook.WRITE) {
            throw new SpecException("throttle works on=read or on=write, not on=" + on);
        }
        return hook;
    }

    private static void checkKeys(Action action, Hook hook, Map<String, String> kv) {
        for (String key : kv.keySet()) {
            if (!allowed(action, hook, key)) {
                throw new SpecException("'" + key + "=" + kv.get(key) + "': not a key of " + action.word()
                        + (hook == null ? "" : " on=" + hook.word()));
            }
        }
    }

    private static boolean allowed(Action action, Hook hook, String key) {
        if (GATES.contains(key)) return true;
        if (hook == Hook.METHOD && METHOD.contains(key)) return true;
        if (hook == Hook.DNS && (key.equals("on") || key.equals("host"))) return true;
        if (hook != null && hook.isNetwork() && hook != Hook.DNS && NETWORK.contains(key)) return true;
        return Effects.takes(action, key);
    }

    /** The words both programs split the same way ({@link dev.faultline.common.words.Tokenizer}). */
    static List<String> tokenize(String spec) {
        try {
            return Tokenizer.words(spec);
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage());
        }
    }

    /** Typed reads of the key=value map; each error names its token. */
    record Values(Map<String, String> kv) {
        long duration(String key, long dflt) {
            String v = kv.get(key);
            return v == null ? dflt : Quantities.parseDurationNanos(key, v);
        }

        long size(String key, long dflt) {
            String v = kv.get(key);
            return v == null ? dflt : Quantities.parseSizeBytes(key, v);
        }

        long anyLong(String key) {
            try {
                return Long.parseLong(kv.get(key).trim());
            } catch (NumberFormatException e) {
                throw new SpecException(key + "=" + kv.get(key) + ": not a whole number");
            }
        }

        long positiveLong(String key, long dflt) {
            if (!kv.containsKey(key)) return dflt;
            long n = anyLong(key);
            if (n < 1) throw new SpecException(key + "=" + kv.get(key) + ": must be 1 or more");
            return n;
        }

        double probability() {
            String v = kv.get("probability");
            if (v == null) return 1.0;
            double p;
            try {
                p = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new SpecException("probability=" + v + ": not a number between 0.0 and 1.0");
            }
            if (!(p >= 0.0 && p <= 1.0)) throw new SpecException("probability=" + v + ": must be between 0.0 and 1.0");
            return p;
        }

        boolean bool(String key) {
            String v = kv.get(key);
            if (v == null) return false;
            if (v.equalsIgnoreCase("true")) return true;
            if (v.equalsIgnoreCase("false")) return false;
            throw new SpecException(key + "=" + v + ": expected true or false");
        }
    }
}
