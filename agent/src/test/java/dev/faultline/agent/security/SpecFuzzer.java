package dev.faultline.agent.security;

import dev.faultline.common.probe.HostileStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded fuzzer built from the spec grammar (README, "Fault specs"): it writes a spec from the grammar, valid or
 * nearly so, then mutates it: tokens dropped, duplicated, swapped; keys renamed, re-cased or misspelt; values
 * taken from another key's domain or pushed to their limits; quotes unbalanced; hostile text spliced in
 * ({@link HostileStrings}). The same seed gives the same sequence.
 *
 * <p>Its actions are latency, error, hang and throttle: exit, halt and stress would end or load the very JVM
 * under test (their keys still appear, as keys that do not belong). Method rules name only {@link #TARGET_PACKAGE}
 * (one small class), so an accepted one retransforms that class and nothing else.
 */
final class SpecFuzzer {
    static final String TARGET_PACKAGE = "dev.faultline.agent.security.fuzz.";
    static final String TARGET = TARGET_PACKAGE + "Target";

    private static final String[] ACTIONS = {"latency", "error", "hang", "throttle"};
    private static final String[] NETWORK_HOOKS = {"connect", "read", "write", "dns"};
    private static final String[] ALL_KEYS = {
        "on",
        "host",
        "port",
        "class",
        "method",
        "delay",
        "jitter",
        "for",
        "rate",
        "exception",
        "message",
        "force",
        "probability",
        "every",
        "limit",
        "after",
        "ttl",
        "seed",
        "code",
        "cpu",
        "memory"
    };
    private static final String[] GATES = {"probability", "every", "limit", "after", "ttl", "seed"};

    private static final String[] HOSTS = {
        "10.0.0.0/8",
        "*.internal",
        "db.internal",
        "::1",
        "fd00::/8",
        "127.0.0.1",
        "10.0.*",
        "[::1]",
        "10.0.0.0/33",
        "10.0.0.0/-1",
        "300.1.1.1",
        "::::",
        "*",
        "",
        ".",
        "fd00::/129",
        "a..b",
        "1.2.3.4/0"
    };
    private static final String[] PORTS = {
        "1",
        "5432",
        "8000-8099",
        "0",
        "65535",
        "65536",
        "-1",
        "5-1",
        "-",
        "1-",
        "a",
        "99999999999999999999",
        "1-65535",
        "08080"
    };
    private static final String[] DURATIONS = {
        "1ms",
        "200ms",
        "1m30s",
        "1.5s",
        "0",
        "10us",
        "2h",
        "1m",
        "-1s",
        "1x",
        "ms",
        "1e3s",
        "NaN",
        "9999999999999h",
        "0.0000001ms",
        "1 s",
        "1s1s",
        "1h-1m",
        "+1s",
        "0x10s",
        "1_000ms",
        "∞",
        "1m1h"
    };
    private static final String[] SIZES = {
        "64kb", "1mb", "1b", "2gb", "0kb", "-1kb", "1tb", "99999999999gb", "kb", "1.5kb", "NaNkb", "1e308gb", "64"
    };
    private static final String[] EXCEPTIONS = {
        "java.net.SocketTimeoutException",
        "java.lang.IllegalStateException",
        "java.io.IOException",
        "java.net.UnknownHostException",
        "no.such.Exception",
        "1bad",
        "java.lang.String",
        "java.lang.Runtime",
        "java..Bad",
        "java.lang.Error",
        "dev.faultline.agent.security.StaticSideEffectException",
        "$",
        "a.b."
    };
    private static final String[] NUMBERS = {
        "1", "10", "0", "-1", "2", "9223372036854775807", "9223372036854775808", "1.5", "1e3", "0x10", "+3", " 7", "٣"
    };
    private static final String[] PROBABILITIES = {
        "0.5", "1", "0", "1.0", "1.0000001", "-0", "-0.0", "NaN", "Infinity", "0x1p-3", "0.5d", "1e-300", ".5", "5."
    };
    private static final String[] BOOLEANS = {"true", "false", "TRUE", "yes", "1", ""};
    private static final String[] MESSAGES = {
        "injected", "\"card network down\"", "\"\"", "é中😀", "\"a=b c=d\"", "%s%n%x", "${jndi:ldap://x/a}"
    };
    private static final String[] CLASSES = {
        TARGET,
        TARGET + "+",
        TARGET_PACKAGE + "Tar*",
        TARGET_PACKAGE + "*",
        TARGET_PACKAGE + "Targe?",
        TARGET_PACKAGE + "NoSuch",
        TARGET_PACKAGE + "NoSuch*",
        "java.lang.Thread",
        "java.lang.*",
        "java.lang.Object+"
    };
    private static final String[] METHODS = {
        "work", "wor*", "*", "w?rk", "nosuch", "<init>", "<clinit>", "hashCode", "", "work()"
    };

    private final Random random;
    private final HostileStrings hostile;

    SpecFuzzer(long seed) {
        this.random = new Random(seed);
        this.hostile = new HostileStrings(seed, List.of(fromGrammar(new Random(seed)), fromGrammar(new Random(~seed))));
    }

    String marker() {
        return hostile.marker();
    }

    /** Mostly mutated specs from the grammar; some straight from it (so some are valid); a few pure hostile strings. */
    String next() {
        int roll = random.nextInt(100);
        if (roll < 4) return hostile.next();
        String spec = fromGrammar(random);
        if (roll < 24) return spec;
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) spec = mutate(spec);
        return spec;
    }

    /** A spec the grammar allows (sometimes with a value from the edge of its domain). */
    private String fromGrammar(Random r) {
        List<String> words = new ArrayList<>();
        String action = pick(r, ACTIONS);
        words.add(action);
        boolean method = r.nextInt(100) == 0; // method rules cost a class scan each: 1 % keeps the run under a minute
        if (method) {
            words.add("on=method");
            words.add("class=" + pick(r, CLASSES));
            words.add("method=" + pick(r, METHODS));
        } else {
            String hook = action.equals("throttle") ? (r.nextBoolean() ? "read" : "write") : pick(r, NETWORK_HOOKS);
            words.add("on=" + hook);
            if (r.nextInt(3) > 0) words.add("host=" + pick(r, HOSTS));
            if (!hook.equals("dns"))
                words.add("port=" + pick(r, PORTS)); // always a port: an accepted rule acts on nothing we use
        }
        switch (action) {
            case "latency" -> {
                words.add("delay=" + pick(r, DURATIONS));
                if (r.nextBoolean()) words.add("jitter=" + pick(r, DURATIONS));
            }
            case "error" -> {
                if (r.nextBoolean()) words.add("exception=" + pick(r, EXCEPTIONS));
                if (r.nextBoolean()) words.add("message=" + pick(r, MESSAGES));
                if (r.nextInt(4) == 0) words.add("force=" + pick(r, BOOLEANS));
            }
            case "hang" -> {
                if (r.nextBoolean()) words.add("for=" + pick(r, DURATIONS));
            }
            default -> words.add("rate=" + pick(r, SIZES));
        }
        for (String gate : GATES) {
            if (r.nextInt(4) == 0) words.add(gate + "=" + valueFor(r, gate));
        }
        return String.join(" ", words);
    }

    private String valueFor(Random r, String key) {
        return switch (key) {
            case "on" -> r.nextInt(8) == 0 ? "method" : pick(r, NETWORK_HOOKS);
            case "host" -> pick(r, HOSTS);
            case "port" -> pick(r, PORTS);
            case "class" -> pick(r, CLASSES);
            case "method" -> pick(r, METHODS);
            case "delay", "jitter", "for", "after", "ttl" -> pick(r, DURATIONS);
            case "rate", "memory" -> pick(r, SIZES);
            case "exception" -> pick(r, EXCEPTIONS);
            case "message" -> pick(r, MESSAGES);
            case "force" -> pick(r, BOOLEANS);
            case "probability" -> pick(r, PROBABILITIES);
            default -> pick(r, NUMBERS); // every, limit, seed, code, cpu
        };
    }

    /** One mutation of one token (or of the token list). */
    private String mutate(String spec) {
        List<String> words = new ArrayList<>(List.of(spec.split(" ")));
        if (words.isEmpty()) words.add("");
        int i = random.nextInt(words.size());
        String w = words.get(i);
        int eq = w.indexOf('=');
        String key = eq > 0 ? w.substring(0, eq) : w;
        switch (random.nextInt(12)) {
            case 0 -> words.remove(i); // drop
            case 1 -> words.add(random.nextInt(words.size() + 1), w); // duplicate
            case 2 -> { // swap
                int j = random.nextInt(words.size());
                words.set(i, words.get(j));
                words.set(j, w);
            }
            case 3 ->
                words.set(i, pick(random, ALL_KEYS) + (eq > 0 ? w.substring(eq) : "=" + w)); // another key, same value
            case 4 -> words.set(i, key + "=" + valueFor(random, pick(random, ALL_KEYS))); // a value of another key
            case 5 ->
                words.set(
                        i,
                        random.nextBoolean()
                                ? w.toUpperCase(Locale.ROOT)
                                : key + (eq > 0 ? "==" + w.substring(eq + 1) : "=")); // case, '=='
            case 6 -> words.set(i, w.substring(0, random.nextInt(w.length() + 1))); // truncated
            case 7 -> words.set(i, quoteGame(w));
            case 8 ->
                words.add(
                        i,
                        pick(random, ALL_KEYS) + "="
                                + valueFor(random, pick(random, ALL_KEYS))); // a key that may not belong
            case 9 -> words.set(i, key + "=" + splice(eq > 0 ? w.substring(eq + 1) : "")); // hostile value
            case 10 -> words.set(i, splice(w)); // hostile text inside the token
            default -> words.add(random.nextInt(words.size() + 1), hostileWord()); // a hostile token
        }
        return String.join(
                random.nextInt(20) == 0 ? pick(random, new String[] {"  ", "\t", "\u00a0", "\u2003", " \u200b"}) : " ",
                words);
    }

    private String quoteGame(String w) {
        return switch (random.nextInt(4)) {
            case 0 -> "\"" + w;
            case 1 -> w + "\"";
            case 2 -> "\"" + w + "\"";
            default -> w.replace("=", "=\"") + " x\"";
        };
    }

    private String splice(String w) {
        int at = random.nextInt(w.length() + 1);
        return w.substring(0, at) + hostileWord() + w.substring(at);
    }

    private String hostileWord() {
        String h = hostile.next();
        return h.length() > 200 && random.nextInt(10) > 0 ? h.substring(0, 1 + random.nextInt(200)) : h;
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
