package io.mailgateway.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.mailgateway.config.GatewayProperties;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Authenticated SMTP connections, kept per destination (one {@link Session} per server and credentials, see
 * {@link SmtpSessions}) and reused: at most {@code max-per-destination} at once, closed after
 * {@code idle-timeout} unused or {@code max-messages-per-connection} messages, and thrown away after any error.
 * A connection that has been idle for a while is checked (NOOP) before it is used again.
 */
@Component
public class SmtpConnectionPool implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpConnectionPool.class);
    private static final long CHECK_AFTER_IDLE_MS = 2_000;

    private final GatewayProperties.Smtp.Pool config;
    private final Map<Session, Destination> destinations = new ConcurrentHashMap<>();
    private final AtomicLong opened = new AtomicLong();

    public SmtpConnectionPool(GatewayProperties properties) {
        this.config = properties.smtp().pool();
    }

    /** A connection in use; give it back with {@link #release} or {@link #discard}. */
    public static final class Lease {
        private final Destination destination;
        final Transport transport;
        private int sent;
        private long lastUsed;
        private final long opened;

        private Lease(Destination destination, Transport transport) {
            this.destination = destination;
            this.transport = transport;
            this.opened = System.currentTimeMillis();
            this.lastUsed = opened;
        }

        /** Whether this connection was used before (a failure on it may just mean the server closed it). */
        public boolean reused() {
            return sent > 0;
        }

        public Transport transport() {
            return transport;
        }
    }

    private final class Destination {
        final Semaphore permits = new Semaphore(config.maxPerDestination(), true);
        final ConcurrentLinkedDeque<Lease> idle = new ConcurrentLinkedDeque<>();
    }

    /** A connected transport for this session's server, reused when one is idle. Waits when all are busy. */
    public Lease borrow(Session session) throws MessagingException {
        Destination destination = destinations.computeIfAbsent(session, s -> new Destination());
        try {
            if (!destination.permits.tryAcquire(config.borrowTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new MessagingException("421 4.3.2 all " + config.maxPerDestination()
                        + " connections to this server are busy (gateway connection pool)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while waiting for an SMTP connection");
        }
        try {
            Lease lease;
            while ((lease = destination.idle.pollFirst()) != null) {
                if (usable(lease)) {
                    return lease;
                }
                close(lease);
            }
            Transport transport = session.getTransport("smtp");
            transport.connect();
            opened.incrementAndGet();
            return new Lease(destination, transport);
        } catch (MessagingException | RuntimeException e) {
            destination.permits.release();
            throw e;
        }
    }

    /** After a successful send: back to the pool, unless it has sent its share. */
    public void release(Lease lease) {
        lease.sent++;
        lease.lastUsed = System.currentTimeMillis();
        if (config.enabled() && lease.sent < config.maxMessagesPerConnection()) {
            lease.destination.idle.offerFirst(lease);
        } else {
            close(lease);
        }
        lease.destination.permits.release();
    }

    /** After any error: the connection's state is unknown, so it is closed, never reused. */
    public void discard(Lease lease) {
        close(lease);
        lease.destination.permits.release();
    }

    /** Connections opened since start (for tests and the benchmark). */
    public long opened() {
        return opened.get();
    }

    private boolean usable(Lease lease) {
        long now = System.currentTimeMillis();
        if (now - lease.lastUsed > config.idleTimeout().toMillis()) {
            return false;
        }
        // a connection idle for a moment may have been closed by the server: isConnected() sends NOOP
        return now - lease.lastUsed < CHECK_AFTER_IDLE_MS || lease.transport.isConnected();
    }

    /** Closes connections that were idle too long, so no socket lingers. */
    @Scheduled(fixedDelayString = "${gateway.smtp.pool.idle-timeout}")
    public void closeIdle() {
        long now = System.currentTimeMillis();
        destinations.forEach((session, destination) -> {
            for (Lease lease : destination.idle) {
                if (now - lease.lastUsed > config.idleTimeout().toMillis() && destination.idle.remove(lease)) {
                    close(lease);
                }
            }
            if (destination.idle.isEmpty() && destination.permits.availablePermits() == config.maxPerDestination()) {
                destinations.remove(session, destination);
            }
        });
    }

    private static void close(Lease lease) {
        try {
            lease.transport.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("Closing an SMTP connection failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    public void destroy() {
        destinations.values().forEach(d -> {
            Lease lease;
            while ((lease = d.idle.pollFirst()) != null) {
                close(lease);
            }
        });
    }
}
