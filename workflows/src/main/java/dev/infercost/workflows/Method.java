package dev.infercost.workflows;

import dev.infercost.cost.Deployable;
import dev.infercost.cost.Projection;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of model variant infercost builds, with their names as users type them. The only place
 * those names are spelled; everything else holds a {@code Method} (parsed once, at the edge, by
 * {@link #parse}).
 */
public enum Method {
  /** The input model as it is. */
  FP32("fp32", "model.onnx", Optional.empty(), Optional.empty(), Projection.Precision.FP32, false),
  /** Dynamic int8 for CPU integer kernels. */
  INT8_DYNAMIC(
      "int8-dynamic",
      "model.int8.onnx",
      Optional.empty(),
      Optional.of("int8-dynamic is a CPU-kernel graph; not projected onto a GPU"),
      Projection.Precision.FP32,
      true),
  /** fp16 with fp32 islands for sensitive ops and fp32 I/O: for GPUs. */
  FP16(
      "fp16",
      "model.fp16.onnx",
      Optional.of("fp16 is priced on GPUs only: ONNX Runtime's CPU provider runs it in fp32"),
      Optional.empty(),
      Projection.Precision.FP16,
      false),
  /** Static int8 in QDQ form, for GPU int8 tensor cores (runs on CPUs too). */
  INT8_QDQ(
      "int8-qdq",
      "model.int8-qdq.onnx",
      Optional.empty(),
      Optional.empty(),
      Projection.Precision.INT8,
      true),
  /** Static int8 laid out for ONNX Runtime's CPU integer kernels (QLinearConv, ...). */
  INT8_STATIC(
      "int8-static",
      "model.int8-static.onnx",
      Optional.empty(),
      Optional.of(
          "int8-static is a CPU-kernel graph (uint8 QDQ for ONNX Runtime's CPU fusions); the GPU"
              + " recipe is int8-qdq"),
      Projection.Precision.FP32,
      true);

  private final String label;
  private final String fileName;
  private final Deployable deployable;

  Method(
      String label,
      String fileName,
      Optional<String> notOnCpu,
      Optional<String> notOnGpu,
      Projection.Precision gpuPrecision,
      boolean cpuInt8) {
    this.label = label;
    this.fileName = fileName;
    Deployable d = new Deployable(label, notOnCpu, notOnGpu, gpuPrecision);
    // 7-bit weights unless a recipe says otherwise (Recipe#deployable): they run on every CPU.
    this.deployable = cpuInt8 ? d.int8Weights(false) : d;
  }

  /** The name users type and reports show: {@code int8-dynamic}. */
  public String label() {
    return label;
  }

  /** The file a built variant is written to inside its folder. */
  public String fileName() {
    return fileName;
  }

  /**
   * Where it runs, at which GPU precision, and whether CPUs run it on int8 kernels, for pricing (a
   * built variant's {@link Recipe#deployable()} adds its int8 weight range).
   */
  public Deployable deployable() {
    return deployable;
  }

  /** Whether CPUs run it (and so it is priced and measured for CPUs). */
  public boolean runsOnCpus() {
    return deployable.notOnCpu().isEmpty();
  }

  /** The method named {@code label} (case-insensitive). */
  public static Method parse(String label) {
    String l = label.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(m -> m.label.equals(l))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown method '" + label + "': use one of " + labels()));
  }

  /** Every label, comma-separated, for messages and help. */
  public static String labels() {
    return String.join(", ", Arrays.stream(values()).map(Method::label).toList());
  }

  @Override
  public String toString() {
    return label;
  }
}
