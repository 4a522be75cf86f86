package dev.faultline.agent.process;

import dev.faultline.agent.bootstrap.FaultRule;
import dev.faultline.agent.bootstrap.Action;

/** {@code exit code=N} (System.exit: shutdown hooks run) and {@code halt code=N} (Runtime.halt: a crash, they don't). */
final class ProcessEnd extends ProcessFault {
    ProcessEnd(FaultRule rule) {
        super(rule);
    }

    @Override
    void act() {
        int code = rule.spec().code();
        if (rule.spec().action() == Action.HALT) {
            log.warn("{}: halting the JVM with code {} (no shutdown hooks)", rule.id(), code);
            System.err.flush();
            Runtime.getRuntime().halt(code);
        } else {
            log.warn("{}: exiting the JVM with code {} (shutdown hooks run)", rule.id(), code);
            System.exit(code);
        }
    }
}
