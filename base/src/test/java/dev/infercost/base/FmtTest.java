package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FmtTest {
  @Test
  void significantFiguresWithoutScientificNotation() {
    assertEquals("0.0000449", Fmt.sig(4.48757e-05));
    assertEquals("0.042", Fmt.sig(0.042));
    assertEquals("524000", Fmt.sig(523_987.2));
    assertEquals("2.25", Fmt.sig(2.2501));
    assertEquals("1", Fmt.sig(1.0004));
    assertEquals("0", Fmt.sig(0));
    assertEquals("-0.123", Fmt.sig(-0.12345));
    assertEquals("-", Fmt.sig(Double.NaN));
  }

  @Test
  void moneyMultipliersAndPrefixes() {
    assertEquals("$0.0000449", Fmt.usd(4.48757e-05));
    assertEquals("$0.045", Fmt.usd(0.04501));
    assertEquals("2.25×", Fmt.times(2.2468));
    assertEquals("524k", Fmt.si(523_987));
    assertEquals("391k", Fmt.si(391_020));
    assertEquals("1M", Fmt.si(999_700));
    assertEquals("1.24M", Fmt.si(1_240_000));
    assertEquals("850", Fmt.si(850));
    assertEquals("0.5", Fmt.si(0.5));
    assertEquals("1.50", Fmt.fixed(1.5, 2));
  }

  @Test
  void clipKeepsShortTextAndCutsLongTextToItsWidthWithAnEllipsis() {
    assertEquals("abc", Fmt.clip("abc", 3));
    assertEquals("ab…", Fmt.clip("abcd", 3));
    assertEquals(3, Fmt.clip("abcdefgh", 3).length());
  }
}
