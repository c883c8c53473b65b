package org.datafold.support.home;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HomePathsTest {
    String before;

    @BeforeEach
    void save() {
        before = System.getProperty(HomePaths.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(HomePaths.PROPERTY);
        } else {
            System.setProperty(HomePaths.PROPERTY, before);
        }
    }

    @Test
    void relativePathsResolveAgainstTheHome() {
        System.setProperty(HomePaths.PROPERTY, "/srv/node");
        assertThat(HomePaths.resolve("run/x.sock")).isEqualTo(Path.of("/srv/node/run/x.sock"));
        assertThat(HomePaths.resolve(" data/../data/store ")).isEqualTo(Path.of("/srv/node/data/store"));
        assertThat(HomePaths.resolve("/abs/y")).isEqualTo(Path.of("/abs/y"));
        assertThat(HomePaths.home()).isEqualTo(Path.of("/srv/node"));
    }

    @Test
    void withoutAHomeTheWorkingDirectoryIsUsed() {
        System.clearProperty(HomePaths.PROPERTY);
        assertThat(HomePaths.resolve("run/x.sock")).isEqualTo(Path.of("").toAbsolutePath().resolve("run/x.sock"));
    }
}
