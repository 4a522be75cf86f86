package dev.faultline.common.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * An HTTP answer of the engine: its status ({@code -1} when the text is not HTTP), its status line and head, and its
 * body, de-chunked and read as UTF-8.
 */
public record EngineAnswer(int status, String statusLine, String head, String body) {
    public boolean ok() {
        return status / 100 == 2;
    }

    /** The value of the first header of that name, or null. */
    public String header(String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The status of an HTTP/1.x status line, or -1. */
    public static int status(String statusLine) {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') return -1;
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether an answer's head says its body is chunked. */
    static boolean chunked(String head) {
        return head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked");
    }

    /** Status line, headers, then the body: as sent, or de-chunked. Text that is not HTTP gets status -1. */
    public static EngineAnswer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String first = text.lines().findFirst().orElse("");
        if (end < 0 || status(first) < 0) {
            return new EngineAnswer(-1, first, "", new String(raw, StandardCharsets.UTF_8));
        }
        String head = text.substring(0, end);
        byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
        if (chunked(head)) body = ChunkedDecoder.decode(body);
        return new EngineAnswer(status(first), first, head, new String(body, StandardCharsets.UTF_8));
    }
}
