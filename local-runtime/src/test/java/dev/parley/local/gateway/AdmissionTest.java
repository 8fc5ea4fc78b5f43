package dev.parley.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The gateway's global admission at {@code $connect}: open connections and new connections per second. */
class AdmissionTest {

    @Test
    void admitsUpToTheRateAtOnceThenAsksToWait() {
        Admission admission = new Admission(100, 3);
        assertThat(admission.admit(0)).isZero();
        assertThat(admission.admit(1)).isZero();
        assertThat(admission.admit(2)).isZero();
        assertThat(admission.admit(3)).as("fourth new connection within the same second").isPositive()
                .isLessThanOrEqualTo(1_000);
    }

    @Test
    void refusesWhileTheOpenConnectionsAreAtTheLimitWithoutSpendingTheRate() {
        Admission admission = new Admission(2, 1);
        assertThat(admission.admit(2)).isEqualTo(1_000);
        assertThat(admission.admit(5)).isEqualTo(1_000);
        assertThat(admission.admit(1)).as("a slot freed: the one-per-second token is still there").isZero();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new Admission(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Admission(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
