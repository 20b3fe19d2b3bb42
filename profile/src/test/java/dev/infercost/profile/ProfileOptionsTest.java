package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileOptionsTest {
  @Test
  void defaults() {
    ProfileOptions o = ProfileOptions.builder().build();
    assertEquals(Engine.ORT, o.engine());
    assertFalse(o.cuda());
    assertEquals(1, o.threads());
    assertEquals(List.of(), o.batches());
    assertEquals(0, o.shapes().size());
    assertEquals(Optional.empty(), o.inputs());
    assertEquals(5, o.warmupRuns());
    assertEquals(500, o.warmupMillis());
    assertEquals(30, o.minSamples());
    assertEquals(2000, o.minMillis());
    assertEquals(60000, o.maxMillis());
  }

  @Test
  void settings() {
    long[] dims = {1, 128};
    ProfileOptions o =
        ProfileOptions.builder()
            .optEngine(Engine.DJL)
            .optCuda(true)
            .optThreads(4)
            .optBatches(List.of(1, 8))
            .optShape("ids", dims)
            .optInputs(Path.of("x.npz"))
            .optWarmup(1, 2)
            .optSampling(3, 4, 5)
            .build();
    dims[1] = 7;
    assertEquals(Engine.DJL, o.engine());
    assertEquals(4, o.threads());
    assertEquals(List.of(1, 8), o.batches());
    assertArrayEquals(new long[] {1, 128}, o.shapes().get("ids"), "the builder copies dims");
    assertEquals(Optional.of(Path.of("x.npz")), o.inputs());
    assertEquals(3, o.minSamples());
    assertEquals(5, o.maxMillis());
  }

  @Test
  void validation() {
    assertThrows(
        IllegalArgumentException.class, () -> ProfileOptions.builder().optThreads(0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProfileOptions.builder().optBatches(List.of(1, 0)).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProfileOptions.builder().optSampling(0, 10, 10).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProfileOptions.builder().optSampling(1, 10, 0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ProfileOptions.builder().optSampling(1, -1, 10).build());
    assertThrows(
        IllegalArgumentException.class, () -> ProfileOptions.builder().optWarmup(-1, 0).build());
  }

  @Test
  void shapesKeepTheOrderTheyWereGivenIn() {
    List<String> names =
        List.of(
            "input_ids",
            "attention_mask",
            "token_type_ids",
            "position_ids",
            "pixel_values",
            "x",
            "y",
            "z");
    ProfileOptions.Builder b = ProfileOptions.builder();
    names.forEach(n -> b.optShape(n, new long[] {1, 8}));
    assertEquals(names, List.copyOf(b.build().shapes().keySet()));
  }

  @Test
  void shapesAreCopiedAndImmutable() {
    long[] dims = {1, 8};
    ProfileOptions.Builder b = ProfileOptions.builder().optShape("x", dims);
    ProfileOptions o = b.build();
    dims[0] = 5;
    b.optShape("y", new long[] {2});
    assertArrayEquals(new long[] {1, 8}, o.shapes().get("x"));
    assertEquals(List.of("x"), List.copyOf(o.shapes().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> o.shapes().remove("x"));
  }
}
