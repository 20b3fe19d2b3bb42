package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.SparsityOptions.Pattern;
import dev.infercost.models.SparsityOptions.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SparsityOptions}: the bad-input rules, one line each. */
class SparsityOptionsTest {
  @Test
  void sparsityMustLieInZeroToOne() {
    for (double s : new double[] {-0.01, 1.0, 2, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SparsityOptions.builder(s).build());
      assertTrue(e.getMessage().contains("outside [0, 1)"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
    assertEquals(0.0, SparsityOptions.builder(0).build().sparsity());
    assertEquals(0.99, SparsityOptions.builder(0.99).build().sparsity());
  }

  @Test
  void patternsParseByTheirSpelling() {
    assertEquals(Pattern.TWO_FOUR, Pattern.parse("2:4"));
    assertEquals(Pattern.UNSTRUCTURED, Pattern.parse("Unstructured"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Pattern.parse("4:8"));
    assertEquals(
        "sparsity pattern '4:8' is unknown; expected one of unstructured, 2:4", e.getMessage());
  }

  @Test
  void twoFourIsHalfAndPerGroup() {
    assertEquals(0.5, SparsityOptions.twoFour().sparsity());
    assertThrows(
        IllegalArgumentException.class,
        () -> SparsityOptions.builder(0.6).optPattern(Pattern.TWO_FOUR).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SparsityOptions.builder(0.5)
                .optPattern(Pattern.TWO_FOUR)
                .optScope(Scope.GLOBAL)
                .build());
  }

  @Test
  void excludeIsCopied() {
    List<String> names = new java.util.ArrayList<>(List.of("fc"));
    SparsityOptions o = SparsityOptions.builder(0.5).optExclude(names).build();
    names.add("x");
    assertEquals(List.of("fc"), o.exclude());
  }
}
