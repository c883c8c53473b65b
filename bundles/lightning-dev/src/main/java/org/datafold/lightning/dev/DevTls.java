package org.datafold.lightning.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TLS identity of the development node, made like LND's own: a self-signed ECDSA P-256 certificate for
 * {@code localhost} and {@code 127.0.0.1}, created once with the JDK's {@code keytool}.
 */
final class DevTls {

    private DevTls() {
    }

    static void ensure(Path dir) throws IOException {
        Path store = dir.resolve("tls.p12");
        Path cert = dir.resolve("tls.cert");
        if (Files.exists(store) && Files.exists(cert)) {
            return;
        }
        Files.deleteIfExists(store);
        Files.deleteIfExists(cert);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "lnd", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost, O=DataFold lightning-dev",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3650", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", DevLightningNode.STORE_PASSWORD,
                "-keypass", DevLightningNode.STORE_PASSWORD));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "lnd", "-keystore", store.toString(),
                "-storepass", DevLightningNode.STORE_PASSWORD, "-file", cert.toString()));
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed to create the TLS certificate: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while creating the TLS certificate", e);
        }
    }
}
