package io.mailgateway.config;

import org.springframework.boot.autoconfigure.web.servlet.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.method.MethodValidator;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod;

/**
 * Spring MVC hands its method validator to the handler method of every request, and the handler method then
 * looks up the validation groups of the method and its class by scanning their annotations and those of their
 * hierarchy, uncached: 7 % of an API request's work in the profile, for the platform-http consumer's handler,
 * which validates nothing. A handler method gets the validator only when it validates its arguments or its return
 * value; for those nothing changes.
 */
@Configuration(proxyBeanMethods = false)
public class HandlerMethodValidation {

    @Bean
    WebMvcRegistrations validatorOnlyWhereUsed() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
                return new Adapter();
            }
        };
    }

    static final class Adapter extends RequestMappingHandlerAdapter {

        @Override
        protected ServletInvocableHandlerMethod createInvocableHandlerMethod(HandlerMethod handlerMethod) {
            return new ServletInvocableHandlerMethod(handlerMethod) {
                @Override
                public void setMethodValidator(MethodValidator validator) {
                    super.setMethodValidator(shouldValidateArguments() || shouldValidateReturnValue() ? validator : null);
                }
            };
        }

        ServletInvocableHandlerMethod invocable(HandlerMethod handlerMethod) {
            return createInvocableHandlerMethod(handlerMethod);
        }
    }
}
