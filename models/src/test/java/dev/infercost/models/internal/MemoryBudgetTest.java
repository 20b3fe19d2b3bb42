package dev.infercost.models.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.infercost.models.ModelException;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  @Test
  void sizesInBytesAndBinaryUnits() throws Exception {
    assertEquals(512, MemoryBudget.parse("512", "x"));
    assertEquals(8L << 30, MemoryBudget.parse("8g", "x"));
    assertEquals(3L << 20, MemoryBudget.parse(" 3MB ", "x"));
    assertEquals(1L << 40, MemoryBudget.parse("1T", "x"));
  }

  @Test
  void badSizesAreOneLine() {
    for (String bad : new String[] {"", "-1", "0", "1.5g", "9999999999t", "lots"}) {
      ModelException e = assertThrows(ModelException.class, () -> MemoryBudget.parse(bad, "X"));
      assertEquals(-1, e.getMessage().indexOf('\n'));
    }
  }

  @Test
  void figuresReadAsUnits() {
    assertEquals("100 bytes", MemoryBudget.human(100));
    assertEquals("4.0 PiB", MemoryBudget.human(1L << 52));
  }
}
