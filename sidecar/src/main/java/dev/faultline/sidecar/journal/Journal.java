package dev.faultline.sidecar.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network changes written down before they are applied, and marked done once reverted, so that a sidecar
 * killed in between reverts them on its next start. One line per event, fsynced.
 */
public final class Journal {
    private static final String FIELD = "\t";
    private static final String ARG = "\u001f";
    private static final String CMD = "\u001e";

    /** A change still in force: what container it is in and the commands that undo it. */
    public record Entry(String id, String containerId, Owner owner, long deadlineEpochMillis, List<List<String>> revert) {
        /** The sidecar that applied it is gone (crashed or SIGKILLed, its PID free or reused): its change is ours to revert. */
        public boolean orphaned() {
            return owner.gone();
        }
    }

    private final Path file;

    public Journal(Path file) {
        this.file = file;
    }

    public static Path defaultPath() {
        String env = System.getenv("FAULTLINE_JOURNAL");
        return Path.of(env != null && !env.isBlank() ? env : "/var/lib/faultline/journal");
    }

    public Path file() {
        return file;
    }

    public synchronized void applying(Entry e) {
        List<String> cmds = new ArrayList<>();
        for (List<String> c : e.revert()) cmds.add(String.join(ARG, c));
        append("APPLY" + FIELD + e.id() + FIELD + e.containerId() + FIELD + e.owner() + FIELD + e.deadlineEpochMillis() + FIELD + String.join(CMD, cmds));
    }

    public synchronized void reverted(String id) {
        append("DONE" + FIELD + id);
    }

    /** Changes applied and never marked reverted. */
    public synchronized List<Entry> pending() {
        Map<String, Entry> open = new LinkedHashMap<>();
        if (!Files.exists(file)) return List.of();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(FIELD, -1);
                if (f[0].equals("APPLY") && f.length == 6) {
                    List<List<String>> revert = new ArrayList<>();
                    for (String c : f[5].split(CMD)) revert.add(List.of(c.split(ARG)));
                    open.put(f[1], new Entry(f[1], f[2], Owner.parse(f[3]), Long.parseLong(f[4]), revert));
                } else if (f[0].equals("DONE") && f.length == 2) {
                    open.remove(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("journal " + file + " unreadable: " + e.getMessage(), e);
        }
        return new ArrayList<>(open.values());
    }

    /** Rewrites the file with only what is still open. */
    public synchronized void compact() {
        List<Entry> open = pending();
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // kept as is; pending() still reads it right
            return;
        }
        open.forEach(this::applying);
    }

    private void append(String line) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the journal " + file + ": " + e.getMessage(), e);
        }
    }
}
