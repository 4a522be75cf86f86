package dev.faultline.cli.it;

/** A service that does nothing until its stdin closes: what the agent is loaded into. */
public final class IdleService {
    private IdleService() {}

    public static void main(String[] args) throws Exception {
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the test closes our stdin (or kills us)
        }
    }
}
