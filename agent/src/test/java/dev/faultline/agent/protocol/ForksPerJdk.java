package dev.faultline.agent.protocol;

import dev.faultline.agent.it.ForkedService;
import dev.faultline.agent.it.Jdks;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The forked services of one test class, one per JDK, started on first use and shared by its cases (a fork with
 * the agent costs seconds): their rules cleared after each case, the JVMs stopped after the class. A JUnit extension
 * on a field of a {@code PER_CLASS} test class ({@code @RegisterExtension}), so no test class repeats that lifecycle.
 */
final class ForksPerJdk implements AutoCloseable, AfterEachCallback, AfterAllCallback {
    interface Start {
        ForkedService start() throws Exception;
    }

    private final Map<String, ForkedService> forks = new HashMap<>();

    /** The JDK's fork, started by {@code start} the first time. */
    ForkedService of(Jdks.Jdk jdk, Start start) throws Exception {
        ForkedService f = forks.get(jdk.name());
        if (f == null) {
            f = start.start();
            forks.put(jdk.name(), f);
        }
        return f;
    }

    /** {@code clear()} on every fork: no rule of one case reaches the next. */
    void clearAll() throws Exception {
        for (ForkedService f : forks.values()) f.clear();
    }

    @Override
    public void close() {
        forks.values().forEach(ForkedService::close);
        forks.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        clearAll();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
