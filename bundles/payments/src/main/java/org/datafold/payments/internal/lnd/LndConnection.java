package org.datafold.payments.internal.lnd;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

import javax.net.ssl.SSLException;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.lightningj.lnd.wrapper.ClientSideException;
import org.lightningj.lnd.wrapper.CommunicationException;
import org.lightningj.lnd.wrapper.StaticFileMacaroonContext;
import org.lightningj.lnd.wrapper.StatusException;
import org.lightningj.lnd.wrapper.SynchronousLndAPI;
import org.lightningj.lnd.wrapper.ValidationException;
import org.lightningj.lnd.wrapper.invoices.SynchronousInvoicesAPI;
import org.lightningj.lnd.wrapper.message.AddInvoiceResponse;
import org.lightningj.lnd.wrapper.message.Invoice;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;

/**
 * The node's connection to the owner's LND: gRPC over TLS (trusting LND's {@code tls.cert}) with a
 * macaroon, through lightningj. The JDK's TLS is used (no native library). Every failure becomes a
 * {@link FoldException}: {@code UNAVAILABLE} when LND cannot be reached, {@code NOT_FOUND} for an
 * unknown invoice, {@code INVALID_ARGUMENT} for what LND refuses.
 */
public final class LndConnection implements AutoCloseable {

    private static final HexFormat HEX = HexFormat.of();

    private final String where;
    private final SynchronousLndAPI lightning;
    private final SynchronousInvoicesAPI invoices;

    /**
     * @throws FoldException {@code CONFIGURATION_INVALID} when the certificate or macaroon cannot be read
     */
    public LndConnection(String host, int port, Path tlsCert, Path macaroon) {
        this.where = host + ":" + port;
        if (!Files.isReadable(tlsCert)) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "lnd_tls_cert " + tlsCert + " is not a readable"
                    + " file");
        }
        if (!Files.isReadable(macaroon)) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "lnd_macaroon " + macaroon + " is not a readable"
                    + " file");
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // grpc finds its providers through the context class loader: make it this bundle's
        Thread.currentThread().setContextClassLoader(LndConnection.class.getClassLoader());
        try {
            SslContext ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                    .trustManager(tlsCert.toFile()).build();
            this.lightning = new SynchronousLndAPI(host, port, ssl, new StaticFileMacaroonContext(new File(
                    macaroon.toString())));
            this.invoices = new SynchronousInvoicesAPI(host, port, ssl, new StaticFileMacaroonContext(new File(
                    macaroon.toString())));
        } catch (SSLException | ClientSideException | IllegalArgumentException e) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "cannot use LND's TLS certificate or macaroon ("
                    + tlsCert + ", " + macaroon + "): " + e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** AddInvoice: an invoice for {@code sat} satoshis. */
    public LndInvoice addInvoice(long sat, String memo, long expirySeconds) {
        try {
            Invoice request = new Invoice();
            request.setValue(sat);
            request.setMemo(memo);
            request.setExpiry(expirySeconds);
            AddInvoiceResponse added = lightning.addInvoice(request);
            return lookup(added.getRHash());
        } catch (StatusException | ValidationException e) {
            throw failure("AddInvoice", e);
        }
    }

    /** LookupInvoice by payment hash. */
    public LndInvoice lookup(byte[] hash) {
        try {
            Invoice inv = lightning.lookupInvoice(null, hash);
            return new LndInvoice(HEX.formatHex(inv.getRHash()), inv.getPaymentRequest(), inv.getValue(),
                    inv.getState().name(), inv.getAmtPaidSat(), inv.getCreationDate(), inv.getExpiry(),
                    inv.getMemo());
        } catch (StatusException | ValidationException e) {
            throw failure("LookupInvoice", e);
        }
    }

    /** SettleInvoice: settles a held invoice with its preimage. */
    public void settle(byte[] preimage) {
        try {
            invoices.settleInvoice(preimage);
        } catch (StatusException | ValidationException e) {
            throw failure("SettleInvoice", e);
        }
    }

    /** CancelInvoice: cancels an open or held invoice. */
    public void cancel(byte[] hash) {
        try {
            invoices.cancelInvoice(hash);
        } catch (StatusException | ValidationException e) {
            throw failure("CancelInvoice", e);
        }
    }

    private FoldException failure(String call, Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof CommunicationException) {
            return new FoldException(ErrorCode.UNAVAILABLE, "LND at " + where + " is unreachable (" + call + "): "
                    + message, Map.of("lnd", where), e);
        }
        if (message.contains("macaroon") || message.contains("verification failed")) {
            return new FoldException(ErrorCode.CONFIGURATION_INVALID, "LND at " + where + " refused the macaroon ("
                    + call + "): " + message, Map.of("lnd", where), e);
        }
        if (message.contains("unable to locate invoice")) {
            return new FoldException(ErrorCode.NOT_FOUND, "LND knows no such invoice", Map.of("lnd", where), e);
        }
        return new FoldException(ErrorCode.INVALID_ARGUMENT, "LND refused " + call + ": " + message,
                Map.of("lnd", where), e);
    }

    @Override
    public void close() {
        try {
            lightning.close();
        } catch (StatusException e) {
            // closing: nothing left to do
        }
        try {
            invoices.close();
        } catch (StatusException e) {
            // closing: nothing left to do
        }
    }
}
