package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorSpecTest {
  @Test
  void shapeString() {
    TensorSpec s =
        new TensorSpec(
            "ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.fixed(128), Dim.unknown()));
    assertEquals("[batch,128,?]", s.shapeString());
    assertEquals("[]", TensorSpec.scalar("scalar", DType.FLOAT32).shapeString());
    // No declared shape is not a scalar.
    assertEquals(
        "(shape not declared)", new TensorSpec("any", DType.FLOAT32, List.of()).shapeString());
  }

  @Test
  void dimsAreCopied() {
    List<Dim> dims = new ArrayList<>(List.of(Dim.fixed(1)));
    TensorSpec s = new TensorSpec("x", DType.FLOAT32, dims);
    dims.add(Dim.fixed(2));
    assertEquals(List.of(Dim.fixed(1)), s.dims());
  }

  @Test
  void nameAndDtypeRequired() {
    assertThrows(
        IllegalArgumentException.class, () -> new TensorSpec(null, DType.FLOAT32, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new TensorSpec("x", null, List.of()));
  }

  @Test
  void scalarsAndUnknownShapesAreToldApart() {
    TensorSpec scalar = TensorSpec.scalar("s", DType.FLOAT32);
    assertEquals(List.of(), scalar.dims());
    assertTrue(scalar.rankKnown());
    TensorSpec unknown = new TensorSpec("u", DType.FLOAT32, List.of());
    assertFalse(unknown.rankKnown(), "empty dims without a rank mean an unknown shape");
    assertTrue(new TensorSpec("x", DType.FLOAT32, List.of(Dim.fixed(1))).rankKnown());
    assertThrows(
        IllegalArgumentException.class,
        () -> new TensorSpec("x", DType.FLOAT32, List.of(Dim.fixed(1)), false));
  }
}
