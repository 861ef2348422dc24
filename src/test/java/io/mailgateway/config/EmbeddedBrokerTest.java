package io.mailgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailgateway.support.GatewayTestSupport;
import org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/**
 * The embedded broker's settings for the hand-off queue. Its journal is written on every transaction and fsynced
 * like the database's commits: not beside H2 (see application.yaml; Artemis' own default fsyncs, and those fsyncs
 * stalled H2's writes on the same disk), always beside PostgreSQL.
 */
class EmbeddedBrokerTest extends GatewayTestSupport {

    @Autowired
    EmbeddedActiveMQ broker;

    @Value("${spring.datasource.url}")
    String databaseUrl;

    @Test
    void theJournalIsFsyncedLikeTheDatabaseAndTransactionsStillWaitForTheirWrite() {
        Configuration configuration = broker.getActiveMQServer().getConfiguration();
        // the suite runs on H2 and, in CI, on PostgreSQL
        boolean h2 = databaseUrl.startsWith("jdbc:h2:");
        assertThat(configuration.isJournalDatasync()).as("fsync beside %s", databaseUrl).isEqualTo(!h2);
        // without fsync no timed buffer (its thread spun on busy cores); with fsync Artemis' default, which gathers
        // the writes of several transactions into one fsync
        assertThat(configuration.getJournalBufferTimeout_NIO())
                .isEqualTo(h2 ? 0 : ActiveMQDefaultConfiguration.getDefaultJournalBufferTimeoutNio());
        assertThat(configuration.isJournalSyncTransactional()).isTrue();
        assertThat(configuration.isJournalSyncNonTransactional()).isTrue();
    }

    @Test
    void theJournalIsFsyncedLikeTheDatabaseUnlessConfigured() {
        assertThat(EmbeddedBroker.journalFsync(null, "jdbc:h2:file:./data/gateway;WRITE_DELAY=0")).isFalse();
        assertThat(EmbeddedBroker.journalFsync(null, "jdbc:postgresql://db:5432/gateway")).isTrue();
        assertThat(EmbeddedBroker.journalFsync(true, "jdbc:h2:file:./data/gateway")).isTrue();
        assertThat(EmbeddedBroker.journalFsync(false, "jdbc:postgresql://db:5432/gateway")).isFalse();
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
