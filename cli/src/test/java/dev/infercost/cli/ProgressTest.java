package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.Models;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void liveLineHasABarTimesAndNeverOutgrowsTheTerminal() {
    StringWriter w = new StringWriter();
    AtomicLong now = new AtomicLong();
    Progress p = new Progress(new PrintWriter(w), false, true, 60, now::get);
    p.accept("measuring side by side, round 1 of 4");
    now.set(10_000_000_000L);
    p.accept("measuring side by side, round 3 of 4");
    p.clear();
    String[] frames = w.toString().split("\r\033\\[K", -1);
    assertEquals("", frames[frames.length - 1], "cleared at the end");
    String third = frames[2];
    assertTrue(third.startsWith("[##########----------] 2/4 0:10, ETA 0:10"), third);
    for (String f : frames) {
      assertTrue(f.length() < 60, "longer than the terminal: " + f);
      assertFalse(f.contains("\n") || f.contains("\r"), f);
    }
  }

  @Test
  void plainLinesWithoutATerminalAndNothingWhenQuiet() {
    StringWriter w = new StringWriter();
    Progress p = new Progress(new PrintWriter(w), false, false, 40, () -> 0);
    String cached =
        Models.cacheDir().toAbsolutePath() + "/builtin/digits-cnn-40676/digits-cnn.onnx";
    p.accept("compressing " + cached + " (a long line that is not cut when not on a terminal)");
    p.clear();
    assertEquals(
        "compressing builtin:digits-cnn.onnx (a long line that is not cut when not on a terminal)"
            + System.lineSeparator(),
        w.toString());
    StringWriter q = new StringWriter();
    new Progress(new PrintWriter(q), true, true, 40, () -> 0).accept("round 1 of 2");
    assertEquals("", q.toString());
    assertEquals(80, Progress.columns(null));
    assertEquals(160, Progress.columns("160"));
  }
}
