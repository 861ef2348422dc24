package io.mailgateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate for "localhost" (and no IP address) made with the JDK's keytool, once per test run: GreenMail's SMTPS
 * serves it, and the gateway's operator trust store holds it. Connecting by "localhost" is trusted; connecting by
 * 127.0.0.1 must fail the host name check.
 */
public final class TestTls {

    public static final String STORE_PASSWORD = "changeit";
    private static final Path DIR = Path.of("target", "test-tls").toAbsolutePath();
    public static final Path SERVER_KEYSTORE = DIR.resolve("server.p12");
    public static final Path TRUST_STORE = DIR.resolve("trust.p12");

    static {
        try {
            if (!Files.exists(TRUST_STORE)) {
                Files.createDirectories(DIR);
                Files.deleteIfExists(SERVER_KEYSTORE);
                Path cert = DIR.resolve("server.crt");
                Files.deleteIfExists(cert);
                keytool("-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-storetype", "PKCS12",
                        "-keystore", SERVER_KEYSTORE.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
                keytool("-exportcert", "-alias", "smtp", "-keystore", SERVER_KEYSTORE.toString(),
                        "-storepass", STORE_PASSWORD, "-file", cert.toString());
                Path partial = DIR.resolve("trust.p12.tmp");
                Files.deleteIfExists(partial);
                keytool("-importcert", "-noprompt", "-alias", "test-smtp", "-file", cert.toString(), "-storetype", "PKCS12",
                        "-keystore", partial.toString(), "-storepass", STORE_PASSWORD);
                Files.move(partial, TRUST_STORE);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // GreenMail's SSL server socket factory reads these once per JVM
        System.setProperty("greenmail.tls.keystore.file", SERVER_KEYSTORE.toString());
        System.setProperty("greenmail.tls.keystore.password", STORE_PASSWORD);
        System.setProperty("greenmail.tls.key.password", STORE_PASSWORD);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + new String(process.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Makes sure the stores exist and GreenMail is set up to serve the certificate. */
    public static void init() {
        // the static initializer does the work
    }

    private TestTls() {
    }
}
