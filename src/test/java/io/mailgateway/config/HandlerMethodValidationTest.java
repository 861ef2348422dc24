package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;

import io.mailgateway.support.GatewayTestSupport;
import jakarta.validation.constraints.NotBlank;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.validation.method.MethodValidationResult;
import org.springframework.validation.method.MethodValidator;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/** Spring MVC's method validator reaches only the handler methods that validate something. */
class HandlerMethodValidationTest extends GatewayTestSupport {

    @Autowired
    RequestMappingHandlerAdapter adapter;

    @Autowired
    java.util.List<RequestMappingInfoHandlerMapping> mappings;

    @Test
    void thePlatformHttpHandlerIsNotGivenTheValidatorAndAValidatingHandlerIs() throws Exception {
        assertThat(adapter).isInstanceOf(HandlerMethodValidation.Adapter.class);
        HandlerMethodValidation.Adapter ours = (HandlerMethodValidation.Adapter) adapter;
        CountingValidator validator = new CountingValidator();

        // the handler method platform-http registered for POST /api/v1/messages
        HandlerMethod api = mappings.stream().flatMap(m -> m.getHandlerMethods().entrySet().stream())
                .filter(e -> e.getKey().getPatternValues().contains("/api/v1/messages"))
                .map(java.util.Map.Entry::getValue)
                .filter(h -> h.getBeanType().equals(SpringBootPlatformHttpConsumer.class))
                .findFirst().orElseThrow();
        ours.invocable(api).setMethodValidator(validator);
        assertThat(validator.groupLookups).as("the API's handler: no validation, no annotation scan").isZero();

        Method validating = Validating.class.getMethod("greet", String.class);
        ours.invocable(new HandlerMethod(new Validating(), validating).createWithValidateFlags())
                .setMethodValidator(validator);
        assertThat(validator.groupLookups).as("a handler with a constraint still gets the validator").isOne();
    }

    public static class Validating {
        public String greet(@NotBlank String name) {
            return "hello " + name;
        }
    }

    static final class CountingValidator implements MethodValidator {
        int groupLookups;

        @Override
        public Class<?>[] determineValidationGroups(Object target, Method method) {
            groupLookups++;
            return new Class<?>[0];
        }

        @Override
        public MethodValidationResult validateArguments(Object target, Method method,
                org.springframework.core.MethodParameter[] parameters, Object[] arguments, Class<?>[] groups) {
            return MethodValidationResult.emptyResult();
        }

        @Override
        public MethodValidationResult validateReturnValue(Object target, Method method,
                org.springframework.core.MethodParameter returnType, Object returnValue, Class<?>[] groups) {
            return MethodValidationResult.emptyResult();
        }
    }
}
