package dev.faultline.samples.experiments;

import dev.faultline.samples.load.LoadReport;

/**
 * The measurable output that says the system works, as in the Principles of Chaos Engineering:
 * here, the share of requests that succeed through the gateway.
 */
public record SteadyStateHypothesis(double minSuccessRate) {

    public static final SteadyStateHypothesis NINETY_NINE_PERCENT = new SteadyStateHypothesis(0.99);

    public boolean heldBy(LoadReport report) {
        return report.requests() > 0 && report.successRate() >= minSuccessRate;
    }

    @Override
    public String toString() {
        return String.format("success rate >= %.0f%%", minSuccessRate * 100);
    }
}
