package org.datafold.storage.internal;

import java.time.Instant;
import java.util.List;

import org.datafold.storage.api.RepositoryDescriptor;

/** Value types and repository descriptors shared by the tests. */
final class TestRecords {

    record Account(String owner, long balance, Instant updatedAt, List<String> tags) {
    }

    record Counter(long value) {
        Counter increment() {
            return new Counter(value + 1);
        }
    }

    record Note(String value) {
    }

    static final RepositoryDescriptor<Account> ACCOUNTS = new RepositoryDescriptor<>("accounts", Account.class);
    static final RepositoryDescriptor<Account> LEDGER = new RepositoryDescriptor<>("ledger", Account.class);
    static final RepositoryDescriptor<Counter> COUNTERS = new RepositoryDescriptor<>("counters", Counter.class);

    private TestRecords() {
    }
}
