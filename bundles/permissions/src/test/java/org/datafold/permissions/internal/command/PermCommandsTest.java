package org.datafold.permissions.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.Access;
import org.junit.jupiter.api.Test;

/** The argument forms of the perm:* commands. */
class PermCommandsTest {

    @Test
    void durationsAreShortFormsOrIso() {
        assertThat(PermCommands.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(PermCommands.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(PermCommands.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(PermCommands.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(PermCommands.duration("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(PermCommands.duration("PT90M")).isEqualTo(Duration.ofMinutes(90));
        for (String bad : new String[] { "0m", "ten minutes", "-5m", "PT0S" }) {
            assertThatThrownBy(() -> PermCommands.duration(bad)).as(bad).isInstanceOfSatisfying(FoldException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void sinceIsAnInstantOrADurationBackFromNow() {
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(PermCommands.since("2026-02-01T00:00:00Z", now)).isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(PermCommands.since("2h", now)).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    }

    @Test
    void targetsAreASchemaOrASchemaField() {
        assertThat(PermCommands.target("Person")).containsExactly("Person", null);
        assertThat(PermCommands.target("Person.age")).containsExactly("Person", "age");
        assertThatThrownBy(() -> PermCommands.target("Person.")).isInstanceOf(FoldException.class);
        assertThat(PermCommands.access("Write")).isEqualTo(Access.WRITE);
        assertThatThrownBy(() -> PermCommands.access("delete")).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
}
