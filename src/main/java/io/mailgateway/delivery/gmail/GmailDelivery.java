package io.mailgateway.delivery.gmail;

import com.google.api.services.gmail.model.Message;
import io.mailgateway.delivery.Deliveries;
import io.mailgateway.delivery.MimeMessageFactory;
import io.mailgateway.failure.DeliveryFailedException;
import io.mailgateway.failure.Failure;
import io.mailgateway.failure.FailureCategory;
import io.mailgateway.message.StoredMessage;
import io.mailgateway.settings.GmailAccount;
import io.mailgateway.settings.MailSettingsRepository;
import jakarta.mail.MessagingException;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.springframework.stereotype.Component;

/**
 * Prepares a send through the Gmail API: the tenant's account must still be connected, the body becomes a Gmail
 * {@link Message} with the base64url MIME in {@code raw}, and the variable {@code gmailComponent} names the
 * tenant's camel-google-mail component.
 */
@Component("gmailDelivery")
public class GmailDelivery {

    private final MailSettingsRepository settings;
    private final GmailComponents components;
    private final Deliveries deliveries;

    public GmailDelivery(MailSettingsRepository settings, GmailComponents components, Deliveries deliveries) {
        this.settings = settings;
        this.components = components;
        this.deliveries = deliveries;
    }

    public Message prepare(Exchange exchange, @Variable("message") StoredMessage message) throws MessagingException {
        GmailAccount account = settings.findGmail(message.tenantId())
                .orElseThrow(() -> new DeliveryFailedException(Failure.of(FailureCategory.REAUTH_REQUIRED,
                        "the clinic's Gmail account was disconnected")));
        if (account.status() != GmailAccount.Status.CONNECTED) {
            throw new DeliveryFailedException(Failure.of(FailureCategory.REAUTH_REQUIRED,
                    "Google refused the clinic's sign-in earlier (invalid_grant); waiting for a new sign-in"));
        }
        exchange.setVariable("gmailComponent", components.componentFor(account));
        return new Message().setRaw(MimeMessageFactory.gmailRaw(deliveries.forGmail(message)));
    }
}
