package dev.faultline.agent.it;

/** One {@link ProbeApp} answer: {@code OK <detail> <µs>} or {@code ERR <exception>: <message> <µs>}. */
public record Answer(String line) {
    public boolean ok() {
        return line.startsWith("OK ");
    }

    public boolean failed() {
        return line.startsWith("ERR ");
    }

    public long millis() {
        return micros() / 1000;
    }

    /**
     * Whether the call took at least {@code ms}, less 1 %. An injected pause is timed by the agent's own clock
     * readings; on a shared VM a thread that moves between cores has been seen to read the monotonic clock a
     * fraction of a millisecond differently (a 500 ms hang measured as 499.7 ms), which is not what a test of
     * "the fault held the call" is about.
     */
    public boolean tookAtLeast(long ms) {
        return micros() >= ms * 990;
    }

    private long micros() {
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    }

    public String detail() {
        return line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
    }

    @Override
    public String toString() {
        return line;
    }
}
