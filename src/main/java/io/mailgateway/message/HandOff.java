package io.mailgateway.message;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mailgateway.config.GatewayProperties;
import jakarta.annotation.PreDestroy;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Puts accepted messages on the durable hand-off queue. Intake has already committed the message (the outbox row)
 * and answered 202; this sends the ids in groups, each group in one JMS transaction (one journal write for many
 * messages), with the fairness priority of each message's tenant, and then marks them handed off. Whatever does
 * not reach the queue (the broker is down, the process dies first) stays unmarked and the outbox route hands it
 * off later, so nothing accepted is lost.
 */
@Component("handOff")
public class HandOff {

    private static final Logger LOG = LoggerFactory.getLogger(HandOff.class);
    private static final int MAX_GROUP = 500;

    private final ConnectionFactory connectionFactory;
    private final HandOffPriority priority;
    private final Outbox outbox;
    private final GroupCommit groupCommit;
    private final String queueName;
    private final GroupingWorker<Pending> sender;

    private record Pending(String messageId, String tenantId) {
    }

    public HandOff(ConnectionFactory connectionFactory, HandOffPriority priority, Outbox outbox,
            GroupCommit groupCommit, GatewayProperties properties) {
        this.connectionFactory = connectionFactory;
        this.priority = priority;
        this.outbox = outbox;
        this.groupCommit = groupCommit;
        this.queueName = properties.handOff().queue();
        this.sender = new GroupingWorker<>("hand-off", MAX_GROUP, this::handOff);
    }

    /** Queues a committed message for the hand-off (the variables set by intake). */
    public void enqueue(@Variable("messageId") String messageId, @Variable("tenantId") String tenantId) {
        if (sender.running()) {
            sender.add(new Pending(messageId, tenantId));
        }
        // stopping: the outbox route of the next start hands it off
    }

    private void handOff(List<Pending> group) {
        try {
            send(group);
            List<String> ids = group.stream().map(Pending::messageId).toList();
            groupCommit.submit(() -> outbox.handedOff(ids));
        } catch (JMSException | RuntimeException e) {
            LOG.warn("{} accepted messages did not reach the queue now ({}); the outbox hands them off later",
                    group.size(), e.toString());
        }
    }

    private void send(List<Pending> group) throws JMSException {
        try (Connection connection = connectionFactory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            MessageProducer producer = session.createProducer(session.createQueue(queueName));
            try {
                for (Pending p : group) {
                    producer.send(session.createTextMessage(p.messageId()), DeliveryMode.PERSISTENT,
                            priority.priority(p.tenantId()), 0);
                }
                session.commit();
            } catch (JMSException | RuntimeException e) {
                session.rollback();
                throw e;
            } finally {
                producer.close();
            }
        }
    }

    /** Sends what is still queued, then stops. */
    @PreDestroy
    public void stop() throws InterruptedException {
        sender.stop(TimeUnit.SECONDS.toMillis(30));
    }
}
