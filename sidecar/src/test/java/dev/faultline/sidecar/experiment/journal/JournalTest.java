package dev.faultline.sidecar.experiment.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    static final List<List<String>> REVERT =
            List.of(List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:"));
    static final List<List<String>> VERIFY = List.of(List.of("sh", "-c", "exit 0", "verify", "eth0"));

    @Test
    void kindsAndVerifyCommandsAreReadBack(@TempDir Path dir) {
        Journal j = new Journal(dir.resolve("journal"));
        j.applying(new Journal.Entry("n", "c1", new Owner(1, 2), 3, Journal.Kind.NETWORK, REVERT, VERIFY));
        j.applying(new Journal.Entry("p", "c2", new Owner(1, 2), 3, Journal.Kind.PAUSE, List.of(), List.of()));
        List<Journal.Entry> open = j.pending();
        assertEquals(
                List.of(
                        new Journal.Entry("n", "c1", new Owner(1, 2), 3, Journal.Kind.NETWORK, REVERT, VERIFY),
                        new Journal.Entry("p", "c2", new Owner(1, 2), 3, Journal.Kind.PAUSE, List.of(), List.of())),
                open);
    }

    /** A kill during the write leaves half a line: never read as a shorter revert (tc qdisc del dev eth0 root, the target's own). */
    @Test
    void aLineTornByAKillIsIgnoredAndDoesNotSwallowTheNext(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("journal");
        Journal j = new Journal(file);
        j.applying(new Journal.Entry("whole", "c1", new Owner(1, 2), 3, Journal.Kind.NETWORK, REVERT, VERIFY));
        String line = Files.readString(file);
        Files.writeString(
                file,
                line.substring(0, line.indexOf("root") + 4),
                StandardCharsets.UTF_8,
                StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(List.of(), j.pending(), "the torn entry is not read");
        j.applying(new Journal.Entry("next", "c2", new Owner(1, 2), 3, Journal.Kind.NETWORK, REVERT, VERIFY));
        assertEquals(
                List.of("next"), j.pending().stream().map(Journal.Entry::id).toList());
        j.reverted("next");
        j.compact();
        assertTrue(!Files.exists(file) || j.pending().isEmpty());
    }

    @Test
    void aJournalWrittenBeforeVerifyCommandsIsStillRecovered(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("journal");
        Files.writeString(file, "APPLY\told\tc1\t42\t0\ttc\u001fqdisc\u001fdel\n");
        Journal.Entry e = new Journal(file).pending().get(0);
        assertEquals(Journal.Kind.NETWORK, e.kind());
        assertEquals(List.of(List.of("tc", "qdisc", "del")), e.revert());
        assertEquals(List.of(), e.verify());
    }
}
