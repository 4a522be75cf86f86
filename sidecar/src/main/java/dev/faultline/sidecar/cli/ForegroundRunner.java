package dev.faultline.sidecar.cli;

import dev.faultline.sidecar.experiment.Experiment;
import dev.faultline.sidecar.experiment.journal.Journal;
import dev.faultline.sidecar.jvmcontrol.JvmSessions;
import dev.faultline.sidecar.runtime.ContainerRuntime;
import dev.faultline.sidecar.runtime.detect.Runtimes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The command line: the experiment runs in the foreground; SIGTERM (or Ctrl-C) stops it and waits for its revert. */
public final class ForegroundRunner implements Runner {
    private final Journal journal;
    private final AtomicLong ids = new AtomicLong();
    private ContainerRuntime runtime;
    private RuntimeException unavailable;

    public ForegroundRunner(Journal journal) {
        this.journal = journal;
    }

    @Override
    public synchronized ContainerRuntime runtime(Runtimes.Flags flags) {
        if (unavailable != null) throw unavailable; // probed once: a silent socket costs its deadline once
        if (runtime == null) {
            try {
                runtime = Runtimes.open(flags);
            } catch (RuntimeException e) {
                unavailable = e;
                throw e;
            }
        }
        return runtime;
    }

    @Override
    public Journal journal() {
        return journal;
    }

    @Override
    public String who() {
        return "cli:" + System.getProperty("user.name");
    }

    @Override
    public String newId() {
        return "c" + ProcessHandle.current().pid() + "-" + ids.incrementAndGet();
    }

    @Override
    public int execute(Experiment experiment) {
        // the hook waits for the revert, not for this thread: after a SIGTERM this thread ends in main's
        // System.exit, which blocks while hooks run, so joining it would hold every stop for the full 15 s
        CountDownLatch finished = new CountDownLatch(1);
        Thread onTerm = new Thread(
                () -> {
                    experiment.stop();
                    try {
                        finished.await(15, TimeUnit.SECONDS); // the revert runs in the experiment's finally blocks
                    } catch (InterruptedException ignored) {
                        // exiting anyway
                    }
                },
                "faultline-shutdown");
        Runtime.getRuntime().addShutdownHook(onTerm);
        try {
            experiment.run();
        } finally {
            // reverted: a JVM this process attached keeps no connector and no control directory of a secret that
            // ends with this process (before the count-down, so that a SIGTERM's hook waits for it too)
            JvmSessions.closeAll();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onTerm);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running (SIGTERM): it waits for us
            }
        }
        return experiment.lastError() == null ? 0 : 1;
    }
}
