package dev.faultline.agent.process;

import dev.faultline.agent.bootstrap.Effect;
import dev.faultline.agent.bootstrap.FaultRule;

/** {@code exit code=N} (System.exit: shutdown hooks run) and {@code halt code=N} (Runtime.halt: a crash, they don't). */
final class ProcessEnd extends ProcessFault {
    private final Effect.ProcessEnd end;

    ProcessEnd(FaultRule rule, Effect.ProcessEnd end) {
        super(rule);
        this.end = end;
    }

    @Override
    void act() {
        int code = end.code();
        if (end.halt()) {
            log.warn("{}: halting the JVM with code {} (no shutdown hooks)", rule.id(), code);
            System.err.flush();
            Runtime.getRuntime().halt(code);
        } else {
            log.warn("{}: exiting the JVM with code {} (shutdown hooks run)", rule.id(), code);
            System.exit(code);
        }
    }
}
