package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DimTest {
  @Test
  void fixedSymbolicUnknown() {
    assertTrue(Dim.fixed(0).isFixed());
    assertEquals("128", Dim.fixed(128).toString());
    assertFalse(Dim.symbolic("batch").isFixed());
    assertEquals("batch", Dim.symbolic("batch").toString());
    assertEquals(-1, Dim.symbolic("batch").size());
    assertFalse(Dim.unknown().isFixed());
    assertEquals("?", Dim.unknown().toString());
    assertEquals(Dim.symbolic("s"), new Dim(-1, "s"));
  }

  @Test
  void invalidDims() {
    assertThrows(IllegalArgumentException.class, () -> Dim.fixed(-1));
    assertThrows(IllegalArgumentException.class, () -> new Dim(-2, null));
    assertThrows(IllegalArgumentException.class, () -> new Dim(3, "batch"));
    assertThrows(NullPointerException.class, () -> Dim.symbolic(null));
  }
}
