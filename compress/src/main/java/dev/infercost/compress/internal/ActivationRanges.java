package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import dev.infercost.compress.CompressException;
import dev.infercost.models.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calibration: the per-channel (last dimension) maximum of |x| of chosen intermediate tensors,
 * observed by running the model on calibration batches with those tensors exposed as outputs (graph
 * inputs are read from the batches themselves), and the full rows of the first few batches as
 * samples.
 */
public final class ActivationRanges {
  /** Sampled rows per tensor: enough to rank smoothing strengths, cheap to simulate. */
  static final int SAMPLE_ROWS = 128;

  private ActivationRanges() {}

  /**
   * What calibration saw.
   *
   * @param channelMax per tensor, the max |x| of each channel
   * @param samples per tensor, whole batches of rows ({@code rows × channels}, row-major) up to the
   *     sample size, one array per batch (dynamic quantization works per batch); a first batch
   *     larger than that gives its first rows
   */
  public record Calibration(Map<String, float[]> channelMax, Map<String, List<float[]>> samples) {}

  /** {@link #observe(ModelProto, Set, List, int)} with {@value #SAMPLE_ROWS} sampled rows. */
  public static Calibration observe(
      ModelProto model, Set<String> tensors, List<List<Tensor>> batches) throws CompressException {
    return observe(model, tensors, batches, SAMPLE_ROWS);
  }

  /** Observes {@code tensors} over {@code batches}, keeping up to {@code sampleRows} rows each. */
  public static Calibration observe(
      ModelProto model, Set<String> tensors, List<List<Tensor>> batches, int sampleRows)
      throws CompressException {
    Map<String, float[]> max = new LinkedHashMap<>();
    Map<String, List<float[]>> samples = new LinkedHashMap<>();
    Calibrator.run(
        model, tensors, batches, (name, t) -> accumulate(max, samples, name, t, sampleRows));
    return new Calibration(max, samples);
  }

  private static void accumulate(
      Map<String, float[]> max,
      Map<String, List<float[]>> samples,
      String name,
      OnnxTensor t,
      int sampleRows) {
    long[] shape = t.getInfo().getShape();
    int channels = (int) shape[shape.length - 1];
    float[] m = max.computeIfAbsent(name, k -> new float[channels]);
    if (m.length != channels) {
      return; // the channel count changed between batches: not a per-channel activation
    }
    FloatBuffer b = t.getFloatBuffer();
    float[] all = new float[b.remaining()];
    b.get(all);
    for (int i = 0; i < all.length; i++) {
      int c = i % channels;
      m[c] = Math.max(m[c], Math.abs(all[i]));
    }
    List<float[]> s = samples.computeIfAbsent(name, k -> new ArrayList<>());
    int rows = s.stream().mapToInt(a -> a.length / channels).sum();
    if (rows + all.length / channels <= sampleRows) {
      s.add(all);
    } else if (s.isEmpty()) {
      s.add(java.util.Arrays.copyOf(all, sampleRows * channels));
    }
  }
}
