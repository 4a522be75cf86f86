package dev.faultline.agent.log;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's own slf4j provider (relocated with slf4j, so the service's logging never sees it), in place of
 * slf4j-simple: the same lines ({@code HH:mm:ss.SSS LEVEL ShortName - message} on stderr), but without
 * {@code SimpleDateFormat}, whose locale and calendar data cost every service ~1.3 MiB of heap at start.
 */
public final class AgentLog implements SLF4JServiceProvider, ILoggerFactory {
    private static volatile int threshold = Level.INFO.toInt();
    private static final int OFF = Integer.MAX_VALUE;

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** The {@code log.level=} option: trace, debug, info, warn, error or off (checked by the option parser). */
    public static void level(String level) {
        threshold = level.equalsIgnoreCase("off")
                ? OFF
                : Level.valueOf(level.toUpperCase(Locale.ROOT)).toInt();
    }

    static boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, AgentLogger::new);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {}
}
