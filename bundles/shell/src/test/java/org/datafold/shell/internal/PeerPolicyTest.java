package org.datafold.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class PeerPolicyTest {

    @Test
    void sameUidIsAllowed() {
        assertThat(new PeerPolicy(1000).refusal(1000)).isNull();
    }

    @Test
    void otherUidIsRefusedWithBothUidsInTheReason() {
        assertThat(new PeerPolicy(1000).refusal(65534))
                .isEqualTo("peer uid 65534 is not the node owner (uid 1000)");
    }

    @Test
    void rootIsNotTheOwnerOfANodeRunByAnotherUser() {
        assertThat(new PeerPolicy(1000).refusal(0)).isNotNull();
    }

    @Test
    void missingCredentialsAreRefused() {
        assertThat(new PeerPolicy(1000).refusal(-1)).isEqualTo("peer credentials unavailable");
    }

    @Test
    void currentUserIsReadFromProc() throws IOException {
        long uid = PeerPolicy.forCurrentUser().ownerUid();
        assertThat(uid).isGreaterThanOrEqualTo(0);
        assertThat(PeerPolicy.forCurrentUser().refusal(uid)).isNull();
    }
}
