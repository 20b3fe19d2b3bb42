package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class OneLineTest {
  @Test
  void escapesControlCharactersAndDropsTrailingBreaks() {
    assertEquals("a\\nb\\tc\\u001b", OneLine.of("a\nb\tc\u001b\n\r\n"));
    assertNull(OneLine.of(null));
  }

  @Test
  void joinsAnotherLibrarysLinesWithSpaces() {
    assertEquals(
        "Unexpected token at [Source: x]", OneLine.joined("Unexpected token\n at [Source: x]\n"));
    assertEquals("", OneLine.joined(null));
  }

  @Test
  void keepsTheFirstLineOfANativeMessage() {
    assertEquals(
        "forward failed", OneLine.firstLine(new RuntimeException("forward failed\n  at frame 1")));
  }

  @Test
  void everyFamilyMessageIsOneLine() {
    assertEquals("x.onnx: bad\\nname", new InfercostException("x.onnx: bad\nname").getMessage());
  }
}
