package dev.faultline.sidecar.experiment.journal;

import java.time.Instant;

/**
 * The sidecar process that applied a change: its PID and when that process started. A PID alone says nothing in
 * a container, where the restarted sidecar is PID 1 again: with the start time, a change whose owner's PID now
 * belongs to another process (the restarted sidecar included) is seen as orphaned. Written {@code pid@startMillis};
 * a journal written before this has the bare PID, read with an unknown start (PID liveness only, as then).
 */
public record Owner(long pid, long startMillis) {
    public static Owner current() {
        return of(ProcessHandle.current());
    }

    static Owner of(ProcessHandle p) {
        return new Owner(
                p.pid(), p.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    /** Gone (crashed or SIGKILLed), or its PID reused by another process. */
    public boolean gone() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(p -> startMillis != 0 && of(p).startMillis() != 0 && of(p).startMillis() != startMillis)
                .orElse(true);
    }

    static Owner parse(String field) {
        int at = field.indexOf('@');
        return at < 0
                ? new Owner(Long.parseLong(field), 0)
                : new Owner(Long.parseLong(field.substring(0, at)), Long.parseLong(field.substring(at + 1)));
    }

    @Override
    public String toString() {
        return pid + "@" + startMillis;
    }
}
