package dev.faultline.cli.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The words {@code /bin/sh -c "faultline ARGUMENTS"} would give the {@code faultline} program — chaoslib runs a
 * string of arguments through the shell — for the in-process {@code faultline} provider: blanks (space, tab)
 * separate, {@code '…'} holds everything, {@code "…"} holds all but {@code \$ \` \" \\}, a backslash outside quotes
 * escapes the next character, and {@code a"b c"'d'} is one word. What a shell would give a meaning of its own (a
 * {@code $} expansion, a command substitution, a pipe, a redirection, a glob, a comment, a {@code ~}, another
 * command) is refused naming the character, since no shell runs here: quote it or give the arguments as a list.
 * A {@code ${name}} of the configuration stays as it is (it is replaced before the words are split).
 */
final class ShellWords {
    private static final String OPERATORS = "|&;<>()`";
    private static final String GLOBS = "*?[{";

    private ShellWords() {}

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                if (inWord) out.add(word.toString());
                word.setLength(0);
                inWord = false;
                i++;
                continue;
            }
            if (c == '\n') {
                if (!line.substring(i).isBlank()) {
                    throw refused(i, "a newline", "a shell would run what follows as another command");
                }
                break;
            }
            if (c == '#' && !inWord) throw refused(i, "#", "a shell would take the rest of the line as a comment");
            if (c == '~' && !inWord) throw refused(i, "~", "a shell would replace it with a home directory");
            inWord = true;
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) throw new IllegalArgumentException("unterminated ' (opened at character " + (i + 1) + ")");
                word.append(line, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i + 1, word);
            } else if (c == '\\') {
                if (i + 1 == line.length()) throw refused(i, "\\ at the end", "it escapes nothing");
                if (line.charAt(i + 1) != '\n') word.append(line.charAt(i + 1)); // backslash-newline joins lines
                i += 2;
            } else if (c == '$') {
                i = placeholder(line, i, word);
            } else if (OPERATORS.indexOf(c) >= 0) {
                throw refused(i, String.valueOf(c), "a shell would read it as an operator");
            } else if (GLOBS.indexOf(c) >= 0) {
                throw refused(i, String.valueOf(c), "a shell would expand it (file names, braces)");
            } else {
                word.append(c);
                i++;
            }
        }
        if (inWord) out.add(word.toString());
        return out;
    }

    /** From just after an opening {@code "} to just after its closing one. */
    private static int doubleQuoted(String line, int i, StringBuilder word) {
        int opened = i;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') return i + 1;
            if (c == '\\' && i + 1 < line.length() && "$`\"\\\n".indexOf(line.charAt(i + 1)) >= 0) {
                if (line.charAt(i + 1) != '\n') word.append(line.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = placeholder(line, i, word);
            } else if (c == '`') {
                throw refused(i, "`", "a shell would run a command there");
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated \" (opened at character " + opened + ")");
    }

    /** A {@code ${name}} of the configuration, kept; any other {@code $} is the shell's and refused. */
    private static int placeholder(String line, int i, StringBuilder word) {
        Matcher m = Substitution.REF.matcher(line).region(i, line.length());
        if (!m.lookingAt()) throw refused(i, "$", "a shell would expand it");
        word.append(m.group());
        return m.end();
    }

    /** Names the place, never the line: at run time it holds the configuration's values, secrets included. */
    private static IllegalArgumentException refused(int at, String what, String why) {
        return new IllegalArgumentException(what + " at character " + (at + 1) + " of the arguments: " + why
                + "; quote it ('…') or give the arguments as a list");
    }
}
