package dev.faultline.sidecar.guest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test that needs a kernel with sch_netem and root: it runs only inside the QEMU guest that
 * {@code .ci/netem-guest-tests.sh} boots (which sets {@code FAULTLINE_NETEM_GUEST=1}), or with
 * {@code -Dfaultline.netem.guest=true} on a host whose kernel has netem. Anywhere else it is skipped, saying so.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("netem-guest")
@ExtendWith(NetemGuest.OnlyInGuest.class)
public @interface NetemGuest {
    final class OnlyInGuest implements ExecutionCondition {
        static boolean inGuest() {
            return "1".equals(System.getenv("FAULTLINE_NETEM_GUEST")) || Boolean.getBoolean("faultline.netem.guest");
        }

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return inGuest()
                    ? ConditionEvaluationResult.enabled("inside the netem guest")
                    : ConditionEvaluationResult.disabled(
                            "needs a kernel with sch_netem: runs in the QEMU guest of .ci/netem-guest-tests.sh "
                                    + "(or -Dfaultline.netem.guest=true where the host kernel has netem)");
        }
    }
}
