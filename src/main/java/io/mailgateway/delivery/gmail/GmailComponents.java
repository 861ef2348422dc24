package io.mailgateway.delivery.gmail;

import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.mailgateway.config.GatewayProperties;
import io.mailgateway.crypto.SecretCipher;
import io.mailgateway.settings.GmailAccount;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.mail.GoogleMailComponent;
import org.apache.camel.component.google.mail.GoogleMailConfiguration;
import org.springframework.stereotype.Component;

/**
 * One camel-google-mail component per tenant grant. The component keeps a single Gmail client (and so a single
 * OAuth credential), so tenants cannot share one. The component name depends on the stored grant, so a new sign-in
 * gets a fresh client. Names carry no secret: {@code gmail-<tenant digest>-<grant digest>}.
 */
@Component("gmailComponents")
public class GmailComponents {

    static final String SCOPE = "https://www.googleapis.com/auth/gmail.send";

    private final CamelContext camel;
    private final SecretCipher cipher;
    private final GatewayProperties properties;
    private final GmailClientFactory clientFactory;
    private final Map<String, String> current = new ConcurrentHashMap<>();

    public GmailComponents(CamelContext camel, SecretCipher cipher, GatewayProperties properties) {
        this.camel = camel;
        this.cipher = cipher;
        this.properties = properties;
        this.clientFactory = new GmailClientFactory(properties.google());
    }

    /** Returns the component name to send with, registering it on first use. */
    public synchronized String componentFor(GmailAccount account) {
        String name = "gmail-" + digest(account.tenantId()) + "-" + digest(account.refreshTokenEnc());
        if (camel.hasComponent(name) == null) {
            GoogleMailConfiguration config = new GoogleMailConfiguration();
            config.setClientId(properties.google().clientId());
            config.setClientSecret(properties.google().clientSecret());
            config.setRefreshToken(cipher.decrypt(account.refreshTokenEnc()));
            config.setApplicationName(properties.productName());
            config.setScopes(SCOPE);
            GoogleMailComponent component = new GoogleMailComponent(camel);
            component.setConfiguration(config);
            component.setClientFactory(clientFactory);
            camel.addComponent(name, component);
        }
        String previous = current.put(account.tenantId(), name);
        if (previous != null && !previous.equals(name)) {
            // an older grant of this tenant: its client must not be used again
            camel.removeComponent(previous);
        }
        return name;
    }

    private static String digest(String value) {
        return HexFormat.of().formatHex(io.mailgateway.crypto.Hashes.sha256(value), 0, 6);
    }
}
