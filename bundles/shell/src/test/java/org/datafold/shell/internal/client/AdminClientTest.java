package org.datafold.shell.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AdminClientTest {

    @Test
    void oneArgumentIsACommandLineAsItIs() {
        assertThat(AdminClient.commandLine(List.of("lb; fold:diag"))).isEqualTo("lb; fold:diag");
    }

    @Test
    void plainWordsStayUnquoted() {
        assertThat(AdminClient.commandLine(List.of("fold:query", "Note", "title,body")))
                .isEqualTo("fold:query Note title,body");
    }

    @Test
    void jsonIsSingleQuotedAndKeepsBackslashesAndDollars() {
        assertThat(AdminClient.commandLine(List.of("fold:mutate", "Note", "create", "{\"t\": \"a\\\\b $x\"}")))
                .isEqualTo("fold:mutate Note create '{\"t\": \"a\\\\b $x\"}'");
    }

    @Test
    void singleQuotesInsideAreWrittenPosixStyle() {
        assertThat(AdminClient.commandLine(List.of("fold:mutate", "Note", "create", "{\"t\": \"it's\"}")))
                .isEqualTo("fold:mutate Note create '{\"t\": \"it'\\''s\"}'");
    }

    @Test
    void emptyWordIsQuoted() {
        assertThat(AdminClient.commandLine(List.of("echo", ""))).isEqualTo("echo ''");
    }
}
