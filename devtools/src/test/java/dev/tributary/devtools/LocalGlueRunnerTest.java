package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalGlueRunnerTest {
    @TempDir
    Path dir;

    @Test
    void childCpuSeconds_whenBashTimesOutput_addsTheChildrensUserAndSystemTime() throws IOException, InterruptedException {
        // bash's own `times`, after a child that burns CPU: the second line is what the children used.
        Path times = dir.resolve("times.txt");
        Process bash = new ProcessBuilder("bash", "-c",
                "\"$@\"; status=$?; times > \"$0\"; exit $status", times.toString(),
                "bash", "-c", "i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done").start();
        assertThat(bash.waitFor()).isZero();
        List<String> lines = Files.readAllLines(times);
        assertThat(lines).hasSize(2);
        assertThat(LocalGlueRunner.childCpuSeconds(times)).isGreaterThan(0.05);

        Files.writeString(times, "0m0.002s 0m0.001s\n1m2.500s 0m3.250s\n");
        assertThat(LocalGlueRunner.childCpuSeconds(times)).isCloseTo(65.75, within(1e-9));
    }

    @Test
    void childCpuSeconds_whenNoTimesWereWritten_isNaN() {
        assertThat(LocalGlueRunner.childCpuSeconds(dir.resolve("absent.txt"))).isNaN();
    }
}
