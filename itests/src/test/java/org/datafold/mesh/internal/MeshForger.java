package org.datafold.mesh.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.datafold.api.permission.PublicKeys;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;

/**
 * A member of a mesh run by a test (not a node): it joins the cluster with the built-in stack and a
 * key of its own, follows the global step from what it hears, and sends hand-made messages: forged
 * patterns, forged signatures, replays.
 */
public final class MeshForger implements AutoCloseable {

    private final KeyPair pair = PublicKeys.generate();
    private final String key = PublicKeys.of(pair.getPublic());
    private final PatternGenerator generator = new DigitalRootGenerator(7, 100, 100);
    private final AtomicLong highest = new AtomicLong();
    private final long incarnation = System.nanoTime();
    private JChannel channel;

    /** This member's node key (for perm:trust on the nodes). */
    public String key() {
        return key;
    }

    /** Joins {@code cluster} listening on {@code port}. */
    public void join(String cluster, int port, String initialHosts) throws Exception {
        String xml = StackTemplate.fill(StackTemplate.builtIn(), Map.of("bind_addr", "127.0.0.1", "bind_port",
                Integer.toString(port), "initial_hosts", initialHosts, "join_timeout_ms", "2000", "fd_timeout_ms",
                "6000", "fd_interval_ms", "1000", "verify_suspect_ms", "1500", "merge_min_interval_ms", "2000",
                "merge_max_interval_ms", "4000"));
        channel = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        channel.setName("forger");
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                try {
                    MeshMessage m = MeshMessage.decode(msg.getArray(), msg.getOffset(), msg.getLength());
                    highest.accumulateAndGet(m.globalStep(), Math::max);
                } catch (RuntimeException e) {
                    // not a mesh message: ignored
                }
            }
        });
        channel.connect(cluster);
    }

    /** The highest step heard so far. */
    public long heardStep() {
        return highest.get();
    }

    /** The channel's address as the nodes list it. */
    public String address() {
        return String.valueOf(channel.getAddress());
    }

    /** The number of members in the forger's view. */
    public int members() {
        return channel.getView().size();
    }

    private byte[] message(String claimedSender, PrivateKey signer, long step, long pattern) {
        return MeshMessage.signed(MeshMessage.Type.DATA, claimedSender, incarnation, step, pattern,
                System.currentTimeMillis(), "forged".getBytes(StandardCharsets.UTF_8), signer).encode();
    }

    /** Sends a message with its own key and a wrong pattern value. */
    public void sendForgedPattern() throws Exception {
        long step = highest.get() + 1;
        channel.send(new BytesMessage(null, message(key, pair.getPrivate(), step, generator.value(step) + 1)));
    }

    /** Sends a message that claims another node's key, signed with its own. */
    public void sendForgedSignature(String victimKey) throws Exception {
        long step = highest.get() + 2;
        channel.send(new BytesMessage(null, message(victimKey, pair.getPrivate(), step, generator.value(step))));
    }

    /** Sends one valid message twice. */
    public void sendReplay() throws Exception {
        long step = highest.get() + 3;
        byte[] valid = message(key, pair.getPrivate(), step, generator.value(step));
        channel.send(new BytesMessage(null, valid));
        channel.send(new BytesMessage(null, valid));
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close();
        }
    }
}
