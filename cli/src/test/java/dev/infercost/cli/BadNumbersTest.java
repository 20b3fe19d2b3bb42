package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbers that used to end in an internal error, a hang or a silent default: exit 2, one line. */
class BadNumbersTest {
  @TempDir Path tmp;

  @Test
  void chooseDemandAndHardware() {
    for (String qps : new String[] {"0", "-10", "Infinity", "NaN"}) {
      assertBadInput(
          run("choose", "digits-cnn", "--max-accuracy-drop", "0.01", "--qps", qps), "demand");
    }
    assertBadInput(
        run("choose", "digits-cnn", "--max-accuracy-drop", "0.01", "--hardware", ","),
        "names no catalog entry");
  }

  @Test
  void profileBatchThreadsAndTimes() {
    assertBadInput(run("profile", "digits-cnn", "--batch", "50000000"), "batch sizes");
    assertBadInput(run("profile", "digits-cnn", "--threads", "100000"), "threads must be in");
    assertBadInput(run("profile", "digits-cnn", "--min-time", "NaN"), "--min-time");
    assertBadInput(
        run("profile", "digits-cnn", "--min-time", "5", "--max-time", "1"), "shorter than");
  }

  @Test
  void compressSmoothing() {
    assertBadInput(
        run("compress", "digits-cnn", "--out", tmp.toString(), "--smooth", "NaN"), "smooth");
  }

  @Test
  void threadCountsOfEveryCommand() {
    String data = CliTest.digitsData();
    for (String n : new String[] {"0", "-1", "100000"}) {
      assertBadInput(
          run("choose", "digits-mlp", "--max-accuracy-drop", "0.01", "--threads", n),
          "threads must be in");
      assertBadInput(
          run("evaluate", "digits-mlp", "digits-mlp", "--data", data, "--threads", n),
          "threads must be in");
      assertBadInput(
          run("compress", "digits-mlp", "--out", tmp.toString(), "--threads", n),
          "threads must be in");
    }
  }
}
