package dev.tributary.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.toolkit.SamTemplate;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalGlueRunnerTest {
    private static final Path CPU_SECONDS =
            SamTemplate.locate().getParent().getParent().resolve("glue-job/tools/cpu_seconds.py");

    @TempDir
    Path dir;

    @Test
    void cpuSeconds_whenTheCommandLeavesABusyOrphan_countsTheOrphansCpuToo() throws IOException, InterruptedException {
        // What PySpark does to Spark's JVM: the command exits at once and leaves a descendant running (here, a
        // subshell that burns CPU for a while), which no plain parent would ever wait for.
        Path out = dir.resolve("cpu.txt");
        Process wrapper = new ProcessBuilder(
                        "python3",
                        CPU_SECONDS.toString(),
                        out.toString(),
                        "bash",
                        "-c",
                        "(i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done) & exit 7")
                .start();
        assertThat(wrapper.waitFor()).as("the command's exit status").isEqualTo(7);
        assertThat(LocalGlueRunner.childCpuSeconds(out))
                .as("the orphan burns about 0.5 s of CPU; bash alone uses under 0.1 s")
                .isGreaterThan(0.25);
    }

    @Test
    void childCpuSeconds_whenNothingWasWritten_isNaN() {
        assertThat(LocalGlueRunner.childCpuSeconds(dir.resolve("absent.txt"))).isNaN();
    }
}
