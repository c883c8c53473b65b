package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.util.List;

import com.sleepycat.je.BtreeStats;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.VerifyConfig;
import com.sleepycat.je.util.DbVerifyLog;

/** JE's own verification of a closed store, for tests. */
final class StoreVerifier {

    private StoreVerifier() {
    }

    /**
     * Runs JE's verifiers on a read-only handle: the B-trees of the environment and of each
     * database (reading every record), then the checksums of every log file. In JE 18
     * {@code Environment.verify} always returns {@code true} and ignores its stream: a problem is
     * reported by throwing (an {@code EnvironmentFailureException} such as BTREE_CORRUPTION or
     * LOG_CHECKSUM), as it is by {@code Database.verify} and {@code DbVerifyLog.verifyAll}.
     *
     * @return the names of the databases verified
     */
    static List<String> verify(Path storeDir) {
        EnvironmentConfig config = new EnvironmentConfig();
        config.setReadOnly(true);
        config.setTransactional(true);
        config.setSharedCache(false);
        config.setCacheSize(8L * 1024 * 1024);
        Environment env = new Environment(storeDir.toFile(), config);
        try {
            List<String> names = env.getDatabaseNames();
            VerifyConfig verifyConfig = new VerifyConfig().setVerifyDataRecords(true);
            assertThatCode(() -> assertThat(env.verify(verifyConfig, System.err)).isTrue())
                    .doesNotThrowAnyException();
            for (String name : names) {
                try (Database db = env.openDatabase(null, name,
                        new DatabaseConfig().setReadOnly(true).setTransactional(true))) {
                    BtreeStats stats = (BtreeStats) db.verify(verifyConfig);
                    assertThat(stats.getLeafNodeCount()).as("records verified in %s", name).isEqualTo(db.count());
                }
            }
            DbVerifyLog logVerifier = new DbVerifyLog(env);
            assertThatCode(logVerifier::verifyAll).doesNotThrowAnyException();
            assertThat(logVerifier.getNFilesVerified()).isPositive();
            assertThat(env.isValid()).isTrue();
            return names;
        } finally {
            env.close();
        }
    }
}
