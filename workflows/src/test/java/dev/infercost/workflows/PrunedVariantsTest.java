package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruned variants in choose's ladder and bench suites. */
class PrunedVariantsTest {
  @TempDir Path tmp;

  @Test
  void chooseBuildsEveryMethodAtEveryRatioOfTheLadder() throws Exception {
    ChooseRequest r =
        ChooseRequest.builder(ModelRef.resolve("digits-cnn"), Bound.maxAccuracyDrop(0.05))
            .optMethods(List.of(Method.FP32, Method.INT8_STATIC))
            .optPrune(List.of(0.1, 0.3))
            .build();
    assertEquals(
        List.of(
            Method.FP32.label(),
            Method.INT8_STATIC.label(),
            "pruned-0.1",
            "pruned-0.1+" + Method.INT8_STATIC.label(),
            "pruned-0.3",
            "pruned-0.3+" + Method.INT8_STATIC.label()),
        r.recipes(false).stream().map(Recipe::label).toList());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ChooseRequest.builder(ModelRef.resolve("digits-cnn"), Bound.maxAccuracyDrop(0.05))
                .optPrune(List.of(1.2))
                .build());
  }

  @Test
  void benchSuitesTakeAPruneRatio() throws Exception {
    BenchSuite example = BenchSuite.load(Path.of("..", "benchmarks", "suites", "example.yaml"));
    assertTrue(example.entries().stream().anyMatch(e -> e.prune() != null));
    Path bad =
        Files.writeString(
            tmp.resolve("bad.yaml"),
            "schema: 1\nentries:\n  - name: a\n    model: digits-cnn\n    prune: 0.99\n");
    InfercostException e = assertThrows(InfercostException.class, () -> BenchSuite.load(bad));
    assertTrue(e.getMessage().contains("prune must be in (0, 0.95]"), e.getMessage());
  }
}
