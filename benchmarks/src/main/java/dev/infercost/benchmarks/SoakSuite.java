package dev.infercost.benchmarks;

import dev.infercost.models.Tensor;
import dev.infercost.profile.ModelRunner;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.Profiler;
import dev.infercost.profile.SideBySide;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.ModelRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Leaks and soak (issue 14): does native or heap memory grow with use? Three phases in one JVM,
 * each printing resident memory (VmRSS) and used heap after a full GC at its start, at checkpoints
 * and at its end:
 *
 * <ol>
 *   <li>{@code --sessions} (10,000) open / bind / run / close cycles of ONNX Runtime sessions
 *       through {@link Profiler#open} on digits-cnn;
 *   <li>{@code --inferences} (1,000,000) inferences through one {@link ModelRunner} on digits-cnn;
 *   <li>{@code --compressions} (50) compressions of MiniLM-L6 to int8 through {@link
 *       CompressWorkflow}, each into a fresh folder that is deleted after.
 * </ol>
 *
 * Memory is flat when the growth from the first checkpoint after warm-up to the end is small
 * against the phase's footprint; the table prints the growth per phase so a reader can judge, and
 * {@code FLAT}/{@code GROWS} against a 10% (RSS) bound. Allocators keep freed pages, so RSS steps
 * up in the first cycles and then plateaus; the warm-up checkpoint absorbs that.
 *
 * <p>How to run: {@code benchmarks/soak [--sessions 10000] [--inferences 1000000] [--compressions
 * 50]}.
 */
public final class SoakSuite {
  private SoakSuite() {}

  public static void main(String[] args) throws Exception {
    int sessions = 10_000;
    long inferences = 1_000_000;
    int compressions = 50;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--sessions" -> sessions = Integer.parseInt(args[i + 1]);
        case "--inferences" -> inferences = Long.parseLong(args[i + 1]);
        case "--compressions" -> compressions = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<String> table = new ArrayList<>();
    ProfileOptions one = ProfileOptions.builder().optThreads(1).build();
    List<Tensor> inputs =
        SideBySide.syntheticInputs("digits-cnn", Map.of("input", new long[] {1, 1, 8, 8}), s -> {});

    Phase p = new Phase("sessions", sessions);
    for (int i = 1; i <= sessions; i++) {
      try (ModelRunner r = Profiler.open("digits-cnn", one)) {
        r.bind(inputs);
        r.run();
      }
      p.checkpoint(i);
    }
    table.add(p.summary());

    p = new Phase("inferences", inferences);
    try (ModelRunner r = Profiler.open("digits-cnn", one)) {
      r.bind(inputs);
      for (long i = 1; i <= inferences; i++) {
        r.run();
        p.checkpoint(i);
      }
    }
    table.add(p.summary());

    p = new Phase("compressions", compressions);
    Path work = Files.createTempDirectory("infercost-soak");
    for (int i = 1; i <= compressions; i++) {
      Path out = work.resolve("run-" + i);
      CompressWorkflow.run(
          CompressRequest.builder(ModelRef.resolve("minilm-l6"), out).optMeasure(false).build(),
          s -> {});
      deleteTree(out);
      p.checkpoint(i);
    }
    deleteTree(work);
    table.add(p.summary());

    System.out.println(
        "soak: RSS and used heap (after full GC) at the warm-up checkpoint (10% of the cycles)"
            + " and at the end");
    System.out.printf(
        Locale.ROOT,
        "%-13s %10s %13s %11s %10s %13s %11s %s%n",
        "phase",
        "cycles",
        "RSS warm MiB",
        "RSS end MiB",
        "RSS grew",
        "heap warm MiB",
        "heap end MiB",
        "verdict");
    table.forEach(System.out::println);
  }

  /** One phase's memory checkpoints: at its start, after 10% of its cycles, and at its end. */
  private static final class Phase {
    final String name;
    final long cycles;
    final long[] start;
    long[] warm;
    long[] end;

    Phase(String name, long cycles) {
      this.name = name;
      this.cycles = cycles;
      this.start = memory();
      System.err.printf(Locale.ROOT, "%s: start %s%n", name, words(start));
    }

    void checkpoint(long i) {
      long tenth = Math.max(1, cycles / 10);
      if (i % tenth != 0 && i != cycles) {
        return;
      }
      long[] m = memory();
      if (warm == null) {
        warm = m;
      }
      if (i == cycles) {
        end = m;
      }
      System.err.printf(Locale.ROOT, "%s: %d of %d: %s%n", name, i, cycles, words(m));
    }

    String summary() {
      double grew = (end[0] - warm[0]) / (double) warm[0];
      return String.format(
          Locale.ROOT,
          "%-13s %10d %13.1f %11.1f %9.1f%% %13.1f %11.1f %s",
          name,
          cycles,
          warm[0] / 1048576.0,
          end[0] / 1048576.0,
          grew * 100,
          warm[1] / 1048576.0,
          end[1] / 1048576.0,
          grew <= 0.10 ? "FLAT" : "GROWS");
    }

    private static String words(long[] m) {
      return String.format(
          Locale.ROOT, "RSS %.1f MiB, heap %.1f MiB", m[0] / 1048576.0, m[1] / 1048576.0);
    }
  }

  /** {VmRSS bytes, used heap bytes after a full GC}. */
  private static long[] memory() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    long rss = -1;
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmRSS:")) {
          rss = Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/status: " + e.getMessage(), e);
    }
    return new long[] {rss, heap};
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
