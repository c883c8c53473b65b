package org.datafold.payments.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of payments (PID {@value #PID}); every key has a default. Keys are snake_case: a
 * double underscore in a method name stands for one underscore in the key. The component reads and
 * validates the raw properties itself ({@link PaymentSettings}), so that a bad value is refused with
 * a message naming the key; this interface is the metatype description and the defaults.
 */
@ObjectClassDefinition(id = PaymentsConfig.PID, name = "DataFold payments",
        description = "Prices of queries and mutations, and whether they are charged through Lightning.")
public @interface PaymentsConfig {

    String PID = "org.datafold.payments";

    @AttributeDefinition(name = "Charging", description = "Demand payment for priced operations. Off (the "
            + "default): prices are computed and shown (pay:quote) but nothing is charged.")
    boolean charging() default false;

    @AttributeDefinition(name = "Market rate (sat)", description = "The base price of one field, in satoshis, "
            + "before the schema's and the field's multipliers and the trust distance factor.", min = "0")
    long market__rate() default 100;

    @AttributeDefinition(name = "System minimum (sat)", description = "No priced field costs less than this.",
            min = "0")
    long system__minimum() default 50;

    @AttributeDefinition(name = "Distance of unknown keys", description = "The trust distance at which keys that "
            + "are not in the trust table are priced.", min = "1")
    int unknown__distance() default 3;

    @AttributeDefinition(name = "Exempt keys or labels", description = "Keys (base64, optionally ed25519:...) or "
            + "trust-table labels that pay nothing.")
    String[] exempt() default {};

    @AttributeDefinition(name = "Invoice expiry (s)", description = "How long an invoice can be paid.", min = "10")
    int invoice__expiry__s() default 600;

    @AttributeDefinition(name = "Hold timeout (s)", description = "How long a held payment waits for its "
            + "operation before it is cancelled.", min = "1")
    int hold__timeout__s() default 60;

    @AttributeDefinition(name = "LND host", description = "Host of the owner's LND gRPC interface.")
    String lnd__host() default "127.0.0.1";

    @AttributeDefinition(name = "LND port", description = "Port of the owner's LND gRPC interface.", min = "1",
            max = "65535")
    int lnd__port() default 10009;

    @AttributeDefinition(name = "LND TLS certificate", description = "Path of LND's tls.cert (PEM).")
    String lnd__tls__cert() default "";

    @AttributeDefinition(name = "LND macaroon", description = "Path of the macaroon the node uses (invoice "
            + "rights suffice: invoices.macaroon).")
    String lnd__macaroon() default "";
}
