-- Portable SQL: runs on H2 (embedded default) and PostgreSQL (production).

create table tenant (
    id            varchar(64)  primary key,
    name          varchar(200) not null,
    login_email   varchar(320) not null,
    from_address  varchar(320) not null,
    created_at    timestamp with time zone not null
);

-- only the SHA-256 of a key is stored; the key itself is shown once, when it is created
create table api_key (
    id          varchar(36)  primary key,
    key_hash    varchar(64)  not null unique,
    tenant_id   varchar(64)  not null references tenant (id),
    role        varchar(16)  not null,
    created_at  timestamp with time zone not null
);

create table smtp_settings (
    tenant_id     varchar(64)  primary key references tenant (id),
    host          varchar(255) not null,
    port          integer      not null,
    security      varchar(16)  not null,
    username      varchar(320),
    password_enc  varchar(2000),
    from_address  varchar(320),
    status        varchar(32)  not null,
    confirmed_at  timestamp with time zone,
    updated_at    timestamp with time zone not null
);

create table gmail_account (
    tenant_id          varchar(64)  primary key references tenant (id),
    account_email      varchar(320) not null,
    refresh_token_enc  varchar(4000) not null,
    status             varchar(32)  not null,
    connected_at       timestamp with time zone not null,
    updated_at         timestamp with time zone not null
);

create table message (
    id                   varchar(36)  primary key,
    tenant_id            varchar(64)  not null references tenant (id),
    status               varchar(20)  not null,
    route                varchar(16),
    attempts             integer      not null default 0,
    idempotency_key      varchar(200),
    mime_message_id      varchar(255) not null,
    request_json         text         not null,
    created_at           timestamp with time zone not null,
    updated_at           timestamp with time zone not null,
    sent_at              timestamp with time zone,
    provider_message_id  varchar(255),
    last_error_category  varchar(40),
    last_error_reply     varchar(2000),
    last_error_hint      varchar(1000),
    constraint uq_message_idempotency unique (tenant_id, idempotency_key)
);
create index ix_message_status on message (status);

create table dead_letter (
    id              varchar(36)  primary key,
    message_id      varchar(36)  not null references message (id),
    tenant_id       varchar(64)  not null references tenant (id),
    route           varchar(16),
    category        varchar(40)  not null,
    provider_reply  varchar(2000),
    hint            varchar(1000),
    attempts        integer      not null,
    request_json    text         not null,
    status          varchar(16)  not null,
    created_at      timestamp with time zone not null
);
create index ix_dead_letter_tenant on dead_letter (tenant_id, created_at);
