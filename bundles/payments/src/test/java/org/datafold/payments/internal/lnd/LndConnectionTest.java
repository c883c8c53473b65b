package org.datafold.payments.internal.lnd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.lightning.dev.DevLightningNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's LND connection against the development LND, over TLS with the macaroon. */
class LndConnectionTest {

    @TempDir
    static Path dir;

    static DevLightningNode lnd;
    static LndConnection connection;

    @BeforeAll
    static void start() throws Exception {
        lnd = DevLightningNode.start(dir.resolve("lnd"), 0);
        connection = new LndConnection("127.0.0.1", lnd.port(), lnd.tlsCert(), lnd.macaroonFile());
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        lnd.close();
    }

    @Test
    void anInvoiceIsCreatedLookedUpAndSeenSettled() {
        LndInvoice inv = connection.addInvoice(1600, "Contact email,phone", 600);
        assertThat(inv.state()).isEqualTo("OPEN");
        assertThat(inv.valueSat()).isEqualTo(1600);
        assertThat(inv.paymentRequest()).startsWith("lnbcrt16u1");
        assertThat(inv.expiresAt()).isEqualTo(inv.createdAt() + 600);
        lnd.pay(inv.paymentRequest());
        LndInvoice settled = connection.lookup(HexFormat.of().parseHex(inv.paymentHash()));
        assertThat(settled.state()).isEqualTo("SETTLED");
        assertThat(settled.amountPaidSat()).isEqualTo(1600);
    }

    @Test
    void anUnknownInvoiceIsNotFound() {
        assertThatThrownBy(() -> connection.lookup(new byte[32]))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void anUnreachableLndIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (LndConnection nowhere = new LndConnection("127.0.0.1", closedPort, lnd.tlsCert(), lnd.macaroonFile())) {
            assertThatThrownBy(() -> nowhere.addInvoice(10, "x", 600))
                    .isInstanceOf(FoldException.class)
                    .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("unreachable");
        }
    }

    @Test
    void aForgedMacaroonIsRefused() throws Exception {
        Path forged = dir.resolve("forged.macaroon");
        Files.write(forged, new byte[96]);
        try (LndConnection wrong = new LndConnection("127.0.0.1", lnd.port(), lnd.tlsCert(), forged)) {
            assertThatThrownBy(() -> wrong.addInvoice(10, "x", 600))
                    .isInstanceOf(FoldException.class)
                    .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID))
                    .hasMessageContaining("macaroon");
        }
    }

    @Test
    void missingFilesAreAConfigurationError() {
        assertThatThrownBy(() -> new LndConnection("127.0.0.1", lnd.port(), dir.resolve("none.cert"),
                lnd.macaroonFile()))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID))
                .hasMessageContaining("lnd_tls_cert");
    }
}
