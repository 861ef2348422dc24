package io.mailgateway.config;

import org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Settings of the embedded Artemis broker. A message of the hand-off queue whose processing rolled back is
 * redelivered after a growing delay and never given up: the gateway decides when a message is finished, not the
 * broker. An external broker needs the same address settings (see k8s/README.md).
 * <p>
 * The journal is written at every transaction, and fsynced like the database's commits unless
 * gateway.hand-off.embedded-journal-fsync says otherwise: not beside the embedded H2, which does not fsync its
 * commits (the embedded default survives a crash of the process, not of the machine), and where the broker's
 * fsyncs stalled the database's writes on the same disk for up to 0.8 s; always beside PostgreSQL, which fsyncs
 * its commits, so a hand-off recorded there (the outbox row deleted) is on the queue for good too.
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
            Environment environment) {
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
    ArtemisConfigurationCustomizer handOffQueueSettings(GatewayProperties properties, Environment environment) {
        GatewayProperties.HandOff handOff = properties.handOff();
        boolean fsync = journalFsync(handOff.embeddedJournalFsync(),
                environment.getProperty("spring.datasource.url", ""));
        // Without fsync the journal's timed buffer (which gathers writes for one fsync) has nothing to save, and its
        // thread polls for the timeout; on two busy cores it falls back to spinning: 0.4 ms of CPU a message at
        // 500 messages a second, measured. A timeout of 0 writes each record at once, without that thread.
        int nioTimeout = fsync ? ActiveMQDefaultConfiguration.getDefaultJournalBufferTimeoutNio() : 0;
        int aioTimeout = fsync ? ActiveMQDefaultConfiguration.getDefaultJournalBufferTimeoutAio() : 0;
        return configuration -> configuration
                .setJournalDatasync(fsync)
                .setJournalBufferTimeout_NIO(nioTimeout)
                .setJournalBufferTimeout_AIO(aioTimeout)
                .addAddressSetting(handOff.queue(), new AddressSettings()
                        .setRedeliveryDelay(handOff.redeliveryDelay().toMillis())
                        .setRedeliveryMultiplier(2.0)
                        .setMaxRedeliveryDelay(handOff.maxRedeliveryDelay().toMillis())
                        .setMaxDeliveryAttempts(-1));
    }

    /** The configured setting, or else like the database: fsync unless it is H2 (which does not fsync commits). */
    static boolean journalFsync(Boolean configured, String databaseUrl) {
        return configured != null ? configured : !databaseUrl.startsWith("jdbc:h2:");
    }
}
