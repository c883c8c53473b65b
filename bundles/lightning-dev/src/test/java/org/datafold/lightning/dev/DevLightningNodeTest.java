package org.datafold.lightning.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lightningj.lnd.wrapper.StatusException;
import org.lightningj.lnd.wrapper.SynchronousLndAPI;
import org.lightningj.lnd.wrapper.invoices.SynchronousInvoicesAPI;
import org.lightningj.lnd.wrapper.invoices.message.AddHoldInvoiceRequest;
import org.lightningj.lnd.wrapper.invoices.message.AddHoldInvoiceResp;
import org.lightningj.lnd.wrapper.message.AddInvoiceResponse;
import org.lightningj.lnd.wrapper.message.Invoice;
import org.lightningj.lnd.wrapper.message.SendRequest;
import org.lightningj.lnd.wrapper.message.SendResponse;

import fr.acinq.lightning.payment.Bolt11Invoice;

/**
 * The development node through lightningj, over TLS with the macaroon, exactly as the payments bundle
 * talks to LND: invoices are real BOLT11 requests, hold invoices go OPEN -> ACCEPTED -> SETTLED or
 * CANCELED, and the checks refuse what LND refuses.
 */
class DevLightningNodeTest {

    /** One folder for the class: its TLS certificate and keys are made once (keytool is slow). */
    @TempDir
    static Path dir;

    private DevLightningNode node;
    private SynchronousLndAPI lnd;
    private SynchronousInvoicesAPI invoices;

    @BeforeEach
    void start() throws Exception {
        node = DevLightningNode.start(dir, 0);
        lnd = new SynchronousLndAPI("127.0.0.1", node.port(), node.tlsCert().toFile(), node.macaroonFile().toFile());
        invoices = new SynchronousInvoicesAPI("127.0.0.1", node.port(), node.tlsCert().toFile(),
                node.macaroonFile().toFile());
    }

    @AfterEach
    void stop() throws Exception {
        lnd.close();
        invoices.close();
        node.close();
    }

    private AddInvoiceResponse invoice(long sat, String memo) throws Exception {
        Invoice request = new Invoice();
        request.setValue(sat);
        request.setMemo(memo);
        request.setExpiry(600);
        return lnd.addInvoice(request);
    }

    @Test
    void anInvoiceIsARealBolt11RequestAndSettlesWhenPaid() throws Exception {
        AddInvoiceResponse added = invoice(1600, "Contact email,phone");
        Bolt11Invoice decoded = Bolt11Invoice.Companion.read(added.getPaymentRequest()).get();
        assertThat(decoded.getPrefix()).isEqualTo("lnbcrt");
        assertThat(decoded.getAmount().getMsat()).isEqualTo(1_600_000);
        assertThat(decoded.getPaymentHash().toByteArray()).isEqualTo(added.getRHash());
        assertThat(decoded.getNodeId().toHex()).isEqualTo(node.identityPubkey());
        assertThat(decoded.getDescription()).isEqualTo("Contact email,phone");

        assertThat(lnd.lookupInvoice(null, added.getRHash()).getState()).isEqualTo(Invoice.InvoiceState.OPEN);
        node.pay(added.getPaymentRequest());
        Invoice settled = lnd.lookupInvoice(null, added.getRHash());
        assertThat(settled.getState()).isEqualTo(Invoice.InvoiceState.SETTLED);
        assertThat(settled.getAmtPaidSat()).isEqualTo(1600);
        assertThat(DevLightningNode.sha256(settled.getRPreimage())).isEqualTo(added.getRHash());
        assertThatThrownBy(() -> node.pay(added.getPaymentRequest())).hasMessageContaining("already paid");
    }

    @Test
    void aPayerPaysThroughSendPaymentSync() throws Exception {
        AddInvoiceResponse added = invoice(10, "x");
        SendRequest send = new SendRequest();
        send.setPaymentRequest(added.getPaymentRequest());
        SendResponse paid = lnd.sendPaymentSync(send);
        assertThat(paid.getPaymentError()).isNullOrEmpty();
        assertThat(DevLightningNode.sha256(paid.getPaymentPreimage())).isEqualTo(added.getRHash());
        assertThat(node.state(added.getRHash())).isEqualTo(org.lightningj.lnd.proto.LightningApi.Invoice.InvoiceState.SETTLED);
    }

    @Test
    void aHoldInvoiceIsAcceptedThenSettledOrCancelled() throws Exception {
        byte[] preimage = new byte[32];
        new SecureRandom().nextBytes(preimage);
        byte[] hash = DevLightningNode.sha256(preimage);
        AddHoldInvoiceRequest hold = new AddHoldInvoiceRequest();
        hold.setHash(hash);
        hold.setValue(500);
        hold.setExpiry(600);
        AddHoldInvoiceResp added = invoices.addHoldInvoice(hold);
        assertThat(Bolt11Invoice.Companion.read(added.getPaymentRequest()).get().getPaymentHash().toByteArray())
                .isEqualTo(hash);
        assertThatThrownBy(() -> invoices.settleInvoice(preimage)).isInstanceOf(StatusException.class)
                .hasMessageContaining("invoice still open");
        node.pay(added.getPaymentRequest());
        assertThat(lnd.lookupInvoice(null, hash).getState()).isEqualTo(Invoice.InvoiceState.ACCEPTED);
        invoices.settleInvoice(preimage);
        assertThat(lnd.lookupInvoice(null, hash).getState()).isEqualTo(Invoice.InvoiceState.SETTLED);
        assertThatThrownBy(() -> invoices.cancelInvoice(hash)).hasMessageContaining("already settled");

        byte[] other = DevLightningNode.sha256(hash);
        hold.setHash(other);
        AddHoldInvoiceResp second = invoices.addHoldInvoice(hold);
        node.pay(second.getPaymentRequest());
        invoices.cancelInvoice(other);
        Invoice cancelled = lnd.lookupInvoice(null, other);
        assertThat(cancelled.getState()).isEqualTo(Invoice.InvoiceState.CANCELED);
        assertThat(cancelled.getAmtPaidSat()).isZero();
    }

    @Test
    void anExpiredInvoiceCannotBePaid() throws Exception {
        AddInvoiceResponse added = invoice(100, "late");
        node.expire(added.getRHash());
        assertThat(lnd.lookupInvoice(null, added.getRHash()).getState()).isEqualTo(Invoice.InvoiceState.CANCELED);
        assertThatThrownBy(() -> node.pay(added.getPaymentRequest())).hasMessageContaining("expired or canceled");
    }

    @Test
    void unknownInvoicesAndWrongMacaroonsAreRefused() throws Exception {
        assertThatThrownBy(() -> lnd.lookupInvoice(null, new byte[32])).isInstanceOf(StatusException.class)
                .hasMessageContaining("unable to locate invoice");
        Path forged = dir.resolve("forged.macaroon");
        Files.write(forged, new byte[96]);
        SynchronousLndAPI wrong = new SynchronousLndAPI("127.0.0.1", node.port(), node.tlsCert().toFile(),
                new File(forged.toString()));
        try {
            assertThatThrownBy(() -> wrong.lookupInvoice(null, new byte[32])).isInstanceOf(StatusException.class)
                    .hasMessageContaining("verification failed");
        } finally {
            wrong.close();
        }
    }

    @Test
    void theTlsIdentityAndKeysSurviveARestart() throws Exception {
        String key = node.identityPubkey();
        byte[] cert = Files.readAllBytes(node.tlsCert());
        node.close();
        node = DevLightningNode.start(dir, 0);
        assertThat(node.identityPubkey()).isEqualTo(key);
        assertThat(Files.readAllBytes(node.tlsCert())).isEqualTo(cert);
    }
}
