package dev.faultline.sidecar.jmx;

/** {@code dev.faultline:type=Sidecar}, as design.md fixes it; open types only. */
public interface SidecarMBean {
    /** Same words as the CLI, e.g. {@code kill --signal SIGKILL re2:^hello}; returns the experiment id. */
    String run(String command);

    boolean stop(String id);

    /** The kill switch: ends every experiment and reverts its changes. */
    int stopAll();

    String[] list();

    long getActionsRun();

    long getContainersAffected();

    int getRulesActive();

    int getExperimentsRunning();

    /** Revert attempts that did not leave their target verified clean (each is retried), since start. */
    long getRevertFailures();

    /** Changes whose revert failed and is being retried (shown by {@link #list()} as {@code revert-pending}). */
    int getRevertsPending();

    /** Whether this kernel runs netem delay/loss/duplicate/corrupt (probed once); rate and iptables need no netem. */
    boolean isNetemAvailable();

    /** The runtime in use: {@code docker unix:///var/run/docker.sock (Docker Engine API 1.43)}, {@code cri unix:///… (containerd …)}. */
    String getRuntime();
}
