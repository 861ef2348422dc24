package io.mailgateway.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.mailgateway.config.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets at rest with AES-256-GCM. The stored form is {@code keyId:base64(iv || ciphertext)}, so a
 * new key can be put first in {@code gateway.encryption.keys} while the old ones still decrypt older rows.
 */
@Component
public class SecretCipher {

    private static final Logger LOG = LoggerFactory.getLogger(SecretCipher.class);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String currentKeyId;

    @org.springframework.beans.factory.annotation.Autowired
    public SecretCipher(GatewayProperties properties) {
        this(properties.encryption());
    }

    public SecretCipher(GatewayProperties.Encryption encryption) {
        List<String> configured = new ArrayList<>();
        if (encryption.keys() != null) {
            encryption.keys().stream().filter(k -> k != null && !k.isBlank()).forEach(configured::add);
        }
        if (configured.isEmpty()) {
            if (encryption.generateIn() == null) {
                throw new IllegalStateException("No encryption key configured. Set GATEWAY_ENCRYPTION_KEYS to "
                        + "'<keyId>:<base64 of 32 random bytes>' (for example: openssl rand -base64 32).");
            }
            configured.add(loadOrGenerate(encryption.generateIn().resolve("encryption.key")));
        }
        for (String entry : configured) {
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new IllegalStateException("An encryption key must look like '<keyId>:<base64 key>'");
            }
            byte[] raw = Base64.getDecoder().decode(entry.substring(colon + 1).trim());
            if (raw.length != 32) {
                throw new IllegalStateException("Encryption key '" + entry.substring(0, colon)
                        + "' must be 32 bytes (AES-256), it has " + raw.length);
            }
            keys.put(entry.substring(0, colon), new SecretKeySpec(raw, "AES"));
        }
        currentKeyId = keys.keySet().iterator().next();
    }

    private static String loadOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            String entry = "local1:" + Base64.getEncoder().encodeToString(raw);
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry + "\n", StandardCharsets.US_ASCII);
            LOG.warn("No encryption key configured: generated a development key in {}. "
                    + "Production must set GATEWAY_ENCRYPTION_KEYS.", file.toAbsolutePath());
            return entry;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development encryption key " + file, e);
        }
    }

    public String encrypt(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(currentKeyId.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return currentKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        int colon = stored.indexOf(':');
        String keyId = colon > 0 ? stored.substring(0, colon) : "";
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            // never include the stored value: it is a secret, even encrypted
            throw new IllegalStateException("A secret was encrypted with key '" + keyId
                    + "', which is not configured in gateway.encryption.keys");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("A stored secret could not be decrypted with key '" + keyId + "'");
        }
    }
}
