package org.datafold.support.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ByteSizesTest {

    private Locale previous;

    @BeforeEach
    void englishNumbers() {
        previous = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
    }

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(previous);
    }

    @Test
    void eachUnitStartsAtOneOfIt() {
        assertThat(ByteSizes.format(0)).isEqualTo("0 B");
        assertThat(ByteSizes.format(1023)).isEqualTo("1023 B");
        assertThat(ByteSizes.format(1024)).isEqualTo("1.0 KiB");
        assertThat(ByteSizes.format(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSizes.format(12L * 1024 * 1024)).isEqualTo("12.0 MiB");
        assertThat(ByteSizes.format(61L * 1024 * 1024 * 1024 + 256L * 1024 * 1024)).isEqualTo("61.3 GiB");
    }
}
