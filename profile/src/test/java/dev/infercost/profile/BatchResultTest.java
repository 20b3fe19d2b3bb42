package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchResultTest {
  @Test
  void inputShapesKeepTheirOrderAndAreImmutable() {
    List<String> names = List.of("input_ids", "attention_mask", "token_type_ids", "a", "z", "m");
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    List<Long> mutable = new ArrayList<>(List.of(1L, 8L));
    names.forEach(n -> shapes.put(n, mutable));
    BatchResult r =
        new BatchResult(
            1,
            shapes,
            LatencyStats.of(new double[] {1, 2, 3}),
            1000,
            new MemoryReport(0, null, null, "none"),
            List.of(1.0, 2.0, 3.0));
    assertEquals(names, List.copyOf(r.inputShapes().keySet()));
    mutable.add(3L);
    assertEquals(List.of(1L, 8L), r.inputShapes().get("a"), "copied");
    assertThrows(UnsupportedOperationException.class, () -> r.inputShapes().put("b", List.of()));
    assertThrows(UnsupportedOperationException.class, () -> r.inputShapes().get("a").add(2L));
  }
}
