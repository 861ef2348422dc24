package io.mailgateway.failure;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import com.google.api.client.auth.oauth2.TokenResponseException;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import jakarta.mail.MessagingException;
import org.apache.camel.Exchange;
import org.eclipse.angus.mail.util.MailConnectException;
import org.springframework.stereotype.Component;

/**
 * The one table that turns a provider's answer into a {@link FailureCategory}. Retries, dead letters and the
 * verification route all ask this class.
 */
@Component("failureClassifier")
public class FailureClassifier {

    /** "535-5.7.8 Username ..." or "534 5.7.9 ...": the basic code and, when present, the enhanced code. */
    private static final Pattern SMTP_REPLY = Pattern.compile("(?s)^\\s*([245]\\d\\d)[ -](?:([245]\\.\\d{1,3}\\.\\d{1,3}))?");
    private static final Pattern ENHANCED = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    /** An SMTP reply as the rules see it. */
    record SmtpReply(int code, String enhanced, String text) {
        boolean is(int c) {
            return code == c;
        }

        boolean enhancedIs(String e) {
            return e.equals(enhanced);
        }

        boolean enhancedStarts(String prefix) {
            return enhanced != null && enhanced.startsWith(prefix);
        }

        boolean says(String phrase) {
            return text.toLowerCase(Locale.ROOT).contains(phrase.toLowerCase(Locale.ROOT));
        }
    }

    record Rule(FailureCategory category, Predicate<SmtpReply> when) {
    }

    /** SMTP replies, first match wins. Gmail's reply texts are the reference; other providers share the codes. */
    static final List<Rule> SMTP_RULES = List.of(
            new Rule(FailureCategory.APP_PASSWORD_REQUIRED,
                    r -> r.enhancedIs("5.7.9") || r.says("Application-specific password required")),
            new Rule(FailureCategory.WEB_LOGIN_REQUIRED,
                    r -> r.enhancedIs("5.7.14") || r.says("log in via your web browser")),
            new Rule(FailureCategory.AUTH_FAILED,
                    r -> r.is(535) || r.enhancedIs("5.7.8") || r.says("Username and Password not accepted")),
            new Rule(FailureCategory.TLS_REQUIRED,
                    r -> r.says("STARTTLS") && (r.is(530) || r.code() >= 500)),
            new Rule(FailureCategory.QUOTA_EXCEEDED,
                    r -> r.enhancedIs("5.4.5") || r.says("sending limit exceeded") || r.says("quota exceeded")),
            new Rule(FailureCategory.RATE_LIMITED,
                    r -> (r.is(421) || r.is(454) || r.is(450) || r.is(451))
                            && (r.enhancedIs("4.7.0") || r.enhancedIs("4.2.1") || r.enhancedIs("4.7.28")
                                    || r.says("rate") || r.says("too many"))),
            new Rule(FailureCategory.RECIPIENT_REJECTED,
                    r -> r.enhancedStarts("5.1.") || r.is(553) || r.says("user unknown")
                            || r.says("does not exist")),
            new Rule(FailureCategory.MESSAGE_REJECTED,
                    r -> r.is(552) || r.is(554) || r.enhancedIs("5.3.4") || r.enhancedIs("5.7.1")
                            || r.enhancedStarts("5.6.")),
            new Rule(FailureCategory.PROVIDER_UNAVAILABLE, r -> r.code() >= 400 && r.code() < 500));

    /** Classifies what a route threw. Never returns null. */
    public Failure classify(Throwable error) {
        List<Throwable> chain = chain(error);
        for (Throwable t : chain) {
            if (t instanceof DeliveryFailedException known) {
                return known.failure();
            }
        }
        for (Throwable t : chain) {
            if (t instanceof TokenResponseException token) {
                return classifyToken(token);
            }
            if (t instanceof GoogleJsonResponseException json) {
                return classifyGmail(json.getStatusCode(), json.getDetails());
            }
            if (t instanceof HttpResponseException http) {
                return classifyGmail(http.getStatusCode(), null);
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SSLException || t.getClass().getName().startsWith("java.security.cert.")) {
                return Failure.of(FailureCategory.TLS_FAILED, oneLine(t.getMessage()));
            }
        }
        for (Throwable t : chain) {
            if (t instanceof MailConnectException || t instanceof ConnectException
                    || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return Failure.of(FailureCategory.CONNECTION_FAILED, oneLine(describe(t)));
            }
        }
        for (Throwable t : chain) {
            // STARTTLS required (the tenant chose STARTTLS) but the server does not offer it: never sent in clear
            if (t instanceof MessagingException && t.getMessage() != null
                    && t.getMessage().contains("does not support STARTTLS")) {
                return Failure.of(FailureCategory.TLS_FAILED, oneLine(t.getMessage()));
            }
        }
        // the innermost SMTP reply is the most specific (SendFailedException wraps SMTPAddressFailedException)
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable t = chain.get(i);
            if (t instanceof MessagingException && t.getMessage() != null) {
                SmtpReply reply = parse(t.getMessage());
                if (reply != null) {
                    return classifySmtp(reply);
                }
            }
        }
        Throwable root = chain.get(chain.size() - 1);
        return new Failure(FailureCategory.UNKNOWN, false, oneLine(describe(root)));
    }

    /** For onWhen in the error policy: not worth another attempt. */
    public boolean isPermanent(Exchange exchange) {
        Throwable error = failureOf(exchange);
        return error != null && !classify(error).retryable();
    }

    /** For onWhen in the error policy: retried, but more slowly. */
    public boolean isRateLimited(Exchange exchange) {
        Throwable error = failureOf(exchange);
        if (error == null) {
            return false;
        }
        FailureCategory category = classify(error).category();
        return category == FailureCategory.RATE_LIMITED || category == FailureCategory.QUOTA_EXCEEDED;
    }

    public static Throwable failureOf(Exchange exchange) {
        Throwable error = exchange.getException();
        return error != null ? error : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    Failure classifySmtp(SmtpReply reply) {
        String text = oneLine(reply.text());
        for (Rule rule : SMTP_RULES) {
            if (rule.when().test(reply)) {
                return Failure.of(rule.category(), text);
            }
        }
        // unknown reply: the SMTP class decides (4xx transient, 5xx permanent)
        return new Failure(FailureCategory.UNKNOWN, reply.code() < 500, text);
    }

    static SmtpReply parse(String message) {
        Matcher m = SMTP_REPLY.matcher(message);
        if (!m.find()) {
            return null;
        }
        String enhanced = m.group(2);
        if (enhanced == null) {
            Matcher e = ENHANCED.matcher(message);
            enhanced = e.find() ? e.group(1) : null;
        }
        return new SmtpReply(Integer.parseInt(m.group(1)), enhanced, message);
    }

    private Failure classifyToken(TokenResponseException token) {
        String error = token.getDetails() != null ? token.getDetails().getError() : null;
        String description = token.getDetails() != null ? token.getDetails().getErrorDescription() : null;
        String reply = oneLine("token endpoint HTTP " + token.getStatusCode()
                + (error != null ? " " + error : "") + (description != null ? ": " + description : ""));
        if ("invalid_grant".equals(error) || token.getStatusCode() == 401) {
            return Failure.of(FailureCategory.REAUTH_REQUIRED, reply);
        }
        if (token.getStatusCode() == 429) {
            return Failure.of(FailureCategory.RATE_LIMITED, reply);
        }
        if (token.getStatusCode() >= 500) {
            return Failure.of(FailureCategory.PROVIDER_UNAVAILABLE, reply);
        }
        return new Failure(FailureCategory.UNKNOWN, false, reply);
    }

    Failure classifyGmail(int status, GoogleJsonError details) {
        String reason = details != null && details.getErrors() != null && !details.getErrors().isEmpty()
                ? details.getErrors().get(0).getReason() : null;
        String message = details != null ? details.getMessage() : null;
        String reply = oneLine("Gmail API HTTP " + status + (reason != null ? " " + reason : "")
                + (message != null ? ": " + message : ""));
        String lower = (reason + " " + message).toLowerCase(Locale.ROOT);
        if (status == 401) {
            return Failure.of(FailureCategory.REAUTH_REQUIRED, reply);
        }
        if (lower.contains("dailylimitexceeded") || lower.contains("quotaexceeded")
                || lower.contains("sending limit exceeded")) {
            return Failure.of(FailureCategory.QUOTA_EXCEEDED, reply);
        }
        if (status == 429 || lower.contains("ratelimitexceeded")) {
            return Failure.of(FailureCategory.RATE_LIMITED, reply);
        }
        if (status == 403) {
            return Failure.of(FailureCategory.PERMISSION_DENIED, reply);
        }
        if (status >= 500) {
            return Failure.of(FailureCategory.PROVIDER_UNAVAILABLE, reply);
        }
        if (status == 400 && (lower.contains("recipient") || lower.contains("to header"))) {
            return Failure.of(FailureCategory.RECIPIENT_REJECTED, reply);
        }
        if (status == 400 || status == 413) {
            return Failure.of(FailureCategory.MESSAGE_REJECTED, reply);
        }
        return new Failure(FailureCategory.UNKNOWN, false, reply);
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t) && chain.size() < 20; ) {
            chain.add(t);
            Throwable next = t.getCause();
            if (next == null && t instanceof MessagingException me) {
                next = me.getNextException();
            }
            t = next;
        }
        return chain;
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getClass().getSimpleName() + ": " + t.getMessage() : t.getClass().getSimpleName();
    }

    static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("\\s+", " ").trim();
        return flat.length() > 1000 ? flat.substring(0, 1000) + "…" : flat;
    }
}
