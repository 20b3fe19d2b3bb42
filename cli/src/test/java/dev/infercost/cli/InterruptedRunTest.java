package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line in its own JVM, stopped by SIGINT or SIGTERM at several points of a run (while
 * ONNX Runtime creates a session, quantizes, evaluates, measures): it exits with 128 + the signal's
 * number, prints one line, leaves no crash report and none of its outputs; a second run into an
 * output folder in use is refused.
 */
@Tag("slow")
class InterruptedRunTest {
  @TempDir Path tmp;

  /**
   * What starts the child with SIGINT handled as by default: a process started in the background by
   * a non-interactive shell (a CI runner's job, {@code cmd &}) ignores SIGINT, children inherit
   * that, and a JVM that finds SIGINT ignored leaves it so. coreutils' {@code env --default-signal}
   * (8.31 and later) undoes it; without it the child starts as is.
   */
  static final List<String> DEFAULT_SIGNALS = defaultSignals();

  private static List<String> defaultSignals() {
    List<String> env = List.of("env", "--default-signal=INT");
    try {
      List<String> probe = new ArrayList<>(env);
      probe.add("true");
      Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? env : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /** A child JVM running the command line in {@code dir}. */
  record Child(Process process, Path dir, Path err) {
    static Child start(Path dir, String... args) throws IOException {
      return start(dir, List.of(), args);
    }

    /** A child JVM with options {@code jvm} (e.g. {@code -Xmx6g}) before the class path. */
    static Child start(Path dir, List<String> jvm, String... args) throws IOException {
      Files.createDirectories(dir);
      List<String> cmd = new ArrayList<>(DEFAULT_SIGNALS);
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvm);
      cmd.add("-Dai.djl.offline=true");
      String cache = System.getProperty("infercost.cache");
      if (cache != null) {
        cmd.add("-Dinfercost.cache=" + cache);
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
      cmd.addAll(List.of(args));
      Path err = dir.resolve("stderr.txt");
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectOutput(dir.resolve("stdout.txt").toFile())
              .redirectError(err.toFile())
              .start();
      return new Child(p, dir, err);
    }

    String stderr() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    String stdout() throws IOException {
      return Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    }

    /** Waits until stderr holds {@code text}; false when the process ended first. */
    boolean awaitStderr(String text) throws Exception {
      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (System.nanoTime() < end) {
        if (stderr().contains(text)) {
          return true;
        }
        if (!process.isAlive()) {
          return stderr().contains(text);
        }
        Thread.sleep(20);
      }
      throw new AssertionError("'" + text + "' never reached stderr:\n" + stderr());
    }

    void signal(String name) throws Exception {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      assertEquals(0, kill.waitFor());
    }

    int exit() throws Exception {
      assertTrue(process.waitFor(3, TimeUnit.MINUTES), "did not stop");
      return process.exitValue();
    }
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /**
   * Stopped by {@code signal} once stderr shows {@code when}: the conventional end, nothing left.
   */
  private void assertStopsCleanly(String signal, int code, String when, String... args)
      throws Exception {
    Path dir = tmp.resolve(signal + "-" + when.replaceAll("[^a-z0-9]", "_"));
    Child c = Child.start(dir, args);
    assertTrue(c.awaitStderr(when), "ended before '" + when + "'");
    c.signal(signal);
    int exit = c.exit();
    String err = c.stderr();
    assertEquals(code, exit, () -> "exit code; stderr:\n" + err);
    assertTrue(
        err.strip().endsWith(": interrupted; unfinished outputs removed"), () -> "stderr:\n" + err);
    assertFalse(c.stdout().contains("#"), "no crash banner on stdout");
    assertEquals(
        List.of("stderr.txt", "stdout.txt"),
        listing(dir),
        "no output folder, no partial model, no temporary, no hs_err file");
  }

  /** A compression long enough to stop at each stage: MiniLM, about 25 s here. */
  private static final String[] COMPRESS = {
    "compress", "minilm-l6", "--method", "int8-dynamic", "--out", "out"
  };

  @Test
  void compressStoppedWhileQuantizing() throws Exception {
    assertStopsCleanly("INT", 130, "compressing", COMPRESS);
  }

  @Test
  void compressStoppedWhileTheEvaluationSessionIsCreated() throws Exception {
    assertStopsCleanly("TERM", 143, "evaluating", COMPRESS);
  }

  @Test
  void compressStoppedWhileMeasuring() throws Exception {
    assertStopsCleanly("INT", 130, "measuring side by side, round 1", COMPRESS);
  }

  @Test
  void profileStoppedWhileItsSessionIsCreated() throws Exception {
    assertStopsCleanly("TERM", 143, "not given; using 128", "profile", "minilm-l6");
  }

  @Test
  void aSecondRunIntoAFolderInUseIsRefusedAndTheFirstIsUntouched() throws Exception {
    Path out = tmp.resolve("shared-out");
    Child first =
        Child.start(
            tmp.resolve("first"),
            "compress",
            "minilm-l6",
            "--method",
            "int8-dynamic",
            "--out",
            out.toString());
    assertTrue(first.awaitStderr("compressing"));
    Child second =
        Child.start(
            tmp.resolve("second"),
            "compress",
            "digits-mlp",
            "--method",
            "int8-dynamic",
            "--out",
            out.toString());
    int code = second.exit();
    String err = second.stderr();
    assertEquals(2, code, err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.contains("another infercost run is writing into this folder"), err);
    // The first run goes on; stopping it leaves the folder it made removed.
    first.signal("TERM");
    assertEquals(143, first.exit(), first.stderr());
    assertFalse(Files.exists(out), "the first run's folder is gone with it");
  }
}
