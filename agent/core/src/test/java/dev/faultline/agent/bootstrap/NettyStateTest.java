package dev.faultline.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one int the Netty hooks read per call when idle: it follows the published rule table (reads, writes, their
 * throttles) and counts the channels held back, and the read and flush hooks are idle only when both allow it.
 */
class NettyStateTest {
    private static final FaultRule[] ARMED = new FaultRule[0];

    @AfterEach
    void empty() {
        Hooks.publish(t -> RuleTable.EMPTY);
    }

    private static void publish(FaultRule[] read, FaultRule[] readThrottle, FaultRule[] write, FaultRule[] throttle) {
        Hooks.publish(t -> t.withNetwork(ARMED, read, readThrottle, write, throttle, ARMED));
    }

    private static String idle() {
        return (Hooks.nettyReadIdle() ? "read idle" : "read busy") + ", "
                + (Hooks.nettyFlushIdle() ? "flush idle" : "flush busy") + ", "
                + (NettyState.nothingHeld() ? "nothing held" : "held");
    }

    @Test
    void followsTheTableHookByHook() {
        assertEquals("read idle, flush idle, nothing held", idle());
        publish(null, null, null, null); // connect and dns rules only: neither Netty read nor flush has work
        assertEquals("read idle, flush idle, nothing held", idle());
        publish(ARMED, null, null, null);
        assertEquals("read busy, flush idle, nothing held", idle());
        publish(null, ARMED, null, null);
        assertEquals("read busy, flush idle, nothing held", idle());
        publish(null, null, ARMED, null);
        assertEquals("read idle, flush busy, nothing held", idle());
        publish(null, null, null, ARMED);
        assertEquals("read idle, flush busy, nothing held", idle());
        publish(ARMED, null, ARMED, null);
        assertEquals("read busy, flush busy, nothing held", idle());
        Hooks.publish(t -> RuleTable.EMPTY);
        assertEquals("read idle, flush idle, nothing held", idle());
    }

    @Test
    void aChannelHeldBackKeepsBothHooksBusyAfterItsRuleIsGone() {
        publish(null, null, ARMED, null);
        NettyState.held();
        NettyState.held();
        Hooks.publish(t -> RuleTable.EMPTY);
        assertEquals("read busy, flush busy, held", idle());
        NettyState.released();
        assertEquals("read busy, flush busy, held", idle());
        NettyState.released();
        assertEquals("read idle, flush idle, nothing held", idle());
        publish(ARMED, null, null, null); // the count survives the flags changing, and the flags the count
        NettyState.held();
        NettyState.released();
        assertEquals("read busy, flush idle, nothing held", idle());
    }
}
