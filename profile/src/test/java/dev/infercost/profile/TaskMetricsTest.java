package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TaskMetrics}: the built-ins by name, one-line errors for unknown names and bad jars. */
class TaskMetricsTest {
  @TempDir Path tmp;

  @Test
  void theBuiltinsAreThereByName() throws Exception {
    try (TaskMetrics m = TaskMetrics.load(List.of())) {
      assertEquals(
          List.of("cosine", "mask-iou", "nn-agreement", "perplexity", "token-kl", "top1-accuracy"),
          m.names());
      assertEquals("top1-accuracy", m.get("top1-accuracy").name());
      assertTrue(m.get("cosine").higherIsBetter());
      assertFalse(m.get("perplexity").higherIsBetter());
    }
  }

  @Test
  void anUnknownNameListsTheAvailableOnes() throws Exception {
    try (TaskMetrics m = TaskMetrics.load(List.of())) {
      MetricException e = assertThrows(MetricException.class, () -> m.get("wer"));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "unknown task metric 'wer'; available: cosine, mask-iou, nn-agreement,"
                      + " perplexity, token-kl, top1-accuracy"),
          e.getMessage());
      assertEquals(Optional.of(Parameter.METRIC), e.hint());
    }
  }

  @Test
  void aJarThatCannotBeReadIsOneLine() throws Exception {
    Path junk = Files.writeString(tmp.resolve("metric.jar"), "not a zip\n");
    MetricException e = assertThrows(MetricException.class, () -> TaskMetrics.load(List.of(junk)));
    assertTrue(e.getMessage().startsWith(junk + ": cannot read as a jar"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(Optional.of(Parameter.METRIC_CLASSPATH), e.hint());
    MetricException missing =
        assertThrows(
            MetricException.class, () -> TaskMetrics.load(List.of(tmp.resolve("none.jar"))));
    assertTrue(missing.getMessage().contains("none.jar: no such jar"), missing.getMessage());
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseThrows() throws Exception {
    TaskMetrics m = TaskMetrics.load(List.of());
    m.close();
    m.close();
    assertThrows(IllegalStateException.class, m::names);
  }
}
