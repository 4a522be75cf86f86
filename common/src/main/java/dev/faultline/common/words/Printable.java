package dev.faultline.common.words;

/**
 * Refusal messages echo what the operator sent, and what was sent may be hostile: kilobytes of one token,
 * NULs, escape sequences, bidirectional overrides. A message made printable keeps its explanation whole, shows
 * control and format characters as {@code \\uXXXX}, shortens any word over {@value #LONG_WORD} characters and
 * the whole over {@value #LONG_MESSAGE}.
 */
public final class Printable {
    static final int LONG_WORD = 80;
    static final int LONG_MESSAGE = 300;

    private Printable() {}

    public static String message(String message) {
        if (message == null) return null;
        StringBuilder out = new StringBuilder();
        int wordStart = 0;
        for (int i = 0; i <= message.length(); i++) {
            if (i == message.length() || message.charAt(i) == ' ') {
                word(message.substring(wordStart, i), out);
                if (i < message.length()) out.append(' ');
                wordStart = i + 1;
            }
        }
        return out.length() <= LONG_MESSAGE ? out.toString() : out.substring(0, LONG_MESSAGE - 1) + "…";
    }

    private static void word(String w, StringBuilder out) {
        String shown = w.length() <= LONG_WORD ? w : w.substring(0, 60) + "…(" + w.length() + " chars)";
        shown.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (Character.isISOControl(c)
                    || type == Character.FORMAT
                    || type == Character.SURROGATE
                    || type == Character.UNASSIGNED) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
    }
}
