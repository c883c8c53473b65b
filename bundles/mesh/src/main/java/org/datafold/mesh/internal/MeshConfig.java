package org.datafold.mesh.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the mesh (PID {@value #PID}). Keys are snake_case: a double underscore in a method
 * name stands for one underscore in the key.
 */
@ObjectClassDefinition(id = MeshConfig.PID, name = "DataFold mesh",
        description = "Membership in a mesh of DataFold nodes (JGroups over TCP), message verification and the global step.")
public @interface MeshConfig {

    String PID = "org.datafold.mesh";

    @AttributeDefinition(name = "Enabled", description = "Join the mesh. Off by default.")
    boolean enabled() default false;

    @AttributeDefinition(name = "Cluster", description = "The mesh name; nodes join the mesh of the same name.")
    String cluster() default "datafold";

    @AttributeDefinition(name = "Bind address", description = "The address the mesh listens on (TCP and failure detection).")
    String bind__addr() default "127.0.0.1";

    @AttributeDefinition(name = "Bind port", description = "The TCP port of the mesh; failure detection uses this port + 100.")
    int bind__port() default 7800;

    @AttributeDefinition(name = "Initial hosts",
            description = "Nodes to contact at start (static discovery): host[port],host[port],...")
    String initial__hosts() default "127.0.0.1[7800]";

    @AttributeDefinition(name = "Stack file",
            description = "The JGroups protocol stack (XML); relative to the node's folder. When the file does not "
                    + "exist the built-in stack (the same as the shipped etc/mesh-tcp.xml) is used.")
    String stack__file() default "etc/mesh-tcp.xml";

    @AttributeDefinition(name = "Join timeout (ms)", description = "How long a join waits for the coordinator.")
    int join__timeout__ms() default 2000;

    @AttributeDefinition(name = "Failure timeout (ms)",
            description = "A member silent this long is suspected (FD_ALL3); crashes are seen sooner through its socket.")
    int fd__timeout__ms() default 6000;

    @AttributeDefinition(name = "Verify suspect (ms)", description = "How long a suspicion is verified before the member is removed.")
    int verify__suspect__ms() default 1000;

    @AttributeDefinition(name = "Merge interval (ms)",
            description = "The longest interval between checks for partitions to merge (MERGE3); the shortest is half of it.")
    int merge__interval__ms() default 3000;

    @AttributeDefinition(name = "Heartbeat interval (ms)",
            description = "How often the node sends a signed heartbeat with the schemas it holds Approved.")
    int heartbeat__interval__ms() default 1000;

    @AttributeDefinition(name = "Pattern generator", description = "digital_root (the seed's generator) or hmac (keyed).")
    String pattern__generator() default DigitalRootGenerator.NAME;

    @AttributeDefinition(name = "Pattern seed", description = "The seed of the digital_root generator (1 to 1000000000).")
    long pattern__seed() default 7;

    @AttributeDefinition(name = "Phase reset interval", description = "The digital_root value restarts from the seed at steps that are multiples of this.")
    long phase__reset__interval() default 100;

    @AttributeDefinition(name = "Pattern cache size", description = "Values of the digital_root generator kept in memory.")
    int pattern__cache__size() default 1000;

    @AttributeDefinition(name = "Secret file",
            description = "For the hmac generator: a file with the mesh secret (at least 16 bytes), shared by every node "
                    + "of the mesh; relative to the node's folder.")
    String secret__file() default "";

    @AttributeDefinition(name = "Max peer distance",
            description = "Messages are accepted from node keys in the trust table at this distance or nearer; -1: any distance.")
    int max__peer__distance() default -1;

    @AttributeDefinition(name = "Max step skew", description = "How far a message's step may be ahead of or behind the global step.")
    long max__step__skew() default 10000;

    @AttributeDefinition(name = "Max message age (ms)", description = "Older messages are rejected as replays.")
    long max__message__age__ms() default 60000;

    @AttributeDefinition(name = "Query timeout (ms)", description = "How long a forwarded query waits for the target's answer.")
    int query__timeout__ms() default 5000;

    @AttributeDefinition(name = "Anomalies kept", description = "The most recent anomalies kept for mesh:anomalies.")
    int anomaly__capacity() default 1000;
}
