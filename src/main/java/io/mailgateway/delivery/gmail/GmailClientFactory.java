package io.mailgateway.delivery.gmail;

import java.util.Collection;

import com.google.api.client.auth.oauth2.BearerToken;
import com.google.api.client.auth.oauth2.ClientParametersAuthentication;
import com.google.api.client.auth.oauth2.Credential;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import io.mailgateway.config.GatewayProperties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.google.mail.GoogleMailClientFactory;

/**
 * Builds the Gmail client of camel-google-mail against configurable Google URLs: the token endpoint (for the
 * refresh-token grant) and the Gmail API root. Camel has no option for either; production uses Google's, tests a
 * local fake.
 */
public class GmailClientFactory implements GoogleMailClientFactory {

    private final HttpTransport transport = new NetHttpTransport();
    private final JsonFactory jsonFactory = GsonFactory.getDefaultInstance();
    private final GatewayProperties.Google google;

    public GmailClientFactory(GatewayProperties.Google google) {
        this.google = google;
    }

    @Override
    public Gmail makeClient(String clientId, String clientSecret, Collection<String> scopes, String applicationName,
            String refreshToken, String accessToken) {
        Credential credential = new Credential.Builder(BearerToken.authorizationHeaderAccessMethod())
                .setTransport(transport)
                .setJsonFactory(jsonFactory)
                .setTokenServerEncodedUrl(google.tokenUrl())
                .setClientAuthentication(new ClientParametersAuthentication(clientId, clientSecret))
                .build();
        credential.setRefreshToken(refreshToken);
        if (accessToken != null && !accessToken.isBlank()) {
            credential.setAccessToken(accessToken);
        }
        return new Gmail.Builder(transport, jsonFactory, credential)
                .setRootUrl(withSlash(google.gmailRootUrl()))
                .setApplicationName(applicationName)
                .build();
    }

    @Override
    public Gmail makeClient(CamelContext camelContext, String serviceAccountKey, Collection<String> scopes,
            String applicationName, String delegate) {
        throw new UnsupportedOperationException("Mail Gateway sends with each clinic's own OAuth grant, not a service account");
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
