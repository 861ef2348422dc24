package io.mailgateway.console;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The support console at {@code /support/}: static pages (src/main/resources/static/support) over the JSON API.
 * Everything is served by the gateway itself, under a strict Content-Security-Policy: no inline script, no CDN.
 */
@Configuration
public class SupportConsole implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/support", "/support/");
        registry.addViewController("/support/").setViewName("forward:/support/index.html");
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> supportConsoleHeaders() {
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                response.setHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' blob: data:; "
                        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
                response.setHeader("X-Content-Type-Options", "nosniff");
                response.setHeader("Referrer-Policy", "no-referrer");
                response.setHeader("Cache-Control", "no-store");
                chain.doFilter(request, response);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/support", "/support/*");
        return registration;
    }
}
