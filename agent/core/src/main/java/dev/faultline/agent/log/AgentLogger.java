package dev.faultline.agent.log;

import java.io.PrintStream;
import java.util.TimeZone;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger of {@link AgentLog}: formats a line and prints it to the stderr of the moment. */
final class AgentLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final String shortName;

    AgentLogger(String name) {
        this.name = name;
        this.shortName = name.substring(name.lastIndexOf('.') + 1);
    }

    @Override
    public boolean isTraceEnabled() {
        return AgentLog.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return AgentLog.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return AgentLog.enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return AgentLog.enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return AgentLog.enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        StringBuilder line = new StringBuilder(96);
        clock(System.currentTimeMillis(), line);
        line.append(' ')
                .append(level.name())
                .append(' ')
                .append(shortName)
                .append(" - ")
                .append(MessageFormatter.basicArrayFormat(pattern, args));
        PrintStream err = System.err; // looked up per line, as slf4j-simple's System.err choice does
        synchronized (err) {
            err.println(line);
            if (t != null) t.printStackTrace(err);
            err.flush();
        }
    }

    /** {@code HH:mm:ss.SSS} in the default time zone, by arithmetic. */
    static void clock(long millis, StringBuilder b) {
        long local = millis + TimeZone.getDefault().getOffset(millis);
        long ms = Math.floorMod(local, 86_400_000L);
        two(b, ms / 3_600_000).append(':');
        two(b, ms / 60_000 % 60).append(':');
        two(b, ms / 1000 % 60).append('.');
        long frac = ms % 1000;
        if (frac < 100) b.append('0');
        if (frac < 10) b.append('0');
        b.append(frac);
    }

    private static StringBuilder two(StringBuilder b, long v) {
        if (v < 10) b.append('0');
        return b.append(v);
    }
}
