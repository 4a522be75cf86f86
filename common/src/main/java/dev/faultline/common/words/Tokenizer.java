package dev.faultline.common.words;

import java.util.ArrayList;
import java.util.List;

/**
 * How both programs split a line of words: whitespace separates, double quotes hold spaces
 * ({@code message="card network down"}, {@code --label "tier=blue green"}) and are removed. An unterminated
 * quote is refused: a half-quoted line is a typo, and guessing where it ends would change what runs.
 */
public final class Tokenizer {
    private Tokenizer() {}

    public static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException("unterminated quote in: " + line);
        if (cur.length() > 0) out.add(cur.toString()); // "" is no word: both programs always read it so
        return out;
    }
}
