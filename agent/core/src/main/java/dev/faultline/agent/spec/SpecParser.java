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
import java.util.ArrayList;
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

    private static final String HOOK_WORDS =
            "connect, read, write, dns, method, http-server, http-client, grpc-server, grpc-client";

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
        List<String> headers = new ArrayList<>();
        for (String token : tokens.subList(1, tokens.size())) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new SpecException("'" + token + "': expected key=value");
            }
            String key = token.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = token.substring(eq + 1);
            if (key.equals("header")) headers.add(value); // repeatable: one header= per response header
            if (kv.put(key, value) != null && !key.equals("header")) {
                throw new SpecException("'" + key + "' given twice");
            }
        }
        Hook hook = parseHook(action, kv.get("on"));
        checkKeys(action, hook, kv);
        return build(spec.strip(), action, hook, new Values(kv, headers));
    }

    private static FaultSpec build(String text, Action action, Hook hook, Values v) {
        Map<String, String> kv = v.kv();
        Effect effect = Effects.parse(action, hook, v);
        Gates gates = gates(v);
        String classPattern = kv.get("class");
        String methodPattern = kv.get("method");
        if (hook == Hook.METHOD && (classPattern == null || methodPattern == null)) {
            throw new SpecException(
                    "on=method needs class= and method=, e.g. class=com.acme.PaymentClient method=charge");
        }
        String pathPattern = null, servicePattern = null;
        if (hook != null && hook.isProtocol()) {
            methodPattern = methodPattern == null ? null : protocolMethod(hook, methodPattern);
            pathPattern = kv.containsKey("path") ? path(kv.get("path")) : null;
            servicePattern = kv.containsKey("service") ? glob("service", kv.get("service")) : null;
        }
        Where where = new Where(
                hook,
                kv.containsKey("host") ? SpecException.refusing(() -> HostSelector.parse(kv.get("host"))) : null,
                kv.containsKey("port") ? SpecException.refusing(() -> PortRange.parse(kv.get("port"))) : null,
                classPattern,
                methodPattern,
                pathPattern,
                servicePattern);
        return new FaultSpec(text, effect, where, gates, v.bool("force"));
    }

    /** method= on http-*: an HTTP verb (or *), kept upper case; on grpc-*: a glob of the method name. */
    private static String protocolMethod(Hook hook, String value) {
        if (hook.isGrpc()) return glob("method", value);
        if (value.equals("*")) return value;
        if (!value.matches("[A-Za-z]+")) {
            throw new SpecException("method=" + value + ": on=" + hook.word()
                    + " method= is the HTTP verb (GET, POST, …) or *, not a glob or a path");
        }
        return value.toUpperCase(Locale.ROOT);
    }

    private static String path(String value) {
        if (!value.startsWith("/") && !value.startsWith("*")) {
            throw new SpecException("path=" + value + ": a request path starts with / (a glob: path=/api/*)");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    private static String glob(String key, String value) {
        if (value.isEmpty()) throw new SpecException(key + "=: empty; a glob such as " + key + "=checkout.*");
        return value.toLowerCase(Locale.ROOT);
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
            throw new SpecException(action.word() + " needs on=<" + HOOK_WORDS.replace(", ", "|") + ">");
        }
        Hook hook = Hook.ofWord(on);
        if (hook == null && (on.equalsIgnoreCase("http-*") || on.equalsIgnoreCase("grpc-*"))) {
            String side = on.substring(0, on.length() - 1).toLowerCase(Locale.ROOT);
            throw new SpecException("on=" + on + ": name one side, on=" + side + "server or on=" + side
                    + "client (a fault acts on one side; arm one per side)");
        }
        if (hook == null) {
            throw new SpecException("on=" + on + ": unknown hook; expected one of " + HOOK_WORDS);
        }
        if (action == Action.THROTTLE && hook != Hook.READ && hook != Hook.WRITE) {
            throw new SpecException("throttle works on=read or on=write, not on=" + on);
        }
        if (action == Action.HANG && hook.isProtocol()) {
            throw new SpecException("hang on=" + hook.word()
                    + ": not a protocol fault; slow the call with latency delay= (beyond its deadline for a"
                    + " timeout), or hang its bytes with on=read");
        }
        return hook;
    }

    private static void checkKeys(Action action, Hook hook, Map<String, String> kv) {
        for (String key : kv.keySet()) {
            if (!allowed(action, hook, key)) {
                String why = whyNot(action, hook, key);
                throw new SpecException("'" + key + "=" + kv.get(key) + "': not a key of " + action.word()
                        + (hook == null ? "" : " on=" + hook.word()) + (why == null ? "" : ": " + why));
            }
        }
    }

    private static boolean allowed(Action action, Hook hook, String key) {
        if (GATES.contains(key)) return true;
        if (hook == Hook.METHOD && METHOD.contains(key)) return true;
        if (hook == Hook.DNS && (key.equals("on") || key.equals("host"))) return true;
        if (hook != null && hook.isNetwork() && hook != Hook.DNS && NETWORK.contains(key)) return true;
        if (hook != null && hook.isProtocol() && protocolSelector(hook, key)) return true;
        return Effects.takes(action, hook, key);
    }

    /** on= and method= everywhere; path= for HTTP, service= for gRPC; the peer's host= on clients; port= on both. */
    private static boolean protocolSelector(Hook hook, String key) {
        return switch (key) {
            case "on", "method", "port" -> true;
            case "path" -> hook.isHttp();
            case "service" -> hook.isGrpc();
            case "host" -> hook.isClient();
            default -> false;
        };
    }

    /** The reason a key is refused, where a likely mix-up has one. */
    private static String whyNot(Action action, Hook hook, String key) {
        boolean protocol = hook != null && hook.isProtocol();
        if ((key.equals("status") || key.equals("body") || key.equals("header")) && !protocol) {
            return key + "= belongs to on=http-server|http-client|grpc-server|grpc-client";
        }
        if ((key.equals("body") || key.equals("header") || key.equals("status")) && action != Action.ERROR) {
            return action.word() + " only delays the call; " + key + "= goes with error status=";
        }
        if ((key.equals("body") || key.equals("header")) && hook.isGrpc()) {
            return "a gRPC status carries message=, not " + key + "=";
        }
        if (key.equals("path") && protocol && hook.isGrpc()) {
            return "a gRPC call has service= and method=, not a path";
        }
        if (key.equals("service") && protocol && hook.isHttp()) {
            return "service= names a gRPC service; HTTP requests take path= and method=";
        }
        if (key.equals("host") && protocol) {
            return "a server's requests come from any host; select them by port= (the server's own port) or path=";
        }
        if (key.equals("exception") && protocol) {
            return "a " + hook.word() + " fault answers with status= (exception= is for on=http-client)";
        }
        return null;
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
    record Values(Map<String, String> kv, List<String> headers) {
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
