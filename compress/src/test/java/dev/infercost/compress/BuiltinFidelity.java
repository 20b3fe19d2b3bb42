package dev.infercost.compress;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.models.BuiltinModel;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** fp32 vs compressed outputs of the built-in models; the fp32 reference always runs on CPU. */
final class BuiltinFidelity {
  private BuiltinFidelity() {}

  /** digits-cnn on its held-out test split. */
  record Digits(
      int images,
      int agree,
      double accuracyRef,
      double accuracy,
      double maxAbsDiff,
      double maxAbs) {
    @Override
    public String toString() {
      return String.format(
          "top-1 agreement %d/%d, accuracy %.4f -> %.4f, max |logit diff| %.2e (max |logit| %.2f)",
          agree, images, accuracyRef, accuracy, maxAbsDiff, maxAbs);
    }
  }

  /** minilm-l6 on synthetic token sequences, mean-pooled with the attention mask. */
  record MiniLm(int inputs, double minCosine, double maxAbsDiff, double maxAbs) {
    @Override
    public String toString() {
      return String.format(
          "min cosine of mean-pooled embeddings %.6f over %d inputs, max |hidden diff| %.3e"
              + " (max |hidden| %.2f)",
          minCosine, inputs, maxAbsDiff, maxAbs);
    }
  }

  /** digits-cnn's calibration split as batches of {@code batch} images. */
  static List<List<Tensor>> digitsCalibration(int batch) throws Exception {
    BuiltinModel b = Models.builtin("digits-cnn").orElseThrow();
    float[] images =
        (float[])
            npz(Models.builtinFile(b, b.calibrationDataResource().orElseThrow())).get("input");
    List<List<Tensor>> out = new ArrayList<>();
    int n = images.length / 64;
    for (int i = 0; i < n; i += batch) {
      int k = Math.min(batch, n - i);
      float[] x = Arrays.copyOfRange(images, i * 64, (i + k) * 64);
      out.add(List.of(Tensor.ofFloats("input", new long[] {k, 1, 8, 8}, x)));
    }
    return out;
  }

  static Digits digits(ModelProto fp32, ModelProto fp16, boolean cuda) throws Exception {
    BuiltinModel b = Models.builtin("digits-cnn").orElseThrow();
    Map<String, Object> test = npz(Models.builtinFile(b, b.testDataResource().orElseThrow()));
    float[] images = (float[]) test.get("input");
    long[] labels = (long[]) test.get("label");
    int n = labels.length;
    String input = fp32.getGraph().getInput(0).getName();
    float[] ref;
    float[] got;
    var env = Models.ortEnvironment();
    long[] shape = {n, 1, 8, 8};
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape)) {
      ref = run(fp32, Map.of(input, x), false);
      got = run(fp16, Map.of(input, x), cuda);
    }
    int agree = 0;
    int correctRef = 0;
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int a = argmax(ref, i * 10, 10);
      int c = argmax(got, i * 10, 10);
      agree += a == c ? 1 : 0;
      correctRef += a == labels[i] ? 1 : 0;
      correct += c == labels[i] ? 1 : 0;
    }
    return new Digits(
        n,
        agree,
        correctRef / (double) n,
        correct / (double) n,
        Tiny.maxAbsDiff(ref, got),
        Tiny.maxAbs(ref));
  }

  static MiniLm miniLm(ModelProto fp32, ModelProto fp16, boolean cuda) throws OrtException {
    int batch = 4;
    int seq = 32;
    int[] lengths = {32, 20, 9, 27};
    long[] ids = new long[batch * seq];
    long[] mask = new long[batch * seq];
    Random rnd = new Random(42);
    for (int b = 0; b < batch; b++) {
      for (int s = 0; s < seq; s++) {
        int i = b * seq + s;
        boolean real = s < lengths[b];
        mask[i] = real ? 1 : 0;
        // [CLS] word pieces [SEP], then padding; ids from the WordPiece vocabulary's word range.
        ids[i] = !real ? 0 : s == 0 ? 101 : s == lengths[b] - 1 ? 102 : 1996 + rnd.nextInt(27000);
      }
    }
    var env = Models.ortEnvironment();
    long[] shape = {batch, seq};
    float[] ref;
    float[] got;
    try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape)) {
      Map<String, OnnxTensor> in = Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t);
      ref = run(fp32, in, false);
      got = run(fp16, in, cuda);
    }
    int width = ref.length / (batch * seq);
    double minCos = 1;
    for (int b = 0; b < batch; b++) {
      minCos =
          Math.min(
              minCos,
              Tiny.cosine(meanPool(ref, mask, b, seq, width), meanPool(got, mask, b, seq, width)));
    }
    return new MiniLm(batch, minCos, Tiny.maxAbsDiff(ref, got), Tiny.maxAbs(ref));
  }

  /** The first output of {@code m} as floats, on CPU or on CUDA device 0. */
  static float[] run(ModelProto m, Map<String, OnnxTensor> inputs, boolean cuda)
      throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      if (cuda) {
        o.addCUDA(0);
      }
      try (OrtSession s = Models.ortEnvironment().createSession(m.toByteArray(), o);
          OrtSession.Result r = s.run(inputs)) {
        FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
      }
    }
  }

  private static int argmax(float[] v, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[from + i] > v[from + best]) {
        best = i;
      }
    }
    return best;
  }

  private static double[] meanPool(float[] h, long[] mask, int b, int seq, int width) {
    double[] out = new double[width];
    int count = 0;
    for (int s = 0; s < seq; s++) {
      if (mask[b * seq + s] == 0) {
        continue;
      }
      count++;
      for (int d = 0; d < width; d++) {
        out[d] += h[(b * seq + s) * width + d];
      }
    }
    for (int d = 0; d < width; d++) {
      out[d] /= count;
    }
    return out;
  }

  /**
   * The arrays of an {@code .npz} (float32 as float[], int64 as long[]), little-endian, C order.
   */
  private static Map<String, Object> npz(Path file) throws Exception {
    Map<String, Object> out = new HashMap<>();
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(file))) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        ByteBuffer b = ByteBuffer.wrap(z.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = b.getShort(8) & 0xffff;
        String header = new String(b.array(), 10, headerLen, StandardCharsets.US_ASCII);
        b.position(10 + headerLen);
        String name = e.getName().replace(".npy", "");
        if (header.contains("'<f4'")) {
          float[] v = new float[b.remaining() / 4];
          b.asFloatBuffer().get(v);
          out.put(name, v);
        } else if (header.contains("'<i8'")) {
          long[] v = new long[b.remaining() / 8];
          b.asLongBuffer().get(v);
          out.put(name, v);
        } else {
          throw new AssertionError(file + ": unexpected npy header " + header);
        }
      }
    }
    return out;
  }
}
