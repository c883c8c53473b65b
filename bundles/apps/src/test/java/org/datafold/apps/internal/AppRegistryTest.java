package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;
import org.datafold.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class AppRegistryTest extends StorageFixture {

    @Test
    void anAppWithoutKeyGetsANodeKeyThatSurvivesRestarts() {
        App first = add(10, "notes;name=\"Notes\"");
        assertThat(first.keySource()).isEqualTo(App.NODE_KEY);
        assertThat(PublicKeys.isKey(first.publicKey())).isTrue();
        assertThat(first.caller()).isEqualTo(Caller.key(first.publicKey()));
        assertThat(first.name()).isEqualTo("Notes");

        reopen();
        App again = add(11, "notes");
        assertThat(again.publicKey()).isEqualTo(first.publicKey());

        App other = add(12, "diary");
        assertThat(other.publicKey()).isNotEqualTo(first.publicKey());
    }

    @Test
    void theStoredPairHoldsAWorkingPrivateKey() {
        App app = add(10, "notes");
        AppIdentity id = new AppIdentities(storage, CLOCK).find("notes").orElseThrow();
        assertThat(id.publicKey()).isEqualTo(app.publicKey());
        assertThat(id.createdAt()).isEqualTo(CLOCK.instant());
        assertThat(id.toString()).doesNotContain(id.privateKey()).doesNotContain(id.publicKey());

        var priv = PublicKeys.privateKey(java.util.Base64.getDecoder().decode(id.privateKey()));
        byte[] message = { 1, 2, 3 };
        assertThat(PublicKeys.verify(app.publicKey(), message, PublicKeys.sign(priv, message))).isTrue();
    }

    @Test
    void aDeclaredKeyIsUsedAndNothingIsStored() {
        String key = Fakes.newKey();
        App app = add(10, "notes;key=\"ed25519:" + key + "\"");
        assertThat(app.publicKey()).isEqualTo(key);
        assertThat(app.keySource()).isEqualTo(App.DECLARED_KEY);
        assertThat(new AppIdentities(storage, CLOCK).find("notes")).isEmpty();
    }

    @Test
    void theSecondBundleClaimingAnIdIsRefused() {
        App first = add(10, "notes");
        assertThat(registry.add(11, "com.example.other", "1.0.0", "notes;name=Other", false, () -> Bundle.ACTIVE))
                .isEmpty();
        assertThat(registry.byBundle(11)).isNull();
        assertThat(registry.byId("notes")).isSameAs(first);
        assertThat(registry.all()).containsExactly(first);
    }

    @Test
    void theOwnerKeyIsRefused() {
        try (LogCapture log = new LogCapture()) {
            assertThat(registry.add(10, "com.example.evil", "1.0.0", "evil;key=\"" + permissions.ownerKey() + "\"",
                    false, () -> Bundle.ACTIVE)).isEmpty();
            assertThat(String.join("\n", log.lines())).contains("com.example.evil").contains("owner")
                    .doesNotContain(permissions.ownerKey());
        }
        assertThat(registry.byId("evil")).isNull();
    }

    @Test
    void anotherAppsKeyIsRefused() {
        String key = Fakes.newKey();
        add(10, "one;key=" + key);
        assertThat(registry.add(11, "b", "1", "two;key=" + key, false, () -> Bundle.ACTIVE)).isEmpty();
    }

    @Test
    void anInvalidHeaderIsRefusedNamingTheBundleAndTheRule() {
        try (LogCapture log = new LogCapture()) {
            assertThat(registry.add(10, "com.example.bad", "1.0.0", "Bad App", false, () -> Bundle.ACTIVE)).isEmpty();
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).contains("ERROR").contains("bundle 10")
                    .contains("com.example.bad").contains("[a-z0-9][a-z0-9._-]{0,63}"));
        }
        assertThat(registry.all()).isEmpty();
    }

    @Test
    void aPlatformBundleIsNotAnApp() {
        assertThat(registry.add(10, "b", "1", "notes", true, () -> Bundle.ACTIVE)).isEmpty();
    }

    @Test
    void removingFreesTheId() {
        App first = add(10, "notes");
        assertThat(registry.remove(10)).contains(first);
        assertThat(registry.byId("notes")).isNull();
        App second = add(11, "notes");
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
    }

    @Test
    void identityLogsShowFingerprintsOnly() {
        try (LogCapture log = new LogCapture()) {
            App app = add(10, "notes");
            String all = String.join("\n", log.lines());
            assertThat(all).contains("identity created").contains(app.fingerprint()).doesNotContain(app.publicKey());
            AppIdentity id = new AppIdentities(storage, CLOCK).find("notes").orElseThrow();
            assertThat(all).doesNotContain(id.privateKey());
        }
    }
}
