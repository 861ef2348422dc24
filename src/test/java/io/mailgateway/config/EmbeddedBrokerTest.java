package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.support.GatewayTestSupport;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The embedded broker's settings for the hand-off queue. Its journal is written on every transaction but not
 * fsynced unless configured, like the embedded H2 database's commits (see application.yaml): Artemis' own default
 * fsyncs, and those fsyncs stalled the database's writes on the same disk.
 */
class EmbeddedBrokerTest extends GatewayTestSupport {

    @Autowired
    EmbeddedActiveMQ broker;

    @Test
    void theJournalIsNotFsyncedByDefaultAndTransactionsStillWaitForTheirWrite() {
        Configuration configuration = broker.getActiveMQServer().getConfiguration();
        assertThat(configuration.isJournalDatasync()).isFalse();
        assertThat(configuration.isJournalSyncTransactional()).isTrue();
        assertThat(configuration.isJournalSyncNonTransactional()).isTrue();
    }

    @Test
    void aRolledBackMessageIsRedeliveredWithAGrowingDelayAndNeverGivenUp() {
        var settings = broker.getActiveMQServer().getAddressSettingsRepository().getMatch("mail.dispatch");
        assertThat(settings.getMaxDeliveryAttempts()).isEqualTo(-1);
        assertThat(settings.getRedeliveryMultiplier()).isEqualTo(2.0);
        assertThat(settings.getRedeliveryDelay()).isEqualTo(200);
        assertThat(settings.getMaxRedeliveryDelay()).isEqualTo(1000);
    }
}
