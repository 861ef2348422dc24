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
