package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FigureTest {
  @Test
  void measuredAndEstimated() {
    Figure m = Figure.measured(10, "inferences/s", "aws-c6a.large");
    assertFalse(m.estimated());
    assertEquals(Figure.Provenance.Kind.MEASURED, m.provenance().kind());
    assertEquals("measured on aws-c6a.large", m.provenance().toString());
    Figure e = Figure.estimated(10, "inferences/s", "roofline");
    assertTrue(e.estimated());
    assertEquals("estimated: roofline", e.provenance().toString());
  }

  @Test
  void requiresUnitProvenanceAndFiniteValue() {
    assertThrows(IllegalArgumentException.class, () -> Figure.measured(1, "", "h"));
    assertThrows(IllegalArgumentException.class, () -> Figure.measured(1, "u", " "));
    assertThrows(IllegalArgumentException.class, () -> new Figure(1, "u", null));
    assertThrows(IllegalArgumentException.class, () -> Figure.estimated(Double.NaN, "u", "method"));
  }
}
