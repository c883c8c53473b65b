package org.datafold.apps.internal;

import java.security.KeyPair;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

import org.datafold.api.permission.PublicKeys;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The identities the node keeps for apps that declare no key: one Ed25519 pair per app id, in storage. */
final class AppIdentities {

    static final RepositoryDescriptor<AppIdentity> IDENTITIES =
            new RepositoryDescriptor<>("apps.identities", AppIdentity.class);

    private static final Logger LOG = LoggerFactory.getLogger(AppIdentities.class);

    private final Repository<AppIdentity> repository;
    private final Clock clock;

    AppIdentities(Storage storage, Clock clock) {
        this.repository = Objects.requireNonNull(storage, "storage").repository(IDENTITIES);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The stored identity of an app id, if the node created one. */
    Optional<AppIdentity> find(String appId) {
        return repository.get(appId);
    }

    /**
     * The public key of an app id: the stored one, or a new pair created and stored now. Two callers
     * racing on a new id get the same key (the first one stored wins).
     */
    String publicKey(String appId) {
        Optional<AppIdentity> existing = repository.get(appId);
        if (existing.isPresent()) {
            return existing.get().publicKey();
        }
        AppIdentity created = generate(appId);
        if (repository.putIfAbsent(appId, created)) {
            LOG.info("app {}: identity created, {}", appId, PublicKeys.fingerprint(created.publicKey()));
            return created.publicKey();
        }
        return repository.get(appId).orElseThrow(() -> new IllegalStateException("identity of app " + appId
                + " vanished while it was created")).publicKey();
    }

    private AppIdentity generate(String appId) {
        KeyPair pair = PublicKeys.generate();
        String publicKey = PublicKeys.of(pair.getPublic());
        String privateKey = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        return new AppIdentity(appId, publicKey, privateKey, clock.instant());
    }
}
