package dev.faultline.agent.attach;

import java.io.PrintStream;

/** {@code java -jar faultline-agent.jar list | attach <pid|name> [options]}. */
public final class AttachCli {
    private AttachCli() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        err.println("usage: java -jar faultline-agent.jar list | attach <pid|name> [key=value,...]");
        return 2;
    }
}
