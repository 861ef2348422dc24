package io.mailgateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server that accepts everything but takes its time to accept each message (as a busy provider does),
 * serving many connections at once. It counts the messages whose transfer is in progress at the same moment, so
 * a test can see how many sends a client really runs in parallel.
 */
public final class SlowSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final ExecutorService connections = Executors.newCachedThreadPool();
    private final long acceptMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();

    public SlowSmtpServer(long acceptMillis) throws IOException {
        this.acceptMillis = acceptMillis;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "slow-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The most messages that were being transferred at the same moment. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.submit(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            write(out, "220 smtp.slow.example ESMTP\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO")) {
                    write(out, "250-smtp.slow.example\r\n250 AUTH PLAIN LOGIN\r\n");
                } else if (command.startsWith("AUTH PLAIN")) {
                    write(out, command.trim().equals("AUTH PLAIN") ? "334 \r\n" : "235 2.7.0 Accepted\r\n");
                    if (command.trim().equals("AUTH PLAIN")) {
                        in.readLine();
                        write(out, "235 2.7.0 Accepted\r\n");
                    }
                } else if (command.startsWith("AUTH LOGIN")) {
                    write(out, "334 VXNlcm5hbWU6\r\n");
                    in.readLine();
                    write(out, "334 UGFzc3dvcmQ6\r\n");
                    in.readLine();
                    write(out, "235 2.7.0 Accepted\r\n");
                } else if (command.startsWith("MAIL")) {
                    int now = inFlight.incrementAndGet();
                    maxInFlight.accumulateAndGet(now, Math::max);
                    write(out, "250 2.1.0 OK\r\n");
                } else if (command.startsWith("RCPT")) {
                    write(out, "250 2.1.5 OK\r\n");
                } else if (command.startsWith("DATA")) {
                    write(out, "354 Go ahead\r\n");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message
                    }
                    // the provider takes its time to accept the message
                    Thread.sleep(acceptMillis);
                    accepted.incrementAndGet();
                    inFlight.decrementAndGet();
                    write(out, "250 2.0.0 OK queued\r\n");
                } else if (command.startsWith("RSET")) {
                    write(out, "250 2.0.0 OK\r\n");
                } else if (command.startsWith("NOOP")) {
                    write(out, "250 2.0.0 OK\r\n");
                } else if (command.startsWith("QUIT")) {
                    write(out, "221 2.0.0 Bye\r\n");
                    return;
                } else {
                    write(out, "502 5.5.1 Unrecognized command\r\n");
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write(reply.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        connections.shutdownNow();
    }
}
