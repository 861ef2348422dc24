package io.mailgateway.deadletter;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.mailgateway.api.ApiException;
import io.mailgateway.api.ApiException.FieldError;
import io.mailgateway.failure.FailureCategory;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The filters of the dead-letter list, shared by the bulk actions: tenant, category, route, status, recipient,
 * a time range (from, to: ISO-8601 instants) and free text on the subject (q). Builds a parameterised WHERE clause.
 */
public record DeadLetterFilter(String tenant, String category, String route, String status, String recipient,
        Instant from, Instant to, String q) {

    private static final Set<String> ROUTES = Set.of("SMTP", "GMAIL", "PLATFORM");
    private static final Set<String> STATUSES = Set.of("NEW", "RETRIED", "DISCARDED");

    /** From query parameters (list) or a JSON body's fields (bulk), validated: a bad filter is a 400, not "no match". */
    public static DeadLetterFilter of(String tenant, String category, String route, String status, String recipient,
            String from, String to, String q) {
        List<FieldError> errors = new ArrayList<>();
        String cat = upper(category);
        if (cat != null) {
            try {
                FailureCategory.valueOf(cat);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("category", "unknown category"));
            }
        }
        String r = upper(route);
        if (r != null && !ROUTES.contains(r)) {
            errors.add(new FieldError("route", "one of SMTP, GMAIL, PLATFORM"));
        }
        String st = upper(status);
        if (st != null && !STATUSES.contains(st)) {
            errors.add(new FieldError("status", "one of NEW, RETRIED, DISCARDED"));
        }
        Instant fromTime = instant("from", from, errors);
        Instant toTime = instant("to", to, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new DeadLetterFilter(blankToNull(tenant), cat, r, st,
                blankToNull(recipient) == null ? null : recipient.trim().toLowerCase(Locale.ROOT), fromTime, toTime,
                blankToNull(q));
    }

    public static DeadLetterFilter fromQuery(Exchange exchange) {
        Message m = exchange.getMessage();
        return of(m.getHeader("tenant", String.class), m.getHeader("category", String.class),
                m.getHeader("route", String.class), m.getHeader("status", String.class),
                m.getHeader("recipient", String.class), m.getHeader("from", String.class),
                m.getHeader("to", String.class), m.getHeader("q", String.class));
    }

    /** " where …" with its parameters appended to {@code params}. */
    public String where(List<Object> params) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        add(where, params, " and tenant_id = ?", tenant);
        add(where, params, " and category = ?", category);
        add(where, params, " and route = ?", route);
        add(where, params, " and status = ?", status);
        if (recipient != null) {
            where.append(" and (',' || recipients || ',') like ?");
            params.add("%," + escapeLike(recipient) + ",%");
        }
        if (from != null) {
            where.append(" and created_at >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            where.append(" and created_at < ?");
            params.add(Timestamp.from(to));
        }
        if (q != null) {
            where.append(" and lower(subject) like ?");
            params.add("%" + escapeLike(q.toLowerCase(Locale.ROOT)) + "%");
        }
        return where.toString();
    }

    private static void add(StringBuilder where, List<Object> params, String clause, String value) {
        if (value != null) {
            where.append(clause);
            params.add(value);
        }
    }

    private static String escapeLike(String value) {
        // H2 and PostgreSQL both treat backslash as the default LIKE escape
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static Instant instant(String field, String value, List<FieldError> errors) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "an ISO-8601 instant, e.g. 2026-11-23T00:00:00Z"));
            return null;
        }
    }

    private static String upper(String value) {
        return blankToNull(value) == null ? null : value.trim().toUpperCase(Locale.ROOT);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
