package io.mailgateway.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Puts accepted messages on the durable hand-off queue. Intake has already committed the message with its outbox
 * row and answered 202; this sends the ids in groups, each group in one JMS transaction, and then deletes their
 * outbox rows. Within a group, each tenant's ids travel together, up to {@code gateway.hand-off.batch-size} in one queue
 * message ("id,id,..."), with the fairness priority of that tenant: one journal record, one delivery and one
 * acknowledgement for all of them instead of one each. Dispatch splits the batch. Whatever does not reach the
 * queue (the broker is down, the process dies first) keeps its outbox row and the outbox route hands it off later, so
 * nothing accepted is lost.
 */
@Component("handOff")
public class HandOff {

    private static final Logger LOG = LoggerFactory.getLogger(HandOff.class);
    private static final int MAX_GROUP = 500;
    /** separates the ids of a batch in the queue message's body (ids never contain it) */
    public static final String BATCH_SEPARATOR = ",";

    private final ConnectionFactory connectionFactory;
    private final HandOffPriority priority;
    private final Outbox outbox;
    private final GroupCommit groupCommit;
    private final String queueName;
    private final int batchSize;
    private final GroupingWorker<Pending> sender;

    record Pending(String messageId, String tenantId) {
    }

    /** Ids of one tenant that go in one queue message. */
    record Batch(String tenantId, List<String> messageIds) {
        String body() {
            return String.join(BATCH_SEPARATOR, messageIds);
        }
    }

    /**
     * The queue messages for a group: each tenant's ids in the order they were accepted, at most {@code max} in
     * one; tenants in the order of their first message in the group.
     */
    static List<Batch> batches(List<Pending> group, int max) {
        Map<String, List<String>> byTenant = new LinkedHashMap<>();
        for (Pending p : group) {
            byTenant.computeIfAbsent(p.tenantId(), t -> new ArrayList<>()).add(p.messageId());
        }
        List<Batch> batches = new ArrayList<>();
        byTenant.forEach((tenant, ids) -> {
            for (int from = 0; from < ids.size(); from += max) {
                batches.add(new Batch(tenant, List.copyOf(ids.subList(from, Math.min(ids.size(), from + max)))));
            }
        });
        return batches;
    }

    public HandOff(ConnectionFactory connectionFactory, HandOffPriority priority, Outbox outbox,
            GroupCommit groupCommit, GatewayProperties properties) {
        this.connectionFactory = connectionFactory;
        this.priority = priority;
        this.outbox = outbox;
        this.groupCommit = groupCommit;
        this.queueName = properties.handOff().queue();
        this.batchSize = properties.handOff().batchSize();
        this.sender = new GroupingWorker<>("hand-off", MAX_GROUP, properties.handOff().gather(), this::handOff);
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
                for (Batch batch : batches(group, batchSize)) {
                    producer.send(session.createTextMessage(batch.body()), DeliveryMode.PERSISTENT,
                            priority.priority(batch.tenantId(), batch.messageIds().size()), 0);
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
