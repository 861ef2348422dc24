package io.mailgateway.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;

import com.google.api.client.googleapis.json.GoogleJsonError;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.apache.camel.CamelExecutionException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One case per rule, with the replies Gmail and common servers really send, wrapped as Camel delivers them. */
class FailureClassifierTest {

    private final FailureClassifier classifier = new FailureClassifier();

    private Failure classify(Throwable t) {
        return classifier.classify(new CamelExecutionException("send failed", null, t));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            535-5.7.8 Username and Password not accepted. For more information, go to 535 5.7.8  https://support.google.com/mail/?p=BadCredentials | AUTH_FAILED
            535 5.7.8  Authentication credentials invalid                                                  | AUTH_FAILED
            535 Authentication failed                                                                       | AUTH_FAILED
            534-5.7.9 Application-specific password required. For more information, go to 534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor | APP_PASSWORD_REQUIRED
            534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser and then try again. | WEB_LOGIN_REQUIRED
            530 5.7.0 Must issue a STARTTLS command first.                                                  | TLS_REQUIRED
            421 4.7.0 Try again later, closing connection.                                                  | RATE_LIMITED
            454 4.7.0 Too many login attempts, please try again later.                                      | RATE_LIMITED
            550 5.4.5 Daily user sending limit exceeded.                                                    | QUOTA_EXCEEDED
            550-5.1.1 The email account that you tried to reach does not exist.                             | RECIPIENT_REJECTED
            553 5.1.3 The recipient address is not a valid RFC-5321 address.                                | RECIPIENT_REJECTED
            552-5.3.4 Your message exceeded Google's message size limits.                                   | MESSAGE_REJECTED
            550-5.7.1 Our system has detected that this message is likely unsolicited mail.                 | MESSAGE_REJECTED
            451 4.3.0 Mail server temporarily rejected message.                                             | PROVIDER_UNAVAILABLE
            """)
    void smtpRepliesAreClassifiedByTheRuleTable(String reply, FailureCategory expected) {
        Failure failure = classify(new MessagingException(reply));
        assertThat(failure.category()).isEqualTo(expected);
        assertThat(failure.retryable()).isEqualTo(expected.retryable());
        assertThat(failure.providerReply()).isEqualTo(reply.replaceAll("\\s+", " ").trim());
        assertThat(failure.hint()).isEqualTo(expected.hint());
    }

    @Test
    void aRejectedPasswordAsJakartaMailThrowsIt() {
        Failure failure = classify(new AuthenticationFailedException(
                "535-5.7.8 Username and Password not accepted.\n535 5.7.8 https://support.google.com/mail/?p=BadCredentials"));
        assertThat(failure.category()).isEqualTo(FailureCategory.AUTH_FAILED);
        assertThat(failure.providerReply()).as("one line for the API and the log").doesNotContain("\n");
    }

    @Test
    void theInnermostReplyOfASendFailureWins() throws Exception {
        var address = new InternetAddress("nobody@example.org");
        var inner = new SMTPAddressFailedException(address, "RCPT TO", 550,
                "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown");
        var outer = new SendFailedException("Invalid Addresses", inner);
        assertThat(classify(outer).category()).isEqualTo(FailureCategory.RECIPIENT_REJECTED);
    }

    @Test
    void aTransientSendFailureIsRetried() throws Exception {
        var failure = classify(new SMTPSendFailedException("DATA", 451,
                "451 4.3.0 Mail server temporarily rejected message.", null, null, null, null));
        assertThat(failure.category()).isEqualTo(FailureCategory.PROVIDER_UNAVAILABLE);
        assertThat(failure.retryable()).isTrue();
    }

    @Test
    void anUnreachableServerIsAConnectionFailureAndRetried() {
        var failure = classify(new MailConnectException(new SocketConnectException(
                "Couldn't connect", new ConnectException("Connection refused"), "smtp.example.org", 587, 2000)));
        assertThat(failure.category()).isEqualTo(FailureCategory.CONNECTION_FAILED);
        assertThat(failure.retryable()).isTrue();
    }

    @Test
    void aBadCertificateIsATlsFailureAndNotRetried() {
        var failure = classify(new MessagingException("Could not convert socket to TLS",
                new SSLHandshakeException("PKIX path building failed")));
        assertThat(failure.category()).isEqualTo(FailureCategory.TLS_FAILED);
        assertThat(failure.retryable()).isFalse();
    }

    @Test
    void anUnknownPermanentReplyIsNotRetriedAndAnUnknownTransientOneIs() {
        assertThat(classify(new MessagingException("599 9.9.9 Something odd")).retryable()).isFalse();
        var transientOne = classify(new MessagingException("499 Something odd"));
        assertThat(transientOne.retryable()).isTrue();
    }

    @Test
    void somethingThatIsNoSmtpReplyAtAllIsUnknownAndNotRetried() {
        var failure = classify(new IllegalStateException("bug"));
        assertThat(failure.category()).isEqualTo(FailureCategory.UNKNOWN);
        assertThat(failure.retryable()).isFalse();
    }

    @ParameterizedTest(name = "Gmail API {0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            401 | authError            | REAUTH_REQUIRED
            403 | insufficientPermissions | PERMISSION_DENIED
            429 | rateLimitExceeded    | RATE_LIMITED
            403 | userRateLimitExceeded | RATE_LIMITED
            403 | dailyLimitExceeded   | QUOTA_EXCEEDED
            500 | backendError         | PROVIDER_UNAVAILABLE
            503 | backendError         | PROVIDER_UNAVAILABLE
            400 | invalidArgument      | MESSAGE_REJECTED
            """)
    void gmailApiErrorsAreClassifiedByStatusAndReason(int status, String reason, FailureCategory expected) {
        var error = new GoogleJsonError();
        var item = new GoogleJsonError.ErrorInfo();
        item.setReason(reason);
        error.setErrors(List.of(item));
        error.setCode(status);
        error.setMessage("message from Google");
        Failure failure = classifier.classifyGmail(status, error);
        assertThat(failure.category()).isEqualTo(expected);
        assertThat(failure.providerReply()).contains("HTTP " + status).contains(reason);
    }

    @Test
    void aKnownFailureIsKeptAsItWasClassified() {
        var known = new DeliveryFailedException(Failure.of(FailureCategory.REAUTH_REQUIRED, "account needs sign-in"));
        assertThat(classify(known).category()).isEqualTo(FailureCategory.REAUTH_REQUIRED);
    }
}
