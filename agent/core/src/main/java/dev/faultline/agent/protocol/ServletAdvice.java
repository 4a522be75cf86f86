package dev.faultline.agent.protocol;

import dev.faultline.agent.bootstrap.ServletHooks;
import java.io.IOException;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpServlet.service(ServletRequest, ServletResponse)} of {@code jakarta.servlet} and of
 * {@code javax.servlet}: when a rule answered the response, the servlet is skipped and the container finishes the
 * response as after any servlet. An IOException of the answer is the servlet's, as the container expects.
 */
final class ServletAdvice {
    private ServletAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response) throws IOException {
        return ServletHooks.service(request, response);
    }
}
