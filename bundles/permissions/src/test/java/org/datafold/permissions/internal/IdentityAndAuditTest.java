package org.datafold.permissions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.Access;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.junit.jupiter.api.Test;

/** The owner key, keys and labels, persistence across restarts, and the audit. */
class IdentityAndAuditTest extends PermissionFixture {

    private static final Schema PERSON = schema("Person",
            Map.of("age", field(Policy.distance(1), Policy.distance(1), Map.of(), Map.of(), true)));

    @Test
    void theOwnerKeyIsCreatedOnceWithMode0600AndSurvivesARestart() throws Exception {
        String owner = service.ownerKey();
        Path keyFile = dir.resolve(OwnerKey.PRIVATE_FILE);

        assertThat(PublicKeys.decode(owner)).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(KeyFactory.getInstance("Ed25519").generatePrivate(
                new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)))).isNotNull();
        assertThat(Files.readString(dir.resolve(OwnerKey.PUBLIC_FILE)).strip()).isEqualTo("ed25519:" + owner);

        restart(config(-1, 30, 10000));

        assertThat(service.ownerKey()).isEqualTo(owner);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(service.resolve("owner")).isEqualTo(owner);
    }

    @Test
    void aKeyFileOpenedUpByMistakeIsClosedAgainAtStart() throws Exception {
        Path keyFile = dir.resolve(OwnerKey.PRIVATE_FILE);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        restart(config(-1, 30, 10000));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    }

    @Test
    void keysAreValidatedAndNormalized() {
        String key = newKey();
        assertThat(PublicKeys.normalize("ed25519:" + key)).isEqualTo(key);
        assertThat(PublicKeys.fingerprint(key)).startsWith("fp:").hasSize(19).isEqualTo(PublicKeys.fingerprint("ed25519:" + key));
        assertThatThrownBy(() -> service.trust(Base64.getEncoder().encodeToString(new byte[31]), 1, null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> service.trust("nobody", 1, null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> service.trust(key, -1, null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> service.trust("owner", 3, null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void labelsNameOneKeyEach() {
        String a = newKey(), b = newKey();
        service.trust("ed25519:" + a, 3, "alice");

        assertThat(service.resolve("alice")).isEqualTo(a);
        assertThatThrownBy(() -> service.trust(b, 1, "alice"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        service.trust("alice", 1, null); // by label, keeping it
        assertThat(service.keys()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(a);
            assertThat(e.distance()).isEqualTo(1);
            assertThat(e.label()).isEqualTo("alice");
        });
    }

    @Test
    void trustAndGrantsArePersisted() {
        String key = newKey();
        service.trust(key, 4, "phone");
        service.grant("phone", "Person", "age", Access.READ, Duration.ofDays(1));
        service.grant("phone", "Person", null, Access.WRITE, null);

        restart(config(-1, 30, 10000));

        assertThat(service.keys()).singleElement().satisfies(e -> assertThat(e.label()).isEqualTo("phone"));
        assertThat(service.grants()).extracting(g -> g.field() + "/" + g.access())
                .containsExactlyInAnyOrder("age/READ", "null/WRITE");
        assertThat(service.decide(Caller.key(key), PERSON, "age", Access.READ).rule()).isEqualTo("grant");
    }

    @Test
    void denialsGrantsRevocationsAndTrustChangesAreAuditedWithFingerprintsOnly() {
        Instant start = clock.instant();
        String key = newKey();
        service.decide(Caller.key(key), PERSON, "age", Access.READ);
        service.trust(key, 2, "tablet");
        service.grant("tablet", "Person", "age", Access.READ, Duration.ofHours(2));
        service.revoke("tablet", "Person", "age", Access.READ);
        service.untrust("tablet");
        service.decide(Caller.localOwner(), PERSON, "nothing", Access.WRITE);

        List<AuditEvent> events = service.audit(start);

        assertThat(events).extracting(AuditEvent::kind).containsExactly(AuditEvent.Kind.DENIED,
                AuditEvent.Kind.TRUSTED, AuditEvent.Kind.GRANTED, AuditEvent.Kind.REVOKED, AuditEvent.Kind.UNTRUSTED,
                AuditEvent.Kind.DENIED);
        AuditEvent denial = events.get(0);
        assertThat(denial.subject()).isEqualTo(PublicKeys.fingerprint(key));
        assertThat(denial.schema()).isEqualTo("Person");
        assertThat(denial.field()).isEqualTo("age");
        assertThat(denial.rule()).isEqualTo("Distance(1)");
        assertThat(denial.at()).isEqualTo(start);
        assertThat(events.get(5).subject()).isEqualTo("owner");
        assertThat(events.get(5).rule()).isEqualTo("field_not_found");
        assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(key));

        clock.advance(Duration.ofMinutes(1));
        service.decide(Caller.key(key), PERSON, "age", Access.WRITE);
        assertThat(service.audit(clock.instant())).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(AuditEvent.Kind.DENIED));
    }

    @Test
    void theAuditKeepsEventsForTheRetentionPeriodAndAtMostTheConfiguredNumber() {
        restart(config(-1, 30, 100));
        Caller stranger = Caller.key(newKey());
        for (int i = 0; i < 150; i++) {
            service.decide(stranger, PERSON, "age", Access.READ);
        }
        assertThat(service.audit(Instant.EPOCH)).hasSize(100);

        clock.advance(Duration.ofDays(31));
        service.decide(stranger, PERSON, "age", Access.WRITE);

        assertThat(service.audit(Instant.EPOCH)).singleElement()
                .satisfies(e -> assertThat(e.at()).isEqualTo(clock.instant()));
    }
}
