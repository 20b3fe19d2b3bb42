package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.MetricScore;
import dev.infercost.profile.MetricSet;
import dev.infercost.profile.TaskMetric;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Bound#maxMetricDrop}: the drop in the metric's direction, checked and used as loss. */
class BoundTest {
  /** A lower-is-better metric (an error rate); never run here. */
  private static final TaskMetric ERROR_RATE =
      new TaskMetric() {
        @Override
        public String name() {
          return "cer";
        }

        @Override
        public boolean higherIsBetter() {
          return false;
        }

        @Override
        public String description() {
          return "character error rate";
        }

        @Override
        public Accumulator accumulator(Context c) {
          throw new UnsupportedOperationException();
        }
      };

  private static EvalReport report(MetricScore... scores) {
    return new EvalReport("d", 10, "tensor", 1, 1, 0, null, null, null, null, null)
        .withMetrics(List.of(scores));
  }

  @Test
  void theDropIsInTheMetricsDirection() throws Exception {
    Bound b = Bound.maxMetricDrop(ERROR_RATE, 0.02);
    EvalReport r = report(MetricScore.of(ERROR_RATE, 0.10, 0.11));
    assertEquals(0.01, r.metrics().get(0).drop(), 1e-12, "candidate - reference");
    Bound.Check c = b.check(r);
    assertTrue(c.met(), c.reason());
    assertTrue(c.reason().startsWith("cer drop 0.01"), c.reason());
    assertEquals(0.01, b.loss(r), 1e-12);
    assertEquals(0.02, b.maxLoss());
    assertEquals("max-metric-drop", b.kind());

    Bound.Check worse = b.check(report(MetricScore.of(ERROR_RATE, 0.10, 0.13)));
    assertFalse(worse.met());
    assertTrue(worse.reason().contains("exceeds the maximum 0.02"), worse.reason());
  }

  @Test
  void aMetricThatWasNotEvaluatedIsNotMet() {
    Bound b = Bound.maxMetricDrop(ERROR_RATE, 0.02);
    assertFalse(b.check(report()).met());
    InfercostException e = assertThrows(InfercostException.class, () -> b.loss(report()));
    assertEquals(Optional.of(Parameter.METRIC), e.hint());
  }

  @Test
  void aNegativeOrInfiniteDropIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Bound.maxMetricDrop(ERROR_RATE, -0.1));
    assertThrows(
        IllegalArgumentException.class,
        () -> Bound.maxMetricDrop(ERROR_RATE, Double.POSITIVE_INFINITY));
  }

  @Test
  void requestsScoreTheBoundsMetric() {
    ModelRef m =
        new ModelRef(
            "m",
            java.nio.file.Path.of("m.onnx"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of());
    CompressRequest c =
        CompressRequest.builder(m, java.nio.file.Path.of("out"))
            .optBound(Bound.maxMetricDrop(ERROR_RATE, 0.02))
            .build();
    assertEquals(List.of(ERROR_RATE), c.metrics().metrics());
    ChooseRequest ch =
        ChooseRequest.builder(m, Bound.maxMetricDrop(ERROR_RATE, 0.02))
            .optMetrics(new MetricSet(List.of(ERROR_RATE), Optional.empty()))
            .build();
    assertEquals(List.of(ERROR_RATE), ch.metrics().metrics());
  }
}
