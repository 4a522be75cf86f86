package dev.faultline.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A fault of the Faultline agent, in its own grammar ({@code "error on=connect port=6379"}), armed before the test
 * (on a class: before each of its tests) and removed after it, pass or fail. A spec the agent refuses fails the test
 * with the agent's message before its body runs. Registers {@link FaultlineExtension} and takes the exclusive
 * {@link FaultlineExtension#LOCK}: faults are process-wide, so under parallel execution two tests that arm faults
 * never overlap.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(Fault.List.class)
@ExtendWith(FaultlineExtension.class)
@ResourceLock(FaultlineExtension.LOCK)
public @interface Fault {
    /** The spec, as {@code dev.faultline:type=Agent}'s {@code add} takes it. */
    String value();

    /** The container of repeated {@link Fault}s; carries the same extension and lock. */
    @Documented
    @Inherited
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @ExtendWith(FaultlineExtension.class)
    @ResourceLock(FaultlineExtension.LOCK)
    @interface List {
        Fault[] value();
    }
}
