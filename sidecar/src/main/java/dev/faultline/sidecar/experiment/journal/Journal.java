package dev.faultline.sidecar.experiment.journal;

import dev.faultline.common.sidecar.Verb;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Changes written down before they are applied, and marked done once their revert is verified, so that a sidecar
 * killed in between reverts them on its next start. One line per event, fsynced. An {@code APPLY2} line ends in
 * its CRC-32: a line torn by a kill during the write is ignored (the change it announced never started), never
 * read as a shorter list of revert commands.
 */
public final class Journal {
    private static final String FIELD = "\t";
    private static final String ARG = "\u001f";
    private static final String CMD = "\u001e";

    /** What a change is, so recovery knows how to undo it. */
    public enum Kind {
        /** tc, ip or iptables in a network namespace: the revert and verify lists are commands run there. */
        NETWORK,
        /** A container paused through the engine: undone by unpausing it. */
        PAUSE,
        /** A CRI container's cgroup frozen: the revert and verify lists are shell commands on the host, no runtime needed. */
        FREEZE,
        /**
         * A fault armed in a JVM the sidecar attached to: undone by the agent's own {@code cmd=clear}, delivered by a
         * repeated attach (no secret kept: the journal holds the JVM's pid and start time only).
         */
        JVM,
        /** stress-ng in a target's cgroup: the revert and verify lists are shell commands on the host (its process group). */
        STRESS,
        /** A container stopped by {@code stop --restart}, to be started again through the engine. */
        STOPPED;

        /**
         * What a verb's changes are journalled as: a lasting verb's, one kind per backend's way; none for a verb
         * that acts once.
         */
        public static Set<Kind> of(Verb verb) {
            return switch (verb) {
                // Docker pauses through the engine; CRI has no pause: its cgroup is frozen
                case PAUSE -> EnumSet.of(PAUSE, FREEZE);
                case NETEM, IPTABLES -> EnumSet.of(NETWORK);
                case JVM -> EnumSet.of(JVM);
                case STRESS -> EnumSet.of(STRESS);
                case STOP -> EnumSet.of(STOPPED); // with --restart: the start still to make
                case KILL, RESTART, RM, CRASH, EXEC, DAEMON -> EnumSet.noneOf(Kind.class);
            };
        }
    }

    /**
     * A change still in force: what container it is in, the commands that undo it and the ones that succeed only once
     * it is gone (each exits 0 when the target is clean).
     */
    public record Entry(
            String id,
            String containerId,
            Owner owner,
            long deadlineEpochMillis,
            Kind kind,
            List<List<String>> revert,
            List<List<String>> verify) {
        public Entry(String id, String containerId, Owner owner, long deadlineEpochMillis, List<List<String>> revert) {
            this(id, containerId, owner, deadlineEpochMillis, Kind.NETWORK, revert, List.of());
        }

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

    /** Written (and fsynced) before the change starts; throws, and so refuses the change, when it cannot be. */
    public synchronized void applying(Entry e) {
        String payload = String.join(
                FIELD,
                "APPLY2",
                e.id(),
                e.containerId(),
                e.owner().toString(),
                Long.toString(e.deadlineEpochMillis()),
                e.kind().name(),
                commands(e.revert()),
                commands(e.verify()));
        try {
            append(payload + FIELD + crc(payload));
        } catch (IllegalStateException full) {
            throw new IllegalStateException(
                    full.getMessage()
                            + " (the change was refused, nothing was changed: free space there or set FAULTLINE_JOURNAL)",
                    full);
        }
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
                if (f[0].equals("APPLY2")
                        && f.length == 9
                        && crc(line.substring(0, line.lastIndexOf(FIELD))).equals(f[8])) {
                    open.put(
                            f[1],
                            new Entry(
                                    f[1],
                                    f[2],
                                    Owner.parse(f[3]),
                                    Long.parseLong(f[4]),
                                    Kind.valueOf(f[5]),
                                    parse(f[6]),
                                    parse(f[7])));
                } else if (f[0].equals("APPLY") && f.length == 6) { // written before APPLY2: network changes only
                    open.put(f[1], new Entry(f[1], f[2], Owner.parse(f[3]), Long.parseLong(f[4]), parse(f[5])));
                } else if (f[0].equals("DONE") && f.length == 2) {
                    open.remove(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("journal " + file + " unreadable: " + e.getMessage(), e);
        }
        return new ArrayList<>(open.values());
    }

    /** Rewrites the file with only what is still open: into a new file, then renamed over the old one. */
    public synchronized void compact() {
        List<Entry> open = pending();
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Journal rewritten = new Journal(next);
        try {
            Files.deleteIfExists(next);
            open.forEach(rewritten::applying);
            if (open.isEmpty()) Files.deleteIfExists(file);
            else Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException ignored) {
            // kept as is; pending() still reads it right
        }
    }

    private static String commands(List<List<String>> cmds) {
        List<String> out = new ArrayList<>();
        for (List<String> c : cmds) out.add(String.join(ARG, c));
        return String.join(CMD, out);
    }

    private static List<List<String>> parse(String field) {
        List<List<String>> cmds = new ArrayList<>();
        if (field.isEmpty()) return cmds;
        for (String c : field.split(CMD)) cmds.add(List.of(c.split(ARG, -1)));
        return cmds;
    }

    private static String crc(String payload) {
        CRC32 crc = new CRC32();
        crc.update(payload.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private boolean endsTorn() throws IOException {
        try (var r = new RandomAccessFile(file.toFile(), "r")) {
            if (r.length() == 0) return false;
            r.seek(r.length() - 1);
            return r.read() != '\n';
        }
    }

    private void append(String line) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (var ch = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                // a line torn by a kill mid-write is closed first, so that it cannot swallow this one
                String torn = endsTorn() ? "\n" : "";
                ByteBuffer b = ByteBuffer.wrap((torn + line + "\n").getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the journal " + file + ": " + e.getMessage(), e);
        }
    }
}
