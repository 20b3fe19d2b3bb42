package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.SparsityOptions.Importance;
import dev.infercost.models.SparsityOptions.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Sparsifier}'s choices on hand-made weights. */
class SparsifierTest {
  private static Sparsifier.Weight linear(float[] v, int out, int in, float[] norms) {
    return new Sparsifier.Weight("w", v, out, in, 1, 1, norms);
  }

  @Test
  void unstructuredZeroesTheSmallestAndBreaksTiesByIndex() {
    float[] v = {0.1f, -0.1f, 3f, -4f, 0.1f, 5f};
    float[] copy = v.clone();
    Sparsifier.Outcome r =
        Sparsifier.sparsify(List.of(linear(v, 2, 3, null)), SparsityOptions.builder(0.5).build());
    assertArrayEquals(new float[] {0, 0, 3f, -4f, 0, 5f}, r.values().get(0), 0f);
    assertArrayEquals(copy, v, 0f, "input untouched");
    assertEquals(0.5, r.layers().get(0).sparsity(), 0.0);
    Sparsifier.Outcome third =
        Sparsifier.sparsify(List.of(linear(v, 2, 3, null)), SparsityOptions.builder(0.34).build());
    // round(0.34 × 6) = 2 of three tied 0.1s: the first two by index.
    assertArrayEquals(new float[] {0, 0, 3f, -4f, 0.1f, 5f}, third.values().get(0), 0f);
    assertEquals(
        Float.floatToIntBits(0f), Float.floatToIntBits(third.values().get(0)[1]), "+0, not -0");
  }

  @Test
  void activationAwareKeepsSmallWeightsOnLargeInputs() {
    float[] v = {1f, 2f, 1f, 2f}; // [out 2, in 2]
    float[] norms = {10f, 1f};
    Sparsifier.Outcome r =
        Sparsifier.sparsify(
            List.of(linear(v, 2, 2, norms)),
            SparsityOptions.builder(0.5).optImportance(Importance.ACTIVATION).build());
    assertArrayEquals(new float[] {1f, 0, 1f, 0}, r.values().get(0), 0f);
  }

  @Test
  void groupedConvReadsEachGroupsOwnInputNorms() {
    // 2 outputs in 2 groups, 4 inputs per group, 1×1 kernel: group 1's inputs have reversed norms.
    float[] v = {1, 1, 1, 1, 1, 1, 1, 1};
    float[] norms = {4, 3, 2, 1, 1, 2, 3, 4};
    Sparsifier.Outcome r =
        Sparsifier.sparsify(
            List.of(new Sparsifier.Weight("conv", v, 2, 4, 1, 2, norms)),
            SparsityOptions.builder(0.5)
                .optPattern(SparsityOptions.Pattern.TWO_FOUR)
                .optImportance(Importance.ACTIVATION)
                .build());
    assertArrayEquals(new float[] {1, 1, 0, 0, 0, 0, 1, 1}, r.values().get(0), 0f);
  }

  @Test
  void globalScopeTakesMoreFromTheLayerWithSmallerWeights() {
    float[] small = {0.1f, 0.2f, 0.3f, 0.4f};
    float[] large = {1f, 2f, 3f, 4f};
    Sparsifier.Outcome r =
        Sparsifier.sparsify(
            List.of(linear(small, 1, 4, null), linear(large, 1, 4, null)),
            SparsityOptions.builder(0.5).optScope(Scope.GLOBAL).build());
    assertEquals(1.0, r.layers().get(0).sparsity(), 0.0);
    assertEquals(0.0, r.layers().get(1).sparsity(), 0.0);
  }

  @Test
  void twoFourSkipsAnInputDimensionNotAMultipleOfFour() {
    float[] v = {1, 2, 3, 4, 5, 6};
    Sparsifier.Outcome r =
        Sparsifier.sparsify(List.of(linear(v, 2, 3, null)), SparsityOptions.twoFour());
    assertTrue(r.layers().isEmpty());
    assertEquals(List.of("w: input dimension 3 is not a multiple of 4"), r.skipped());
    assertEquals(v, r.values().get(0));
  }

  @Test
  void aLayoutThatDoesNotFitIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> linear(new float[5], 2, 3, null));
    assertThrows(IllegalArgumentException.class, () -> linear(new float[6], 2, 3, new float[2]));
  }

  @Test
  void deflatedSizeShrinksWithZeros() {
    java.util.Random rnd = new java.util.Random(1);
    byte[] dense = new byte[4096];
    rnd.nextBytes(dense);
    byte[] half = dense.clone();
    java.util.Arrays.fill(half, 0, 2048, (byte) 0);
    assertTrue(Sparsifier.deflatedSize(half) < Sparsifier.deflatedSize(dense));
    assertEquals(Sparsifier.deflatedSize(half), Sparsifier.deflatedSize(half.clone()));
  }
}
