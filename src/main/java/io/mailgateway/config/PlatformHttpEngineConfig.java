package io.mailgateway.config;

import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The API routes run on the servlet container's request thread. The starter's default hands every request to a
 * second pool (Spring's task executor) and back, a thread switch per request that, under load on few cores, shows
 * in the intake latency; the routes block on nothing the request thread could do better.
 */
@Configuration(proxyBeanMethods = false)
public class PlatformHttpEngineConfig {

    // the name the platform-http component looks the engine up by
    @Bean("platform-http-engine")
    PlatformHttpEngine platformHttpEngine(Environment environment) {
        return new SpringBootPlatformHttpEngine(environment.getProperty("server.port", Integer.class, 8080),
                Runnable::run);
    }
}
