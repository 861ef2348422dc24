package io.mailgateway.deadletter;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.api.ApiException;
import io.mailgateway.message.MessageRepository;
import io.mailgateway.message.SendRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Read access to the dead-letter table for support staff: the list with filters, the detail, attachments. */
@Component("deadLetterApi")
public class DeadLetterApi {

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;
    private final MessageRepository messages;

    public DeadLetterApi(JdbcClient jdbc, ObjectMapper mapper, MessageRepository messages) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.messages = messages;
    }

    /** Newest first, paginated, with the total and the counts by category of everything that matches. */
    public Map<String, Object> list(Exchange exchange, @Header("limit") Integer limit, @Header("offset") Integer offset) {
        DeadLetterFilter filter = DeadLetterFilter.fromQuery(exchange);
        List<Object> params = new ArrayList<>();
        String where = filter.where(params);
        int size = limit == null ? 50 : Math.max(1, Math.min(limit, 500));
        int from = offset == null ? 0 : Math.max(0, offset);
        long total = jdbc.sql("select count(*) from dead_letter" + where).params(params).query(Long.class).single();
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("select category, count(*) as n from dead_letter" + where + " group by category order by n desc, category")
                .params(params).query((rs, n) -> counts.put(rs.getString("category"), rs.getLong("n"))).list();
        List<Object> pageParams = new ArrayList<>(params);
        pageParams.add(size);
        pageParams.add(from);
        List<Map<String, Object>> items = jdbc.sql("select * from dead_letter" + where
                        + " order by created_at desc, id limit ? offset ?")
                .params(pageParams).query((rs, n) -> summary(rs)).list();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("total", total);
        page.put("limit", size);
        page.put("offset", from);
        page.put("countsByCategory", counts);
        page.put("items", items);
        return page;
    }

    /** Everything stored: the original request (attachments by link), settings in force, attempts, audit trail. */
    public Map<String, Object> detail(@Header("id") String id) {
        Map<String, Object> view = jdbc.sql("select * from dead_letter where id = ?").param(id)
                .query((rs, n) -> {
                    Map<String, Object> v = summary(rs);
                    v.put("request", requestView(rs.getString("id"), rs.getString("request_json")));
                    v.put("settingsAtFailure", readTree(rs.getString("settings_json")));
                    v.put("retriedAt", instant(rs, "retried_at"));
                    v.put("retriedBy", rs.getString("retried_by"));
                    v.put("retryAttempt", rs.getObject("retry_attempt"));
                    v.put("discardedAt", instant(rs, "discarded_at"));
                    v.put("discardedBy", rs.getString("discarded_by"));
                    v.put("discardReason", rs.getString("discard_reason"));
                    return v;
                }).optional().orElseThrow(() -> ApiException.notFound("Dead letter"));
        String messageId = (String) view.get("messageId");
        view.put("messageStatus", messages.find(messageId).map(m -> m.status().name()).orElse(null));
        view.put("attemptLog", messages.attempts(messageId));
        view.put("audit", jdbc.sql("select actor, action, detail, at from dead_letter_audit where dead_letter_id = ? order by at, id")
                .param(id).query((rs, n) -> {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("actor", rs.getString("actor"));
                    a.put("action", rs.getString("action"));
                    a.put("detail", rs.getString("detail"));
                    a.put("at", rs.getTimestamp("at").toInstant());
                    return a;
                }).list());
        return view;
    }

    /** One attachment's content, as a download. */
    public byte[] attachment(Exchange exchange, @Header("id") String id, @Header("index") String index) {
        String json = jdbc.sql("select request_json from dead_letter where id = ?").param(id).query(String.class)
                .optional().orElseThrow(() -> ApiException.notFound("Dead letter"));
        List<SendRequest.Attachment> attachments = read(json).attachmentsOrEmpty();
        int i;
        try {
            i = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw ApiException.notFound("Attachment");
        }
        if (i < 0 || i >= attachments.size()) {
            throw ApiException.notFound("Attachment");
        }
        SendRequest.Attachment a = attachments.get(i);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE,
                a.contentType() == null ? "application/octet-stream" : a.contentType());
        exchange.getMessage().setHeader("Content-Disposition",
                "attachment; filename=\"" + a.filename().replaceAll("[\"\\\\\\r\\n]", "_") + "\"");
        exchange.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        return Base64.getDecoder().decode(a.contentBase64());
    }

    private Map<String, Object> summary(ResultSet rs) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rs.getString("id"));
        view.put("messageId", rs.getString("message_id"));
        view.put("tenantId", rs.getString("tenant_id"));
        view.put("route", rs.getString("route"));
        view.put("recipients", rs.getString("recipients") == null ? List.of() : List.of(rs.getString("recipients").split(",")));
        view.put("subject", rs.getString("subject"));
        view.put("category", rs.getString("category"));
        view.put("providerReply", rs.getString("provider_reply"));
        view.put("hint", rs.getString("hint"));
        view.put("attempts", rs.getInt("attempts"));
        view.put("status", rs.getString("status"));
        view.put("createdAt", rs.getTimestamp("created_at").toInstant());
        return view;
    }

    private Map<String, Object> requestView(String deadLetterId, String json) {
        SendRequest r = read(json);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("from", r.from());
        view.put("to", r.toOrEmpty());
        view.put("cc", r.ccOrEmpty());
        view.put("bcc", r.bccOrEmpty());
        view.put("replyTo", r.replyTo());
        view.put("subject", r.subject());
        view.put("text", r.text());
        view.put("html", r.html());
        List<Map<String, Object>> attachments = new ArrayList<>();
        for (int i = 0; i < r.attachmentsOrEmpty().size(); i++) {
            SendRequest.Attachment a = r.attachmentsOrEmpty().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("filename", a.filename());
            m.put("contentType", a.contentType() == null ? "application/octet-stream" : a.contentType());
            m.put("size", Base64.getDecoder().decode(a.contentBase64()).length);
            m.put("download", "/api/v1/dead-letters/" + deadLetterId + "/attachments/" + i);
            attachments.add(m);
        }
        view.put("attachments", attachments);
        view.put("metadata", r.metadata());
        return view;
    }

    private SendRequest read(String json) {
        return SendRequest.fromStored(mapper, json);
    }

    private Object readTree(String json) {
        try {
            return json == null ? null : mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Object instant(ResultSet rs, String column) throws SQLException {
        var t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
