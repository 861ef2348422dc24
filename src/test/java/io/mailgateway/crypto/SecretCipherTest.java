package io.mailgateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import io.mailgateway.config.GatewayProperties.Encryption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {

    private static final String KEY_A = "a:" + Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = "b:" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void aSecretIsStoredUnreadableAndComesBack() {
        var cipher = new SecretCipher(new Encryption(List.of(KEY_A), null));
        String stored = cipher.encrypt("app-password-1234");
        assertThat(stored).startsWith("a:").doesNotContain("app-password-1234");
        assertThat(cipher.encrypt("app-password-1234")).as("a fresh IV each time").isNotEqualTo(stored);
        assertThat(cipher.decrypt(stored)).isEqualTo("app-password-1234");
    }

    @Test
    void aNewKeyFirstStillReadsRowsOfTheOldKey() {
        String old = new SecretCipher(new Encryption(List.of(KEY_A), null)).encrypt("refresh-token");
        var rotated = new SecretCipher(new Encryption(List.of(KEY_B, KEY_A), null));
        assertThat(rotated.decrypt(old)).isEqualTo("refresh-token");
        assertThat(rotated.encrypt("x")).startsWith("b:");
    }

    @Test
    void tamperingIsDetectedAndTheErrorQuotesNoSecret() {
        var cipher = new SecretCipher(new Encryption(List.of(KEY_A), null));
        String stored = cipher.encrypt("app-password-1234");
        byte[] raw = Base64.getDecoder().decode(stored.substring(2));
        raw[raw.length - 1] ^= 1;
        String tampered = "a:" + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> cipher.decrypt(tampered))
                .isInstanceOf(IllegalStateException.class)
                .message().doesNotContain(tampered).doesNotContain("app-password");
    }

    @Test
    void anUnknownKeyIdIsAClearError() {
        String stored = new SecretCipher(new Encryption(List.of(KEY_B), null)).encrypt("x");
        var cipher = new SecretCipher(new Encryption(List.of(KEY_A), null));
        assertThatThrownBy(() -> cipher.decrypt(stored)).hasMessageContaining("key 'b'");
    }

    @Test
    void withoutAKeyAndWithoutADevelopmentFolderItRefusesToStart() {
        assertThatThrownBy(() -> new SecretCipher(new Encryption(List.of(), null)))
                .hasMessageContaining("GATEWAY_ENCRYPTION_KEYS");
    }

    @Test
    void aWrongKeyLengthIsRefused() {
        assertThatThrownBy(() -> new SecretCipher(new Encryption(List.of("k:" + Base64.getEncoder().encodeToString(new byte[16])), null)))
                .hasMessageContaining("32 bytes");
    }

    @Test
    void theDevelopmentKeyIsGeneratedOnceAndReused(@TempDir Path dir) throws Exception {
        String stored = new SecretCipher(new Encryption(null, dir)).encrypt("secret");
        assertThat(Files.exists(dir.resolve("encryption.key"))).isTrue();
        assertThat(new SecretCipher(new Encryption(null, dir)).decrypt(stored)).isEqualTo("secret");
    }
}
