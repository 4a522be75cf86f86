package dev.faultline.common.sidecar;

import java.util.List;

/**
 * One of the sidecar's options as its parser reads it: its names, whether it takes a value (the next word), and for a
 * flag, whether it may carry one in its own word ({@code --pull-image=false}, Pumba's boolean flags).
 */
public record Option(List<String> names, boolean valued, boolean attachedValue) {
    public Option {
        names = List.copyOf(names);
    }

    public Option(List<String> names, boolean valued) {
        this(names, valued, false);
    }

    /** A flag that may also be written {@code --name=true|false}. */
    static Option booleanFlag(String... names) {
        return new Option(List.of(names), false, true);
    }

    static Option flag(String... names) {
        return new Option(List.of(names), false);
    }

    static Option valued(String... names) {
        return new Option(List.of(names), true);
    }

    /**
     * The option a word names, itself ({@code --name}) or with an attached value ({@code --name=v}, {@code -nV});
     * null if none.
     */
    static Attached in(List<Option> options, String word) {
        for (Option o : options) {
            for (String n : o.names) {
                if (word.equals(n)) return new Attached(o, null, null);
                // a flag's value in its own word, as Pumba's --pull-image=false: one word all the same
                if (o.attachedValue && word.startsWith(n + "="))
                    return new Attached(o, n + "=", word.substring(n.length() + 1));
                if (!o.valued) continue;
                if (word.startsWith(n + "=")) return new Attached(o, n + "=", word.substring(n.length() + 1));
                // picocli's short option with its value attached: -d1h
                if (n.length() == 2 && word.length() > 2 && word.startsWith(n)) {
                    return new Attached(o, n, word.substring(2));
                }
            }
        }
        return null;
    }

    /**
     * An option in a word: {@code prefix} is the word up to its attached value, null when the value is the next
     * word.
     */
    record Attached(Option option, String prefix, String value) {}
}
