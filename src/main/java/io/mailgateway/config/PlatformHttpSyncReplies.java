package io.mailgateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * The API routes answer on the request's own thread (see {@link PlatformHttpEngineConfig}), so the future the
 * platform-http consumer returns is already complete when Spring MVC gets it. Spring MVC would still treat it as an
 * asynchronous answer: start async processing, then dispatch the request a second time through the filters and the
 * DispatcherServlet only to finish it (a fifth of a request thread's work under load). This handler finishes such a
 * request at once; a future that is not complete yet still goes the asynchronous way.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformHttpSyncReplies {

    @Bean
    static BeanPostProcessor completedPlatformHttpReplies() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(adapter.getReturnValueHandlers());
                    handlers.add(0, new CompletedReply(new DeferredResultMethodReturnValueHandler()));
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    static final class CompletedReply implements HandlerMethodReturnValueHandler {

        private final HandlerMethodReturnValueHandler asynchronous;

        CompletedReply(HandlerMethodReturnValueHandler asynchronous) {
            this.asynchronous = asynchronous;
        }

        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return SpringBootPlatformHttpConsumer.class.isAssignableFrom(returnType.getContainingClass())
                    && CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object value, MethodParameter returnType, ModelAndViewContainer container,
                NativeWebRequest request) throws Exception {
            if (value instanceof CompletableFuture<?> future && future.isDone()) {
                try {
                    future.join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw e;
                }
                // the consumer has written the answer
                container.setRequestHandled(true);
                return;
            }
            asynchronous.handleReturnValue(value, returnType, container, request);
        }
    }
}
