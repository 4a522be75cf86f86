package dev.faultline.common.words;

import java.util.ArrayList;
import java.util.List;

/**
 * How both programs split a line of words: whitespace separates, double quotes hold spaces
 * ({@code message="card network down"}, {@code --label "tier=blue green"}) and are removed. An unterminated
 * quote is refused: a half-quoted line is a typo, and guessing where it ends would change what runs.
 */
public final class Tokenizer {
    private Tokenizer() {
    }

    public static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false, inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (inWord) out.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quoted) throw new IllegalArgumentException("unterminated quote in: " + line);
        if (inWord) out.add(cur.toString());
        return out;
    }
}
