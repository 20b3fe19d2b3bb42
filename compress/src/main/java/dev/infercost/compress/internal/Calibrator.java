package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.base.Interruption;
import dev.infercost.compress.CompressException;
import dev.infercost.models.ModelException;
import dev.infercost.models.Models;
import dev.infercost.models.OrtTensors;
import dev.infercost.models.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a model over calibration batches once, with the chosen intermediate float tensors exposed as
 * outputs, and folds each batch's values into one {@link Histogram} per tensor before the next
 * batch is read: memory stays bounded by one batch's activations plus the histograms, however many
 * batches there are (they may be streamed from an {@link Iterable} that loads them lazily).
 */
public final class Calibrator {
  private Calibrator() {}

  /**
   * What one calibration saw.
   *
   * @param histograms per tensor
   * @param batches how many batches the model ran on
   * @param inputShapes the shape of each graph input in the first batch
   * @param means per tensor asked for, the mean of each index along axis 1 (the channels of an NCHW
   *     tensor)
   */
  public record Observed(
      Map<String, Histogram> histograms,
      int batches,
      Map<String, long[]> inputShapes,
      Map<String, float[]> means) {}

  /**
   * Observes {@code tensors} (float values of {@code model}) over {@code batches}, and the
   * per-channel means of those of them in {@code means} (two doubles per channel).
   */
  public static Observed observe(
      ModelProto model, Set<String> tensors, Set<String> means, Iterable<List<Tensor>> batches)
      throws CompressException {
    Map<String, Histogram> histograms = new LinkedHashMap<>();
    Map<String, double[]> sums = new LinkedHashMap<>();
    Runs runs =
        run(
            model,
            tensors,
            batches,
            (name, t) -> {
              java.nio.FloatBuffer b = t.getFloatBuffer();
              histograms.computeIfAbsent(name, k -> new Histogram()).add(b.duplicate());
              long[] shape = t.getInfo().getShape();
              if (means.contains(name) && shape.length >= 2) {
                addChannelSums(sums, name, b, shape);
              }
            });
    Map<String, float[]> out = new LinkedHashMap<>();
    sums.forEach(
        (name, s) -> {
          int channels = s.length - 1;
          float[] m = new float[channels];
          for (int c = 0; c < channels; c++) {
            m[c] = (float) (s[c] / s[channels]);
          }
          out.put(name, m);
        });
    return new Observed(histograms, runs.batches(), runs.inputShapes(), out);
  }

  /** Adds {@code b}'s per-channel (axis 1) sums to {@code sums}; the last slot counts values. */
  private static void addChannelSums(
      Map<String, double[]> sums, String name, java.nio.FloatBuffer b, long[] shape) {
    int channels = (int) shape[1];
    long inner = 1;
    for (int d = 2; d < shape.length; d++) {
      inner *= shape[d];
    }
    double[] s = sums.computeIfAbsent(name, k -> new double[channels + 1]);
    if (s.length != channels + 1) {
      return; // the channel count changed between batches: no mean for it
    }
    int n = b.remaining();
    for (int i = 0; i < n; i++) {
      s[(int) ((i / inner) % channels)] += b.get(i);
    }
    s[channels] += (double) n / channels;
  }

  /** What {@link #run} got through. */
  public record Runs(int batches, Map<String, long[]> inputShapes) {}

  /** Receives each observed tensor of each batch; the tensor is closed after the call. */
  public interface Visitor {
    void accept(String name, OnnxTensor value);
  }

  /**
   * Runs {@code model} on each of {@code batches} in turn (reading each batch once), with the
   * intermediate {@code tensors} declared as extra float outputs, and hands every one of {@code
   * tensors} (graph inputs from the batch itself) to {@code visitor} before the next batch.
   */
  public static Runs run(
      ModelProto model, Set<String> tensors, Iterable<List<Tensor>> batches, Visitor visitor)
      throws CompressException {
    Set<String> graphInputs = new HashSet<>();
    model.getGraph().getInputList().forEach(i -> graphInputs.add(i.getName()));
    Set<String> existing = new HashSet<>();
    model.getGraph().getOutputList().forEach(o -> existing.add(o.getName()));
    Set<String> computed = new LinkedHashSet<>(tensors);
    computed.removeAll(graphInputs);
    var g = model.getGraph().toBuilder();
    for (String t : computed) {
      if (!existing.contains(t)) {
        g.addOutput(
            ValueInfoProto.newBuilder()
                .setName(t)
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(
                            TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE))));
      }
    }
    ModelProto observed = model.toBuilder().setGraph(g).build();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    int runs = 0;
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.createSession(observed, o)) {
      for (List<Tensor> batch : batches) {
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try (Interruption.Section n = Interruption.enter()) {
          for (Tensor t : batch) {
            in.put(t.name(), OrtTensors.toOrt(t));
            if (runs == 0) {
              shapes.put(t.name(), t.shape());
            }
          }
          for (String t : tensors) {
            if (graphInputs.contains(t) && in.containsKey(t)) {
              visitor.accept(t, in.get(t));
            }
          }
          if (!computed.isEmpty()) {
            try (OrtSession.Result r = s.run(in, computed)) {
              for (Map.Entry<String, OnnxValue> e : r) {
                visitor.accept(e.getKey(), (OnnxTensor) e.getValue());
              }
            }
          }
          runs++;
        } finally {
          in.values().forEach(OnnxTensor::close);
        }
      }
    } catch (ModelException e) {
      throw new CompressException("calibration: " + e.getMessage(), e);
    } catch (OrtException e) {
      throw new CompressException(
          "calibration run failed in ONNX Runtime: "
              + Models.reason(e)
              + "; check that the calibration data fits the model's inputs",
          e);
    }
    return new Runs(runs, shapes);
  }
}
