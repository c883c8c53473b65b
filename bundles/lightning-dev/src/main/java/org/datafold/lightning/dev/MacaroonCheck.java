package org.datafold.lightning.dev;

import java.security.MessageDigest;
import java.util.HexFormat;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Refuses every call that does not carry the node's macaroon (hex, in the {@code macaroon} header, as LND
 * clients send it), with LND's messages. The development node checks the bytes, not caveats.
 */
final class MacaroonCheck implements ServerInterceptor {

    private static final Metadata.Key<String> MACAROON = Metadata.Key.of("macaroon", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    MacaroonCheck(byte[] macaroon) {
        this.expected = macaroon.clone();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String hex = headers.get(MACAROON);
        String refusal = null;
        if (hex == null || hex.isEmpty()) {
            refusal = "expected 1 macaroon, got 0";
        } else {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                given = new byte[0];
            }
            if (!MessageDigest.isEqual(given, expected)) {
                refusal = "verification failed: signature mismatch after caveat verification";
            }
        }
        if (refusal != null) {
            call.close(Status.UNKNOWN.withDescription(refusal), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
