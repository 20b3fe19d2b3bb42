package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-built graphs of {@link TestModels} load and run in ONNX Runtime as computed by hand. */
class TestModelsTest {
  private static final float TOL = 1e-5f;

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextFloat() * 2 - 1;
    }
    return x;
  }

  @Test
  void matmulAddRunsInOnnxRuntime() throws OrtException {
    ModelProto m = TestModels.matmulAdd();
    assertEquals(8, m.getIrVersion());
    assertEquals(13, m.getOpsetImport(0).getVersion());
    float[] x = random(2 * 4, 1);
    float[] y = TestModels.runOrt(m.toByteArray(), "x", new long[] {2, 4}, x);
    assertArrayEquals(TestModels.matmulAddReference(x), y, TOL);
  }

  @Test
  void matmulAddWithInitializersAsInputsRunsInOnnxRuntime() throws OrtException {
    ModelProto m =
        TestModels.matmulAdd(
            TestModels.floatTensor("W", new long[] {4, 3}, TestModels.MATMUL_W), true);
    float[] x = random(3 * 4, 2);
    float[] y = TestModels.runOrt(m.toByteArray(), "x", new long[] {3, 4}, x);
    assertArrayEquals(TestModels.matmulAddReference(x), y, TOL);
  }

  @Test
  void convRunsInOnnxRuntime() throws OrtException {
    int n = (int) TestModels.CONV_N;
    int cin = (int) TestModels.CONV_C_IN;
    int cout = (int) TestModels.CONV_C_OUT;
    int h = (int) TestModels.CONV_H;
    int ho = (int) TestModels.CONV_H_OUT;
    int k = (int) TestModels.CONV_K;
    int s = (int) TestModels.CONV_STRIDE;
    int p = (int) TestModels.CONV_PAD;
    int perGroupIn = cin / (int) TestModels.CONV_GROUP;
    int perGroupOut = cout / (int) TestModels.CONV_GROUP;
    assertEquals(5, ho);
    float[] x = random(n * cin * h * h, 3);
    float[] expected = new float[n * cout * ho * ho];
    for (int b = 0; b < n; b++) {
      for (int co = 0; co < cout; co++) {
        int g = co / perGroupOut;
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < ho; ox++) {
            float acc = 0;
            for (int ci = g * perGroupIn; ci < (g + 1) * perGroupIn; ci++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy * s - p + ky;
                  int ix = ox * s - p + kx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < h) {
                    acc += x[((b * cin + ci) * h + iy) * h + ix] * 0.125f;
                  }
                }
              }
            }
            expected[((b * cout + co) * ho + oy) * ho + ox] = acc;
          }
        }
      }
    }
    float[] y =
        TestModels.runOrt(TestModels.conv().toByteArray(), "x", new long[] {n, cin, h, h}, x);
    assertArrayEquals(expected, y, TOL);
  }

  @Test
  void mixedDtypesRunsInOnnxRuntime() throws OrtException {
    float[] x = random(2 * 4, 4);
    float[] expected = TestModels.matmulAddReference(x);
    for (int i = 0; i < expected.length; i++) {
      expected[i] += TestModels.MIXED_H[i % 3];
    }
    float[] y =
        TestModels.runOrt(TestModels.mixedDtypes().toByteArray(), "x", new long[] {2, 4}, x);
    assertArrayEquals(expected, y, TOL);
  }

  @Test
  void convMacsFormula() {
    // 2 · 6 · 5 · 5 · (4 / 2) · 3 · 3
    assertEquals(5400, TestModels.convMacs());
  }
}
