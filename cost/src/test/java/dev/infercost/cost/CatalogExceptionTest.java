package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class CatalogExceptionTest {
  @Test
  void messageIsOneLine() {
    CatalogException e = new CatalogException("f.json: entry 'a\nb\tc\u2028': bad");
    assertEquals("f.json: entry 'a\\nb\\tc\\u2028': bad", e.getMessage());
  }

  @Test
  void keepsCause() {
    RuntimeException cause = new RuntimeException("x");
    assertSame(cause, new CatalogException("m", cause).getCause());
  }
}
