package dev.faultline.sidecar.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pumba's netem words as tc's: port lists, the port filters they make, rate's overheads. */
class PumbaNetemWordsTest {
    @Test
    void portListsAreOneOrCommaSeparatedAndRefusedWithTheirFlag() {
        assertEquals(List.of(80, 443), Ports.parse("--egress-port", "80,443"));
        assertEquals(List.of(), Ports.parse("--egress-port", null));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Ports.parse("--ingress-port", "80,http"));
        assertEquals("--ingress-port 80,http: 'http' is not a port (1-65535)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ports.parse("--ingress-port", "0"));
        assertThrows(IllegalArgumentException.class, () -> Ports.parse("--ingress-port", "65536"));
    }

    @Test
    void portsSendOnlyMatchingPacketsThroughTheEffect() {
        TcPlan p = TcPlan.of(
                "eth0",
                List.of("netem", "delay", "100ms"),
                new TcPlan.Filters(List.of(), List.of(80), List.of(443, 8443)),
                false,
                null);
        List<List<String>> apply = p.apply();
        // the htb with an unshaped default class, the effect on class 2, one u32 filter per port
        assertEquals(
                List.of("tc", "qdisc", "add", "dev", "eth0", "root", "handle", "fa17:", "htb", "default", "1"),
                apply.get(0));
        assertEquals(
                List.of(
                        "tc", "qdisc", "add", "dev", "eth0", "parent", "fa17:2", "handle", "fa18:", "netem", "delay",
                        "100ms"),
                apply.get(3));
        assertEquals(
                List.of(
                        List.of(
                                "tc",
                                "filter",
                                "add",
                                "dev",
                                "eth0",
                                "parent",
                                "fa17:",
                                "protocol",
                                "ip",
                                "prio",
                                "1",
                                "u32",
                                "match",
                                "ip",
                                "sport",
                                "80",
                                "0xffff",
                                "flowid",
                                "fa17:2"),
                        List.of(
                                "tc",
                                "filter",
                                "add",
                                "dev",
                                "eth0",
                                "parent",
                                "fa17:",
                                "protocol",
                                "ip",
                                "prio",
                                "1",
                                "u32",
                                "match",
                                "ip",
                                "dport",
                                "443",
                                "0xffff",
                                "flowid",
                                "fa17:2"),
                        List.of(
                                "tc",
                                "filter",
                                "add",
                                "dev",
                                "eth0",
                                "parent",
                                "fa17:",
                                "protocol",
                                "ip",
                                "prio",
                                "1",
                                "u32",
                                "match",
                                "ip",
                                "dport",
                                "8443",
                                "0xffff",
                                "flowid",
                                "fa17:2")),
                apply.subList(4, 7));
        assertEquals(7, apply.size());
        assertEquals(List.of(List.of("tc", "qdisc", "del", "dev", "eth0", "root", "handle", "fa17:")), p.revert());
    }

    @Test
    void rateOverheadsGoToNetemsRateOnlyAndOnlyWhenGiven() {
        RateSpec.Overheads o = new RateSpec.Overheads(20, 48, 5);
        // tc's netem reads them by position: rate RATE [PACKETOVERHEAD [CELLSIZE [CELLOVERHEAD]]]
        assertEquals(
                List.of("netem", "rate", "1mbit", "20", "48", "5"),
                RateSpec.of("1mbit", true, o).args());
        assertEquals(
                List.of("netem", "rate", "1mbit", "0", "48"),
                RateSpec.of("1mbit", true, new RateSpec.Overheads(0, 48, 0)).args());
        assertEquals(
                List.of("netem", "rate", "1mbit", "-4"),
                RateSpec.of("1mbit", true, new RateSpec.Overheads(-4, 0, 0)).args());
        assertEquals(
                List.of("netem", "rate", "1mbit", "0", "0", "5"),
                RateSpec.of("1mbit", true, new RateSpec.Overheads(0, 0, 5)).args());
        assertEquals(
                List.of("netem", "rate", "1mbit"),
                RateSpec.of("1mbit", true, RateSpec.Overheads.NONE).args());
        assertEquals("packetoverhead 20 cellsize 48 celloverhead 5", o.toString());
        assertTrue(RateSpec.of("1mbit", false, o).args().get(0).equals("tbf"));
        assertThrows(IllegalArgumentException.class, () -> new RateSpec.Overheads(0, -1, 0));
    }
}
