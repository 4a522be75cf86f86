package dev.faultline.junit;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Arms each {@link Fault} of a test (its class's first, outermost class first) before the test and removes them after
 * it, pass or fail, and resolves {@link Faults} parameters. Talks to the agent of this JVM through the platform MBean
 * server ({@link InProcessAgent}).
 *
 * <p>Faults are process-wide. {@link Fault} takes the exclusive resource {@link #LOCK}, so JUnit's parallel executor
 * never runs two fault tests at once and still runs other tests beside them. A test that only takes a {@link Faults}
 * parameter (no annotation) is kept apart by this extension itself: it waits for the running fault test to end; add
 * {@code @ResourceLock(FaultlineExtension.LOCK)} to let the scheduler do that instead. Tests that talk to the same
 * servers without arming faults can take {@code @ResourceLock(value = FaultlineExtension.LOCK, mode = READ)} to never
 * run beside one.
 */
public final class FaultlineExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    /** The exclusive resource of every test that arms faults. */
    public static final String LOCK = "dev.faultline.faults";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(FaultlineExtension.class);
    /** Held while a test's faults are armed; uncontended when the scheduler already honours {@link #LOCK}. */
    private static final ReentrantLock ARMED = new ReentrantLock(true);

    @Override
    public void beforeEach(ExtensionContext context) {
        List<Fault> declared = declaredFaults(context);
        Method method = context.getRequiredTestMethod();
        boolean takesFaults = Arrays.stream(method.getParameterTypes()).anyMatch(Faults.class::equals);
        if (declared.isEmpty() && !takesFaults) return;
        InProcessAgent agent = InProcessAgent.connect();
        ARMED.lock();
        Faults faults = new Faults(agent);
        context.getStore(NAMESPACE).put(Faults.class, faults);
        try {
            for (Fault fault : declared) {
                try {
                    faults.arm(fault.value());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "@Fault(\"" + fault.value() + "\") refused by the Faultline agent: " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            end(context); // the faults armed before the refused one go at once; afterEach finds nothing left
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        end(context);
    }

    private static void end(ExtensionContext context) {
        Faults faults = context.getStore(NAMESPACE).remove(Faults.class, Faults.class);
        if (faults == null) return;
        try {
            faults.removeAll();
        } finally {
            ARMED.unlock();
        }
    }

    /** The test's faults: those of its enclosing classes (outermost first), then its own. */
    private static List<Fault> declaredFaults(ExtensionContext context) {
        Deque<AnnotatedElement> elements = new ArrayDeque<>();
        for (Optional<ExtensionContext> c = Optional.of(context);
                c.isPresent();
                c = c.get().getParent()) {
            // a repeated or parameterized test's invocation and its template both name the method: once only
            c.get().getElement().filter(e -> !elements.contains(e)).ifPresent(elements::addFirst);
        }
        List<Fault> faults = new ArrayList<>();
        for (AnnotatedElement e : elements) faults.addAll(AnnotationSupport.findRepeatableAnnotations(e, Fault.class));
        return faults;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Faults.class;
    }

    @Override
    public Faults resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Faults faults = context.getStore(NAMESPACE).get(Faults.class, Faults.class);
        if (faults == null) {
            throw new ParameterResolutionException(
                    "a Faults parameter is resolved for test methods only (not constructors or lifecycle methods)");
        }
        return faults;
    }
}
