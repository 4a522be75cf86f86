package dev.faultline.cli.command;

/** The documented exit codes (README, "The operator's command line"). */
public final class ExitCode {
    /** every target confirmed; the file is valid */
    public static final int OK = 0;
    /** some target did not confirm (named on stderr), or the file was refused */
    public static final int FAILED = 1;
    /** the command line itself is wrong */
    public static final int USAGE = 2;
    /** no targets: --docker-label matched no running container, a matched container's JMX port is unknown, or no engine answered; nothing was called */
    public static final int NO_TARGETS = 3;

    private ExitCode() {}
}
