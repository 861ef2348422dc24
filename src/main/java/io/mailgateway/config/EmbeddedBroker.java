package io.mailgateway.config;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Address settings of the embedded Artemis broker for the hand-off queue. A message whose processing rolled back
 * is redelivered after a growing delay and never given up: the gateway decides when a message is finished, not
 * the broker. An external broker needs the same settings (see k8s/README.md).
 */
@Configuration
public class EmbeddedBroker {

    /**
     * How far ahead each dispatch consumer takes queue messages (gateway.hand-off.consumer-window-bytes). Artemis'
     * default, 1 MiB, would buffer thousands of one tenant's ids in a consumer, served before another tenant's
     * higher-priority mail (see HandOffPriority). With none (0, the default), each receive is a round trip to the
     * broker, once per queue message, and a queue message carries a batch of ids (gateway.hand-off.batch-size), so
     * the round trip is shared by the batch while a higher priority still goes next after the batch in progress.
     */
    @Bean
    static org.springframework.beans.factory.config.BeanPostProcessor consumerWindow(
            org.springframework.core.env.Environment environment) {
        int windowBytes = environment.getProperty("gateway.hand-off.consumer-window-bytes", Integer.class, 0);
        return new org.springframework.beans.factory.config.BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                Object target = bean instanceof org.springframework.jms.connection.CachingConnectionFactory caching
                        ? caching.getTargetConnectionFactory() : bean;
                if (target instanceof org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory artemis) {
                    artemis.setConsumerWindowSize(windowBytes);
                }
                return bean;
            }
        };
    }

    @Bean
    ArtemisConfigurationCustomizer handOffQueueSettings(GatewayProperties properties) {
        GatewayProperties.HandOff handOff = properties.handOff();
        return configuration -> configuration.addAddressSetting(handOff.queue(), new AddressSettings()
                .setRedeliveryDelay(handOff.redeliveryDelay().toMillis())
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(handOff.maxRedeliveryDelay().toMillis())
                .setMaxDeliveryAttempts(-1));
    }
}
