package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PassContext}: built by name, defaults stated once, settings validated. */
class PassContextTest {
  @Test
  void ofHasTheDefaults() {
    PassContext c = PassContext.of(NodeFilter.all());
    assertTrue(c.perChannel());
    assertFalse(c.reducedRange());
    assertEquals(0, c.smoothAlpha());
    assertTrue(c.activationMax().isEmpty());
    assertTrue(c.activationSamples().isEmpty());
  }

  @Test
  void builderSetsWhatItIsGiven() {
    PassContext c =
        PassContext.builder(NodeFilter.all())
            .optPerChannel(false)
            .optReducedRange(true)
            .optSmoothAlpha(PassContext.AUTO_ALPHA)
            .optActivationMax(Map.of("x", new float[] {2f}))
            .optActivationSamples(Map.of("x", List.of(new float[] {1f, 2f})))
            .build();
    assertFalse(c.perChannel());
    assertTrue(c.reducedRange());
    assertEquals(PassContext.AUTO_ALPHA, c.smoothAlpha());
    assertArrayEquals(new float[] {2f}, c.activationMax().get("x"));
    assertEquals(1, c.activationSamples().get("x").size());
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> PassContext.of(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> PassContext.builder(NodeFilter.all()).optSmoothAlpha(1.5).build());
  }
}
