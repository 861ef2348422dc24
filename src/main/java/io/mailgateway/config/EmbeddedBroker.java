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
     * Consumers take one message at a time instead of buffering a window of them: a buffered backlog of one
     * tenant would otherwise be served before another tenant's higher-priority mail (see HandOffPriority).
     */
    @Bean
    static org.springframework.beans.factory.config.BeanPostProcessor noConsumerPrefetch() {
        return new org.springframework.beans.factory.config.BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                Object target = bean instanceof org.springframework.jms.connection.CachingConnectionFactory caching
                        ? caching.getTargetConnectionFactory() : bean;
                if (target instanceof org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory artemis) {
                    artemis.setConsumerWindowSize(0);
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
