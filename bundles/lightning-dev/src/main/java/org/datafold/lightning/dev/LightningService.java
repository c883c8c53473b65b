package org.datafold.lightning.dev;

import java.util.function.Consumer;

import org.lightningj.lnd.proto.LightningApi;
import org.lightningj.lnd.proto.LightningGrpc;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The part of LND's {@code Lightning} service the node and a payer use. */
final class LightningService extends LightningGrpc.LightningImplBase {

    private final DevLightningNode node;

    LightningService(DevLightningNode node) {
        this.node = node;
    }

    @Override
    public void getInfo(LightningApi.GetInfoRequest request, StreamObserver<LightningApi.GetInfoResponse> out) {
        out.onNext(LightningApi.GetInfoResponse.newBuilder()
                .setIdentityPubkey(node.identityPubkey())
                .setAlias("datafold-lightning-dev")
                .setVersion("datafold-lightning-dev (LND API subset)")
                .setSyncedToChain(true)
                .addChains(LightningApi.Chain.newBuilder().setChain("bitcoin").setNetwork("regtest"))
                .build());
        out.onCompleted();
    }

    @Override
    public void addInvoice(LightningApi.Invoice request, StreamObserver<LightningApi.AddInvoiceResponse> out) {
        try {
            long value = request.getValue() != 0 ? request.getValue() : request.getValueMsat() / 1000;
            DevInvoice inv = node.addInvoice(value, request.getMemo(), request.getExpiry());
            out.onNext(LightningApi.AddInvoiceResponse.newBuilder()
                    .setRHash(ByteString.copyFrom(inv.hash))
                    .setPaymentRequest(inv.paymentRequest)
                    .setAddIndex(inv.addIndex)
                    .setPaymentAddr(ByteString.copyFrom(inv.paymentAddr))
                    .build());
            out.onCompleted();
        } catch (DevLightningException e) {
            out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void lookupInvoice(LightningApi.PaymentHash request, StreamObserver<LightningApi.Invoice> out) {
        try {
            byte[] hash = request.getRHash().isEmpty() ? java.util.HexFormat.of().parseHex(request.getRHashStr())
                    : request.getRHash().toByteArray();
            out.onNext(node.toProto(node.require(hash)));
            out.onCompleted();
        } catch (DevLightningException | IllegalArgumentException e) {
            out.onError(Status.UNKNOWN.withDescription(e instanceof DevLightningException ? e.getMessage()
                    : "invalid hash").asRuntimeException());
        }
    }

    @Override
    public void subscribeInvoices(LightningApi.InvoiceSubscription request,
            StreamObserver<LightningApi.Invoice> out) {
        ServerCallStreamObserver<LightningApi.Invoice> stream = (ServerCallStreamObserver<LightningApi.Invoice>) out;
        Consumer<DevInvoice> listener = inv -> {
            synchronized (stream) {
                if (!stream.isCancelled()) {
                    stream.onNext(node.toProto(inv));
                }
            }
        };
        stream.setOnCancelHandler(() -> node.unsubscribe(listener));
        synchronized (node) {
            // the backlog after the indexes given, then live changes
            for (DevInvoice inv : node.all()) {
                boolean added = request.getAddIndex() > 0 && inv.addIndex > request.getAddIndex();
                boolean settled = request.getSettleIndex() > 0 && inv.settleIndex > request.getSettleIndex();
                if (added || settled) {
                    listener.accept(inv);
                }
            }
            node.subscribe(listener);
        }
    }

    /** The payer side: pays a payment request of this node and waits until it is settled or fails. */
    @Override
    public void sendPaymentSync(LightningApi.SendRequest request, StreamObserver<LightningApi.SendResponse> out) {
        LightningApi.SendResponse.Builder response = LightningApi.SendResponse.newBuilder();
        try {
            byte[] preimage = node.payAndWait(request.getPaymentRequest(), 120_000);
            if (preimage == null) {
                response.setPaymentError("payment failed: the receiver cancelled the held payment");
            } else {
                response.setPaymentPreimage(ByteString.copyFrom(preimage))
                        .setPaymentHash(ByteString.copyFrom(DevLightningNode.sha256(preimage)));
            }
        } catch (DevLightningException e) {
            response.setPaymentError(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.setPaymentError("payment interrupted");
        }
        out.onNext(response.build());
        out.onCompleted();
    }
}
