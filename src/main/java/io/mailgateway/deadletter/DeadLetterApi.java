package io.mailgateway.deadletter;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailgateway.api.ApiException;
import io.mailgateway.message.SendRequest;
import org.apache.camel.Header;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Read access to the dead-letter table for support staff. */
@Component("deadLetterApi")
public class DeadLetterApi {

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    public DeadLetterApi(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    public Map<String, Object> list(@Header("tenant") String tenant, @Header("category") String category,
            @Header("limit") Integer limit, @Header("offset") Integer offset) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> params = new ArrayList<>();
        if (tenant != null && !tenant.isBlank()) {
            where.append(" and tenant_id = ?");
            params.add(tenant);
        }
        if (category != null && !category.isBlank()) {
            where.append(" and category = ?");
            params.add(category);
        }
        int size = limit == null ? 50 : Math.max(1, Math.min(limit, 500));
        int from = offset == null ? 0 : Math.max(0, offset);
        long total = jdbc.sql("select count(*) from dead_letter" + where).params(params).query(Long.class).single();
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
        page.put("items", items);
        return page;
    }

    public Map<String, Object> detail(@Header("id") String id) {
        Map<String, Object> found = jdbc.sql("select * from dead_letter where id = ?").param(id)
                .query((rs, n) -> {
                    Map<String, Object> view = summary(rs);
                    view.put("request", requestView(rs.getString("request_json")));
                    return view;
                }).optional().orElseThrow(() -> ApiException.notFound("Dead letter"));
        return found;
    }

    private Map<String, Object> summary(ResultSet rs) throws SQLException {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rs.getString("id"));
        view.put("messageId", rs.getString("message_id"));
        view.put("tenantId", rs.getString("tenant_id"));
        view.put("route", rs.getString("route"));
        view.put("category", rs.getString("category"));
        view.put("providerReply", rs.getString("provider_reply"));
        view.put("hint", rs.getString("hint"));
        view.put("attempts", rs.getInt("attempts"));
        view.put("status", rs.getString("status"));
        view.put("createdAt", rs.getTimestamp("created_at").toInstant());
        return view;
    }

    /** The original request, with attachments as name, type and size: their content is not part of the listing. */
    private Map<String, Object> requestView(String json) {
        try {
            SendRequest r = mapper.readValue(json, SendRequest.class);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("from", r.from());
            view.put("to", r.toOrEmpty());
            view.put("cc", r.ccOrEmpty());
            view.put("bcc", r.bccOrEmpty());
            view.put("replyTo", r.replyTo());
            view.put("subject", r.subject());
            view.put("text", r.text());
            view.put("html", r.html());
            view.put("attachments", r.attachmentsOrEmpty().stream().map(a -> Map.of(
                    "filename", a.filename(),
                    "contentType", a.contentType() == null ? "application/octet-stream" : a.contentType(),
                    "size", java.util.Base64.getDecoder().decode(a.contentBase64()).length)).toList());
            view.put("metadata", r.metadata());
            return view;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored request is unreadable");
        }
    }
}
