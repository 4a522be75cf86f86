package dev.faultline.common.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded source of hostile control-plane input: shell injections (quotes, {@code ;}, {@code $()}, backticks,
 * pipes, newlines), NULs and other control characters, long tokens, Unicode, and valid commands with one of
 * those spliced in. Every injection names {@link #marker()}, so a test can look for it in the command lines of
 * whatever processes exist, and for the file it would create.
 */
public final class HostileStrings {
    private static final String NOISE =
            "abcxyz019 =-_./:;,'\"`$(){}[]<>|&*?!#~^%@+\\\n\r\t\0\u00e9\u4e2d\u202e\ud83d\ude00\u0000\u001b";
    private final Random random;
    private final String marker;
    private final List<String> templates;

    /** @param templates valid commands of the program under test, to be mutated */
    public HostileStrings(long seed, List<String> templates) {
        this.random = new Random(seed);
        this.marker = "FLFUZZ" + Long.toHexString(seed).replace('-', 'n');
        this.templates = templates;
    }

    /** What every injection tries to leave behind: a file {@code /tmp/<marker>} and a process naming it. */
    public String marker() {
        return marker;
    }

    public String next() {
        return switch (random.nextInt(6)) {
            case 0 -> noise(random.nextInt(80));
            case 1 -> injection();
            case 2 -> longToken();
            default -> mutate(templates.get(random.nextInt(templates.size())));
        };
    }

    private String injection() {
        String touch = "touch /tmp/" + marker;
        String[] forms = {
            "; " + touch,
            "$(" + touch + ")",
            "`" + touch + "`",
            "| " + touch,
            "&& " + touch,
            "\n" + touch,
            "'; " + touch + "; '",
            "\"; " + touch + "; \"",
            "${IFS}" + touch.replace(' ', '\t'),
            "\0" + touch,
            "\"$(" + touch + ")\"",
            "x=$(" + touch + ")",
            "--" + touch,
            "-e " + touch
        };
        return forms[random.nextInt(forms.length)];
    }

    private String longToken() {
        StringBuilder b = new StringBuilder();
        int n = 1_000 + random.nextInt(60_000);
        char c = NOISE.charAt(random.nextInt(NOISE.length()));
        for (int i = 0; i < n; i++)
            b.append(random.nextInt(10) == 0 ? NOISE.charAt(random.nextInt(NOISE.length())) : c);
        return random.nextBoolean() ? b.toString() : "latency on=read delay=" + b;
    }

    private String noise(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(
                    random.nextInt(4) == 0
                            ? (char) random.nextInt(0x3000)
                            : NOISE.charAt(random.nextInt(NOISE.length())));
        }
        return b.toString();
    }

    /** A valid command with one word (or the value after its {@code =}) replaced, or a hostile word added. */
    private String mutate(String template) {
        List<String> words = new ArrayList<>(List.of(template.split(" ")));
        String payload = random.nextInt(3) == 0 ? noise(1 + random.nextInt(12)) : injection();
        int i = random.nextInt(words.size());
        switch (random.nextInt(4)) {
            case 0 -> {
                String w = words.get(i);
                int eq = w.indexOf('=');
                words.set(i, eq > 0 ? w.substring(0, eq + 1) + payload : payload);
            }
            case 1 -> words.add(i, payload);
            case 2 -> words.set(i, words.get(i) + payload);
            default -> words.add(payload);
        }
        return String.join(" ", words);
    }
}
