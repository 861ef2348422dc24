package io.mailgateway.delivery;

import io.mailgateway.settings.SmtpSecurity;

/** Where and how to connect for one send. Holds the password in memory only, and never prints it. */
public record SmtpServer(String host, int port, SmtpSecurity security, String username, String password) {

    @Override
    public String toString() {
        return host + ":" + port + " (" + security + (username == null ? "" : ", user " + username) + ")";
    }
}
