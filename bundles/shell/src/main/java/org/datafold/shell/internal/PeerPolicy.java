package org.datafold.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who may use the admin socket: only processes running under the same user id as the node. The
 * socket file's mode (0600) already keeps others out; this check also covers privileged callers
 * that bypass file permissions, and makes the refusal visible in the security log.
 */
public final class PeerPolicy {
    private final long ownerUid;

    public PeerPolicy(long ownerUid) {
        this.ownerUid = ownerUid;
    }

    /** The policy for the user running this JVM (read from {@code /proc/self}). */
    public static PeerPolicy forCurrentUser() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return new PeerPolicy(((Number) uid).longValue());
    }

    public long ownerUid() {
        return ownerUid;
    }

    /** Returns null when the peer may connect, otherwise the reason for refusing it. */
    public String refusal(long peerUid) {
        if (peerUid < 0) {
            return "peer credentials unavailable";
        }
        return peerUid == ownerUid ? null
                : "peer uid " + peerUid + " is not the node owner (uid " + ownerUid + ")";
    }
}
