package dev.tcpstate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackgroundTest {

    @Test
    void consumesEveryItemInOrderBeforeCloseReturns() {
        List<Integer> seen = new ArrayList<>();
        Background<Integer> b = new Background<>("test-background", seen::add);
        for (int i = 0; i < 5_000; i++) {
            b.accept(i);
        }
        b.close();
        b.close(); // a second close does nothing
        assertThat(seen).hasSize(5_000);
        for (int i = 0; i < 5_000; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aFailureOfTheConsumerIsRethrownByCloseAndNeverBlocksTheCaller() {
        List<Integer> seen = new ArrayList<>();
        Background<Integer> b = new Background<>("test-background", i -> {
            if (i == 700) {
                throw new IllegalStateException("disk full");
            }
            seen.add(i);
        });
        for (int i = 0; i < 20_000; i++) { // far more batches than the queue holds
            b.accept(i);
        }
        assertThatThrownBy(b::close).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        assertThat(seen).hasSize(700);
    }
}
