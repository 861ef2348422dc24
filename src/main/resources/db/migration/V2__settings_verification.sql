-- The SMTP test e-mail's one-time confirmation link. Only the token's SHA-256 is stored.
-- One row per tenant: a new test replaces the old link.
create table smtp_verification (
    tenant_id    varchar(64) primary key references tenant (id),
    token_hash   varchar(64) not null unique,
    created_at   timestamp with time zone not null,
    expires_at   timestamp with time zone not null,
    used_at      timestamp with time zone
);

-- A Google sign-in in progress: the one-time state, the PKCE verifier (encrypted) and where to send the browser back.
create table oauth_state (
    state_hash          varchar(64)   primary key,
    tenant_id           varchar(64)   not null references tenant (id),
    code_verifier_enc   varchar(500)  not null,
    return_url          varchar(2000) not null,
    created_at          timestamp with time zone not null,
    expires_at          timestamp with time zone not null
);
