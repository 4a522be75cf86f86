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
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)) / 1000;
    }

    public String detail() {
        return line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
    }

    @Override
    public String toString() {
        return line;
    }
}
