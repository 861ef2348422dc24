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

/**
 * An SMTP server that plays a failing provider: it greets, offers AUTH (or not), and answers the step under test
 * with a scripted reply, such as Gmail's real {@code 534-5.7.9 Application-specific password required} lines.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

    /** Which command gets the scripted reply. */
    public enum Step { AUTH, MAIL }

    private final ServerSocket socket;
    private final Thread thread;

    public ScriptedSmtpServer(Step step, String... replyLines) throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(step, String.join("\r\n", replyLines) + "\r\n"), "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve(Step step, String scripted) {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = client.getOutputStream();
                write(out, "220 smtp.scripted.example ESMTP ready\r\n");
                String line;
                while ((line = in.readLine()) != null) {
                    String command = line.toUpperCase(Locale.ROOT);
                    if (command.startsWith("EHLO")) {
                        write(out, step == Step.AUTH ? "250-smtp.scripted.example\r\n250 AUTH LOGIN PLAIN\r\n" : "250 smtp.scripted.example\r\n");
                    } else if (command.startsWith("HELO")) {
                        write(out, "250 smtp.scripted.example\r\n");
                    } else if (command.startsWith("AUTH") && step == Step.AUTH) {
                        write(out, scripted);
                    } else if (command.startsWith("MAIL") && step == Step.MAIL) {
                        write(out, scripted);
                    } else if (command.startsWith("QUIT")) {
                        write(out, "221 2.0.0 closing connection\r\n");
                        break;
                    } else if (command.startsWith("RSET") || command.startsWith("NOOP")) {
                        write(out, "250 2.0.0 OK\r\n");
                    } else {
                        write(out, "502 5.5.1 Unrecognized command.\r\n");
                    }
                }
            } catch (IOException e) {
                // the client went away, or the server was closed
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
