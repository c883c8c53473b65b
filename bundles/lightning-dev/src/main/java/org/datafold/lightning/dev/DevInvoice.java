package org.datafold.lightning.dev;

import java.util.HexFormat;

import org.lightningj.lnd.proto.LightningApi;
import org.lightningj.lnd.proto.LightningApi.Invoice.InvoiceState;

import com.google.protobuf.ByteString;

/** One invoice of the development node; guarded by the node's lock. */
final class DevInvoice {
    final byte[] hash;
    byte[] preimage;
    final long valueSat;
    final String memo;
    final String paymentRequest;
    final byte[] paymentAddr;
    final long createdAt;
    long expirySeconds;
    final long addIndex;
    long settleIndex;
    long settledAt;
    long amountPaidSat;
    InvoiceState state = InvoiceState.OPEN;

    DevInvoice(byte[] hash, byte[] preimage, long valueSat, String memo, String paymentRequest, byte[] paymentAddr,
            long createdAt, long expirySeconds, long addIndex) {
        this.hash = hash.clone();
        this.preimage = preimage == null ? null : preimage.clone();
        this.valueSat = valueSat;
        this.memo = memo;
        this.paymentRequest = paymentRequest;
        this.paymentAddr = paymentAddr.clone();
        this.createdAt = createdAt;
        this.expirySeconds = expirySeconds;
        this.addIndex = addIndex;
    }

    String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    LightningApi.Invoice toProto() {
        LightningApi.Invoice.Builder b = LightningApi.Invoice.newBuilder()
                .setMemo(memo)
                .setRHash(ByteString.copyFrom(hash))
                .setValue(valueSat)
                .setValueMsat(valueSat * 1000)
                .setSettled(state == InvoiceState.SETTLED)
                .setCreationDate(createdAt)
                .setSettleDate(settledAt)
                .setPaymentRequest(paymentRequest)
                .setExpiry(expirySeconds)
                .setCltvExpiry(80)
                .setAddIndex(addIndex)
                .setSettleIndex(settleIndex)
                .setAmtPaid(state == InvoiceState.SETTLED ? amountPaidSat * 1000 : 0)
                .setAmtPaidSat(state == InvoiceState.SETTLED ? amountPaidSat : 0)
                .setAmtPaidMsat(state == InvoiceState.SETTLED ? amountPaidSat * 1000 : 0)
                .setState(state)
                .setPaymentAddr(ByteString.copyFrom(paymentAddr));
        // LND shows the preimage of its own invoices, and of hold invoices once settled
        if (preimage != null) {
            b.setRPreimage(ByteString.copyFrom(preimage));
        }
        return b.build();
    }
}
