package dev.tributary.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.tributary.common.json.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the soak measures of its own JVM after a round: the live heap (after full collections), platform and virtual
 * threads, file descriptors, sockets, and the CPU time spent.
 */
final class SoakResources {
    private SoakResources() {}

    static long cpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    /** Live set and resources after a round: heap after full collections, threads, descriptors, sockets. */
    static SoakVerdict.Sample measure(int round, long events, double seconds) {
        System.gc();
        sleep(50);
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long fds = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount()
                : -1;
        return new SoakVerdict.Sample(round, events, seconds, heap, threads, virtualThreads(), fds, sockets());
    }

    /**
     * Virtual threads alive besides the JDK's own (ThreadMXBean counts only platform threads): from a JSON thread
     * dump, which lists every virtual thread since JDK 21 tracks them all; -1 when no dump could be taken.
     */
    static int virtualThreads() {
        Path dump = null;
        try {
            dump = Files.createTempFile("tributary-soak-threads", ".json");
            Files.delete(dump); // dumpThreads refuses to overwrite
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            int virtual = 0;
            for (JsonNode container :
                    Json.mapper().readTree(dump.toFile()).path("threadDump").path("threadContainers")) {
                for (JsonNode thread : container.path("threads")) {
                    // The JDK's I/O pollers run as virtual threads ("SubPoller-N", one per carrier): not ours.
                    virtual += thread.path("virtual").asBoolean(false)
                                    && !thread.path("name").asText().startsWith("SubPoller-")
                            ? 1
                            : 0;
                }
            }
            return virtual;
        } catch (IOException | RuntimeException e) {
            return -1;
        } finally {
            if (dump != null) {
                try {
                    Files.deleteIfExists(dump);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    /** Open sockets of this process ({@code /proc/self/fd} links to {@code socket:[inode]}), -1 without /proc. */
    static long sockets() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        long sockets = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    sockets += Files.readSymbolicLink(fd).toString().startsWith("socket:") ? 1 : 0;
                } catch (IOException e) {
                    // closed since the listing
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return sockets;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
