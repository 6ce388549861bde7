package dev.tributary.devkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    @Test
    void uniform_whenCalledTwice_givesTheSameNumber() {
        assertThat(FaultSchedule.uniform(21, "rule", "S3 PUT", "raw/a", "0"))
                .isEqualTo(FaultSchedule.uniform(21, "rule", "S3 PUT", "raw/a", "0"))
                .isBetween(0.0, 1.0);
    }

    @Test
    void uniform_whenThePartsSplitDifferently_differs() {
        assertThat(FaultSchedule.uniform(21, "ab", "c")).isNotEqualTo(FaultSchedule.uniform(21, "a", "bc"));
    }

    @Test
    void share_whenManyKeys_firesForAboutThatShare() {
        FaultSchedule share = FaultSchedule.share(0.05);
        long fired = IntStream.range(0, 20_000)
                .filter(i -> share.fires(11, new FaultSchedule.Call("r", "S3 PUT", "raw/" + i, 0)))
                .count();

        assertThat(fired).isBetween(860L, 1140L); // 1,000 expected, ± 4.5 standard deviations
    }

    @Test
    void share_whenTheSeedChanges_picksOtherCalls() {
        FaultSchedule share = FaultSchedule.share(0.5);
        long agree = IntStream.range(0, 1000)
                .filter(i -> share.fires(1, new FaultSchedule.Call("r", "op", "k" + i, 0))
                        == share.fires(2, new FaultSchedule.Call("r", "op", "k" + i, 0)))
                .count();

        assertThat(agree).isBetween(400L, 600L); // independent seeds agree about half the time
    }

    @Test
    void share_whenTheAttemptChanges_decidesAgain() {
        FaultSchedule share = FaultSchedule.share(0.5);
        long retriesDiffer = IntStream.range(0, 1000)
                .filter(i -> share.fires(1, new FaultSchedule.Call("r", "op", "k" + i, 0))
                        != share.fires(1, new FaultSchedule.Call("r", "op", "k" + i, 1)))
                .count();

        assertThat(retriesDiffer).isBetween(400L, 600L);
    }

    @Test
    void firstAttempts_firesOnAttemptsBelowTheCountOnly() {
        FaultSchedule first = FaultSchedule.firstAttempts(2);

        assertThat(IntStream.range(0, 4).mapToObj(a -> first.fires(5, new FaultSchedule.Call("r", "op", "k", a))))
                .containsExactly(true, true, false, false);
    }
}
