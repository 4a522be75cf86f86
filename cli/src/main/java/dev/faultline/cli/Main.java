package dev.faultline.cli;

/** {@code faultline …}: see {@link FaultlineCli}. Exit codes: 0 ok, 1 some target (or the file) failed, 2 usage. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        ShortConnects.install();
        System.exit(FaultlineCli.commandLine().execute(args));
    }
}
