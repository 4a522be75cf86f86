package dev.faultline.agent.it;

/** A service whose main() simply returns, as a batch job's does: with the agent's connector up, the JVM must still end. */
public final class ReturningMain {
    private ReturningMain() {}

    public static void main(String[] args) throws Exception {
        System.out.println("READY");
        Thread.sleep(Long.parseLong(args[0])); // time for the control plane to start and be connected to
    }
}
