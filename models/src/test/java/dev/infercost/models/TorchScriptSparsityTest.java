package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.Hashes;
import dev.infercost.models.SparsityOptions.Importance;
import dev.infercost.models.TestModels.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Models#sparsifyTorchScript}: the round trip through DJL (load, zero in place, write with
 * DJL's module writer, reload) on {@code digits-mlp}'s TorchScript twin, checked against a forward
 * pass computed here from the expected sparse weights.
 */
class TorchScriptSparsityTest {
  /** Absolute tolerance on logits between PyTorch and the float32 reference computed here. */
  private static final float TOL = 1e-4f;

  @TempDir Path tmp;

  private static Path mlp() throws ModelException {
    return Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT);
  }

  private static NpyArray input() throws Exception {
    BuiltinModel b = Models.builtin("digits-mlp").orElseThrow();
    return TestModels.readNpz(Models.builtinFile(b, b.testDataResource().orElseThrow()))
        .get("input");
  }

  private static Map<String, float[]> params(Path file) throws ModelException {
    try (TorchScriptModel m = Models.loadTorchScript(file, false)) {
      return m.parameterValues();
    }
  }

  private static float[] forward(Path file, NpyArray x) throws ModelException {
    try (TorchScriptModel m = Models.loadTorchScript(file, false)) {
      return m.forward(List.of(Tensor.ofFloats("input", x.shape(), x.asFloats())))
          .get(0)
          .toFloats();
    }
  }

  /** digits-mlp is Linear(64, 64) → ReLU → Linear(64, 10); PyTorch Linear weights are [out, in]. */
  private static float[] reference(Map<String, float[]> p, float[] x, int rows) {
    float[] h = linear(x, rows, 64, p.get("net.0.weight"), p.get("net.0.bias"), 64);
    for (int i = 0; i < h.length; i++) {
      h[i] = Math.max(0, h[i]);
    }
    return linear(h, rows, 64, p.get("net.2.weight"), p.get("net.2.bias"), 10);
  }

  private static float[] linear(float[] x, int rows, int in, float[] w, float[] b, int out) {
    float[] y = new float[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        double s = b[o];
        for (int k = 0; k < in; k++) {
          s += (double) x[r * in + k] * w[o * in + k];
        }
        y[r * out + o] = (float) s;
      }
    }
    return y;
  }

  private static long zeros(float[] v) {
    long n = 0;
    for (float f : v) {
      n += f == 0 ? 1 : 0;
    }
    return n;
  }

  @Test
  void roundTripGivesTheIntendedSparseWeightsAndTheirOutputs() throws Exception {
    Path out = tmp.resolve("mlp-sparse.pt");
    String sha = Hashes.sha256(Files.readAllBytes(mlp()));
    SparsityReport r = Models.sparsifyTorchScript(mlp(), SparsityOptions.builder(0.5).build(), out);

    assertEquals(sha, Hashes.sha256(Files.readAllBytes(mlp())), "input untouched");
    assertEquals(
        List.of("net.0.weight", "net.2.weight"), r.layers().stream().map(l -> l.name()).toList());
    for (SparsityReport.Layer l : r.layers()) {
      assertEquals(0.5, l.sparsity(), 0.0, l.name());
    }
    Map<String, float[]> before = params(mlp());
    Map<String, float[]> after = params(out);
    assertEquals(2048, zeros(after.get("net.0.weight")));
    assertEquals(320, zeros(after.get("net.2.weight")));
    assertArrayEquals(before.get("net.0.bias"), after.get("net.0.bias"), 0f, "biases untouched");
    // Kept weights unchanged; the zeroed ones are the smallest by magnitude.
    float[] w0 = before.get("net.0.weight");
    float[] s0 = after.get("net.0.weight");
    float maxZeroed = 0;
    float minKept = Float.MAX_VALUE;
    for (int i = 0; i < w0.length; i++) {
      if (s0[i] == 0) {
        maxZeroed = Math.max(maxZeroed, Math.abs(w0[i]));
      } else {
        assertEquals(w0[i], s0[i], 0f);
        minKept = Math.min(minKept, Math.abs(w0[i]));
      }
    }
    assertTrue(maxZeroed <= minKept, maxZeroed + " > " + minKept);

    NpyArray x = input();
    int rows = (int) x.shape()[0];
    float[] original = forward(mlp(), x);
    assertArrayEquals(reference(before, x.asFloats(), rows), original, TOL, "reference is right");
    assertArrayEquals(reference(after, x.asFloats(), rows), forward(out, x), TOL, "abs 1e-4");

    assertTrue(
        r.deflatedAfter() < r.deflatedBefore(), r.deflatedAfter() + " vs " + r.deflatedBefore());
    assertEquals(Files.size(out), r.bytes());
    assertTrue(r.sparseTensorCoreSpeedup().isEmpty(), "no speed-up claimed for unstructured");
  }

  @Test
  void zeroSparsityKeepsOutputsIdentical() throws Exception {
    Path out = tmp.resolve("mlp-0.pt");
    SparsityReport r = Models.sparsifyTorchScript(mlp(), SparsityOptions.builder(0).build(), out);
    assertEquals(0.0, r.sparsity(), 0.0);
    NpyArray x = input();
    assertArrayEquals(forward(mlp(), x), forward(out, x), 0f, "bit for bit");
  }

  @Test
  void twoFourHoldsInEveryGroupAlongTheInputDimension() throws Exception {
    Path out = tmp.resolve("mlp-24.pt");
    SparsityReport r = Models.sparsifyTorchScript(mlp(), SparsityOptions.twoFour(), out);
    assertTrue(r.sparseTensorCoreSpeedup().isPresent());
    assertEquals("estimated", r.sparseTensorCoreSpeedup().get().label());
    Map<String, float[]> after = params(out);
    for (String name : List.of("net.0.weight", "net.2.weight")) {
      float[] w = after.get(name);
      for (int g = 0; g < w.length; g += 4) { // [out, 64]: rows are 16 groups of 4 inputs
        int z = 0;
        for (int q = 0; q < 4; q++) {
          z += w[g + q] == 0 ? 1 : 0;
        }
        assertEquals(2, z, name + " group at " + g);
      }
    }
  }

  @Test
  void sameInputAndOptionsGiveTheSameBytes() throws Exception {
    Path a = tmp.resolve("a.pt");
    Path b = tmp.resolve("b.pt");
    Models.sparsifyTorchScript(mlp(), SparsityOptions.builder(0.3).build(), a);
    Models.sparsifyTorchScript(mlp(), SparsityOptions.builder(0.3).build(), b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void badRequestsFailWithOneLine() throws Exception {
    SparsityOptions half = SparsityOptions.builder(0.5).build();
    Path copy = tmp.resolve("in.pt");
    Files.copy(mlp(), copy);
    ModelException self =
        assertThrows(ModelException.class, () -> Models.sparsifyTorchScript(copy, half, copy));
    assertTrue(self.getMessage().contains("refusing to overwrite"), self.getMessage());
    ModelException act =
        assertThrows(
            ModelException.class,
            () ->
                Models.sparsifyTorchScript(
                    mlp(),
                    SparsityOptions.builder(0.5).optImportance(Importance.ACTIVATION).build(),
                    tmp.resolve("x.pt")));
    assertTrue(act.getMessage().contains("magnitude"), act.getMessage());
    ModelException none =
        assertThrows(
            ModelException.class,
            () ->
                Models.sparsifyTorchScript(
                    mlp(),
                    SparsityOptions.builder(0.5).optExclude(List.of("re:.*")).build(),
                    tmp.resolve("y.pt")));
    assertTrue(none.getMessage().contains("no weight to sparsify"), none.getMessage());
    for (ModelException e : List.of(self, act, none)) {
      assertEquals(1, e.getMessage().lines().count());
    }
  }
}
