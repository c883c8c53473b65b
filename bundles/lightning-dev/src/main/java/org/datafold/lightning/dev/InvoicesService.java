package org.datafold.lightning.dev;

import java.util.function.Consumer;

import org.lightningj.lnd.invoices.proto.InvoicesGrpc;
import org.lightningj.lnd.invoices.proto.InvoicesOuterClass;
import org.lightningj.lnd.proto.LightningApi;
import org.lightningj.lnd.proto.LightningApi.Invoice.InvoiceState;

import com.google.protobuf.ByteString;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** LND's {@code Invoices} service (hold invoices). */
final class InvoicesService extends InvoicesGrpc.InvoicesImplBase {

    private final DevLightningNode node;

    InvoicesService(DevLightningNode node) {
        this.node = node;
    }

    @Override
    public void addHoldInvoice(InvoicesOuterClass.AddHoldInvoiceRequest request,
            StreamObserver<InvoicesOuterClass.AddHoldInvoiceResp> out) {
        try {
            long value = request.getValue() != 0 ? request.getValue() : request.getValueMsat() / 1000;
            DevInvoice inv = node.addHoldInvoice(request.getHash().toByteArray(), value, request.getMemo(),
                    request.getExpiry());
            out.onNext(InvoicesOuterClass.AddHoldInvoiceResp.newBuilder()
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
    public void settleInvoice(InvoicesOuterClass.SettleInvoiceMsg request,
            StreamObserver<InvoicesOuterClass.SettleInvoiceResp> out) {
        try {
            node.settle(request.getPreimage().toByteArray());
            out.onNext(InvoicesOuterClass.SettleInvoiceResp.getDefaultInstance());
            out.onCompleted();
        } catch (DevLightningException e) {
            out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void cancelInvoice(InvoicesOuterClass.CancelInvoiceMsg request,
            StreamObserver<InvoicesOuterClass.CancelInvoiceResp> out) {
        try {
            node.cancel(request.getPaymentHash().toByteArray());
            out.onNext(InvoicesOuterClass.CancelInvoiceResp.getDefaultInstance());
            out.onCompleted();
        } catch (DevLightningException e) {
            out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void lookupInvoiceV2(InvoicesOuterClass.LookupInvoiceMsg request, StreamObserver<LightningApi.Invoice> out) {
        try {
            out.onNext(node.toProto(node.require(request.getPaymentHash().toByteArray())));
            out.onCompleted();
        } catch (DevLightningException e) {
            out.onError(Status.UNKNOWN.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    /** The invoice's current state, then each change, until it is settled or cancelled. */
    @Override
    public void subscribeSingleInvoice(InvoicesOuterClass.SubscribeSingleInvoiceRequest request,
            StreamObserver<LightningApi.Invoice> out) {
        ServerCallStreamObserver<LightningApi.Invoice> stream = (ServerCallStreamObserver<LightningApi.Invoice>) out;
        byte[] hash = request.getRHash().toByteArray();
        String hex = java.util.HexFormat.of().formatHex(hash);
        boolean[] done = { false };
        Consumer<DevInvoice>[] holder = new Consumer[1];
        Consumer<DevInvoice> listener = inv -> {
            if (!inv.hashHex().equals(hex)) {
                return;
            }
            synchronized (stream) {
                if (done[0] || stream.isCancelled()) {
                    return;
                }
                stream.onNext(node.toProto(inv));
                if (inv.state == InvoiceState.SETTLED || inv.state == InvoiceState.CANCELED) {
                    done[0] = true;
                    stream.onCompleted();
                    node.unsubscribe(holder[0]);
                }
            }
        };
        holder[0] = listener;
        stream.setOnCancelHandler(() -> node.unsubscribe(listener));
        synchronized (node) {
            DevInvoice current = node.lookup(hash);
            if (current == null) {
                out.onError(Status.UNKNOWN.withDescription("unable to locate invoice").asRuntimeException());
                return;
            }
            node.subscribe(listener);
            listener.accept(current);
        }
    }
}
