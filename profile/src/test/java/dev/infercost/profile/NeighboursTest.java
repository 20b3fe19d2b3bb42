package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class NeighboursTest {
  // Unit vectors at 0, 10, 90 and 100 degrees: 0-10 and 90-100 are each other's neighbours.
  private static final List<float[]> REF = List.of(deg(0), deg(10), deg(90), deg(100));

  private static float[] deg(double d) {
    double r = Math.toRadians(d);
    return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
  }

  @Test
  void agreementIsPerSampleAndFollowsTheNearestOther() {
    assertArrayEquals(new boolean[] {true, true, true, true}, Neighbours.agreement(REF, REF));
    // Moving the 10-degree sample to 85 makes it the 90's nearest, and its own nearest the 90.
    List<float[]> moved = List.of(deg(0), deg(85), deg(90), deg(100));
    assertArrayEquals(new boolean[] {true, false, false, true}, Neighbours.agreement(REF, moved));
    assertEquals(0.5, Evaluator.nnAgreement(REF, moved), 0.0);
  }

  @Test
  void similarityErrorIsTheMeanAbsoluteChangeOverAllPairs() {
    assertEquals(0.0, Neighbours.similarityError(REF, REF), 1e-12);
    List<float[]> moved = List.of(deg(0), deg(20), deg(90), deg(100));
    // Pairs with sample 1 change: (0,1) (1,2) (1,3); the other three keep their cosine.
    double expected =
        (Math.abs(cos(10) - cos(20)) + Math.abs(cos(80) - cos(70)) + Math.abs(cos(90) - cos(80)))
            / 6;
    assertEquals(expected, Neighbours.similarityError(REF, moved), 1e-6);
  }

  @Test
  void setsOfDifferentSizesAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> Neighbours.agreement(REF, REF.subList(0, 3)));
  }

  private static double cos(double d) {
    return Math.cos(Math.toRadians(d));
  }
}
