package dev.faultline.common.jmx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JDK's JMX access file ({@code <user> readonly|readwrite [create …]}, {@code #} comments), plus the sidecar's
 * {@code <user> attach} (readwrite and the {@code jvm} verbs). Faultline reads it itself: the JDK's own controller
 * treats every operation as a write, so a {@code readonly} user could not even call {@code list()}. {@code create}
 * clauses are ignored: nobody creates MBeans over our port.
 */
public final class AccessFile {
    private AccessFile() {}

    public static Map<String, Role> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("access file " + file + " unreadable: " + e.getMessage(), e);
        }
    }

    static Map<String, Role> parse(List<String> lines, String where) {
        Map<String, Role> roles = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] words = line.split("\\s+");
            if (words.length < 2)
                throw new IllegalArgumentException(
                        where + " line " + (i + 1) + ": expected '<user> readonly|readwrite|attach'");
            Role role = switch (words[1]) {
                case "readonly" -> Role.READONLY;
                case "readwrite" -> Role.READWRITE;
                case "attach" -> Role.ATTACH;
                default ->
                    throw new IllegalArgumentException(
                            where + " line " + (i + 1) + ": '" + words[1] + "' is not readonly, readwrite or attach");
            };
            roles.put(words[0], role);
        }
        return roles;
    }
}
