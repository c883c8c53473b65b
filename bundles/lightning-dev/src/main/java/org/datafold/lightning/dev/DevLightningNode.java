package org.datafold.lightning.dev;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;

import org.lightningj.lnd.proto.LightningApi;
import org.lightningj.lnd.proto.LightningApi.Invoice.InvoiceState;

import fr.acinq.bitcoin.ByteVector32;
import fr.acinq.bitcoin.Chain;
import fr.acinq.bitcoin.PrivateKey;
import fr.acinq.bitcoin.utils.Either;
import fr.acinq.lightning.CltvExpiryDelta;
import fr.acinq.lightning.Feature;
import fr.acinq.lightning.FeatureSupport;
import fr.acinq.lightning.Features;
import fr.acinq.lightning.MilliSatoshi;
import fr.acinq.lightning.payment.Bolt11Invoice;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;

/**
 * A development Lightning node: the invoice side of LND (a gRPC server on 127.0.0.1 with TLS and a
 * macaroon check, speaking LND's own protobuf services) and a payer side that tests and the tour
 * drive. Invoices are real BOLT11 payment requests (regtest, signed by this node's secp256k1 key);
 * no channel, no chain, no money: paying an invoice here only changes its state.
 *
 * <p>Its folder holds {@code tls.cert} (PEM, for the client), {@code tls.p12} (the server's key),
 * {@code admin.macaroon} and {@code node.key}; they are created on the first start and reused.
 */
public final class DevLightningNode implements AutoCloseable {

    static final String STORE_PASSWORD = "datafold-lightning-dev";
    private static final HexFormat HEX = HexFormat.of();

    private final Path dir;
    private final Clock clock;
    private final PrivateKey nodeKey;
    private final byte[] macaroon;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, DevInvoice> invoices = new ConcurrentHashMap<>();
    private final Set<Consumer<DevInvoice>> listeners = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<String> paymentsMade = new CopyOnWriteArrayList<>();
    private long addIndex;
    private long settleIndex;
    private Server server;

    private DevLightningNode(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.clock = clock;
        Files.createDirectories(dir);
        DevTls.ensure(dir);
        this.nodeKey = new PrivateKey(secret(dir.resolve("node.key"), 32));
        this.macaroon = secret(dir.resolve("admin.macaroon"), 96);
    }

    /** Starts a node whose files are in {@code dir}, listening on 127.0.0.1:{@code port} (0: any free port). */
    public static DevLightningNode start(Path dir, int port) throws IOException {
        return start(dir, port, Clock.systemUTC());
    }

    public static DevLightningNode start(Path dir, int port, Clock clock) throws IOException {
        DevLightningNode node = new DevLightningNode(dir, clock);
        node.listen(port);
        return node;
    }

    private void listen(int port) throws IOException {
        try (InputStream in = Files.newInputStream(tlsKeyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, STORE_PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, STORE_PASSWORD.toCharArray());
            MacaroonCheck check = new MacaroonCheck(macaroon);
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(kmf), SslProvider.JDK).build())
                    .addService(ServerInterceptors.intercept(new LightningService(this), check))
                    .addService(ServerInterceptors.intercept(new InvoicesService(this), check))
                    .build()
                    .start();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot load the TLS key of the development Lightning node: " + e, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public Path tlsCert() {
        return dir.resolve("tls.cert");
    }

    Path tlsKeyStore() {
        return dir.resolve("tls.p12");
    }

    public Path macaroonFile() {
        return dir.resolve("admin.macaroon");
    }

    /** The node's public key (hex, compressed), the destination of its invoices. */
    public String identityPubkey() {
        return nodeKey.publicKey().toHex();
    }

    // ---- invoices (the LND side) ----

    /** AddInvoice: a new invoice with a fresh preimage. */
    synchronized DevInvoice addInvoice(long valueSat, String memo, long expirySeconds) {
        byte[] preimage = new byte[32];
        random.nextBytes(preimage);
        return add(sha256(preimage), preimage, valueSat, memo, expirySeconds);
    }

    /** AddHoldInvoice: an invoice for a hash whose preimage the caller keeps. */
    synchronized DevInvoice addHoldInvoice(byte[] hash, long valueSat, String memo, long expirySeconds) {
        if (hash.length != 32) {
            throw new DevLightningException("payment hash must be exactly 32 bytes");
        }
        if (invoices.containsKey(HEX.formatHex(hash))) {
            throw new DevLightningException("invoice with payment hash already exists");
        }
        return add(hash, null, valueSat, memo, expirySeconds);
    }

    private DevInvoice add(byte[] hash, byte[] preimage, long valueSat, String memo, long expirySeconds) {
        if (valueSat < 0) {
            throw new DevLightningException("amount must be 0 or more");
        }
        long expiry = expirySeconds <= 0 ? 86400 : expirySeconds;
        long now = clock.instant().getEpochSecond();
        byte[] paymentSecret = new byte[32];
        random.nextBytes(paymentSecret);
        Map<Feature, FeatureSupport> features = Map.of(
                Feature.VariableLengthOnion.INSTANCE, FeatureSupport.Mandatory,
                Feature.PaymentSecret.INSTANCE, FeatureSupport.Mandatory);
        Bolt11Invoice bolt11 = Bolt11Invoice.Companion.create(Chain.Regtest.INSTANCE,
                valueSat == 0 ? null : new MilliSatoshi(valueSat * 1000), new ByteVector32(hash), nodeKey,
                new Either.Left<>(memo == null ? "" : memo), new CltvExpiryDelta(80),
                new Features(features, Set.of()), new ByteVector32(paymentSecret), null, expiry,
                java.util.List.of(), now);
        DevInvoice inv = new DevInvoice(hash, preimage, valueSat, memo == null ? "" : memo, bolt11.write(),
                paymentSecret, now, expiry, ++addIndex);
        invoices.put(inv.hashHex(), inv);
        publish(inv);
        return inv;
    }

    /** The invoice, with an open one past its expiry cancelled first (as LND does); null if unknown. */
    synchronized DevInvoice lookup(byte[] hash) {
        DevInvoice inv = invoices.get(HEX.formatHex(hash));
        if (inv != null && inv.state == InvoiceState.OPEN
                && clock.instant().getEpochSecond() >= inv.createdAt + inv.expirySeconds) {
            inv.state = InvoiceState.CANCELED;
            publish(inv);
        }
        return inv;
    }

    synchronized DevInvoice require(byte[] hash) {
        DevInvoice inv = lookup(hash);
        if (inv == null) {
            throw new DevLightningException("unable to locate invoice");
        }
        return inv;
    }

    /** SettleInvoice: a held (accepted) invoice is settled with its preimage. */
    synchronized DevInvoice settle(byte[] preimage) {
        DevInvoice inv = require(sha256(preimage));
        switch (inv.state) {
            case ACCEPTED -> {
                inv.preimage = preimage;
                inv.state = InvoiceState.SETTLED;
                inv.settleIndex = ++settleIndex;
                inv.amountPaidSat = inv.valueSat;
                inv.settledAt = clock.instant().getEpochSecond();
                publish(inv);
                notifyAll();
                return inv;
            }
            case OPEN -> throw new DevLightningException("invoice still open");
            case SETTLED -> throw new DevLightningException("invoice already settled");
            default -> throw new DevLightningException("invoice already canceled");
        }
    }

    /** CancelInvoice: an open or accepted invoice is cancelled (an accepted HTLC goes back to the payer). */
    synchronized DevInvoice cancel(byte[] hash) {
        DevInvoice inv = require(hash);
        if (inv.state == InvoiceState.SETTLED) {
            throw new DevLightningException("invoice already settled");
        }
        inv.state = InvoiceState.CANCELED;
        publish(inv);
        notifyAll();
        return inv;
    }

    // ---- the payer side ----

    /**
     * Pays an invoice of this node, as a wallet paying its payment request would: an ordinary invoice is
     * settled; a hold invoice is accepted (the HTLC is held) until its creator settles or cancels it.
     *
     * @return the invoice after the HTLC arrived
     * @throws DevLightningException when the invoice is unknown, expired, cancelled or already paid
     */
    public synchronized DevInvoice pay(String paymentRequest) {
        var decoded = Bolt11Invoice.Companion.read(paymentRequest);
        if (decoded.isFailure()) {
            throw new DevLightningException("invalid payment request");
        }
        Bolt11Invoice bolt11 = decoded.get();
        DevInvoice inv = lookup(bolt11.getPaymentHash().toByteArray());
        if (inv == null) {
            throw new DevLightningException("unable to find a path to destination (unknown invoice)");
        }
        switch (inv.state) {
            case OPEN -> {
                if (inv.preimage == null) {
                    inv.state = InvoiceState.ACCEPTED;
                } else {
                    inv.state = InvoiceState.SETTLED;
                    inv.settleIndex = ++settleIndex;
                    inv.settledAt = clock.instant().getEpochSecond();
                }
                inv.amountPaidSat = inv.valueSat;
                paymentsMade.add(inv.hashHex());
                publish(inv);
                notifyAll();
                return inv;
            }
            case CANCELED -> throw new DevLightningException("invoice expired or canceled");
            default -> throw new DevLightningException("invoice is already paid");
        }
    }

    /**
     * Pays and waits (bounded) until the payment completes: settled, or cancelled by the receiver.
     *
     * @return the preimage of a settled payment, or null when it was cancelled or the wait ran out
     */
    public synchronized byte[] payAndWait(String paymentRequest, long timeoutMillis) throws InterruptedException {
        DevInvoice inv = pay(paymentRequest);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (inv.state == InvoiceState.ACCEPTED) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        return inv.state == InvoiceState.SETTLED ? inv.preimage.clone() : null;
    }

    /** The payer gives up before paying: the invoice's expiry is reached now, and it is cancelled. */
    public synchronized void expire(byte[] hash) {
        DevInvoice inv = require(hash);
        inv.expirySeconds = Math.max(0, clock.instant().getEpochSecond() - inv.createdAt);
        lookup(hash);
    }

    /** The invoice as LND's {@code Invoice} message would show it (null if unknown). */
    public synchronized InvoiceState state(byte[] hash) {
        DevInvoice inv = lookup(hash);
        return inv == null ? null : inv.state;
    }

    // ---- subscriptions ----

    void subscribe(Consumer<DevInvoice> listener) {
        listeners.add(listener);
    }

    void unsubscribe(Consumer<DevInvoice> listener) {
        listeners.remove(listener);
    }

    private void publish(DevInvoice inv) {
        for (Consumer<DevInvoice> l : listeners) {
            l.accept(inv);
        }
    }

    synchronized java.util.List<DevInvoice> all() {
        return invoices.values().stream().sorted(java.util.Comparator.comparingLong(i -> i.addIndex)).toList();
    }

    synchronized LightningApi.Invoice toProto(DevInvoice inv) {
        return inv.toProto();
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file's bytes, or {@code length} fresh random bytes written to it (mode 0600) on the first start. */
    private byte[] secret(Path file, int length) throws IOException {
        if (Files.exists(file)) {
            return Files.readAllBytes(file);
        }
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        Files.write(file, bytes);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions stay
        }
        return bytes;
    }
}
