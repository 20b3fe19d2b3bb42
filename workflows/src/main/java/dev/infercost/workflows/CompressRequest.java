package dev.infercost.workflows;

import dev.infercost.compress.QuantOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link CompressWorkflow#run} should do. Build with {@link #builder(String, Path)}.
 *
 * @param model model path or built-in name
 * @param outDir folder for {@code model.int8.onnx}, {@code report.json} and {@code report.md}
 * @param method {@code int8-dynamic} (CPU integer kernels) or {@code int8-qdq} (static int8 in QDQ
 *     form for GPU tensor cores; {@code quant}'s reduced range and embeddings do not apply)
 * @param quant quantization options
 * @param data evaluation data (also split for calibration when {@code calibrationData} is empty);
 *     built-in models default to their bundled held-out data
 * @param calibrationData calibration data, disjoint from {@code data}
 * @param tokenizer tokenizer.json for text data (built-in models bring theirs)
 * @param calibrationSamples most calibration batches used
 * @param bound accuracy bound to check, if any
 * @param threads intra-op threads for evaluation and profiling
 * @param shapes input shapes for profiling (symbolic dims default as in {@code profile})
 * @param measure whether to profile latency before and after
 */
public record CompressRequest(
    String model,
    Path outDir,
    String method,
    QuantOptions quant,
    Optional<Path> data,
    Optional<Path> calibrationData,
    Optional<Path> tokenizer,
    int calibrationSamples,
    Optional<Bound> bound,
    int threads,
    Map<String, long[]> shapes,
    boolean measure) {

  public static final String INT8_DYNAMIC = "int8-dynamic";
  public static final String INT8_QDQ = "int8-qdq";

  public CompressRequest {
    if (!method.equals(INT8_DYNAMIC) && !method.equals(INT8_QDQ)) {
      throw new IllegalArgumentException(
          "unknown method '" + method + "'; use " + INT8_DYNAMIC + " or " + INT8_QDQ);
    }
    if (calibrationSamples < 1 || threads < 1) {
      throw new IllegalArgumentException("calibration samples and threads must be >= 1");
    }
    shapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
  }

  /** The same request with another method, output folder and profiling choice. */
  public CompressRequest with(String method, Path outDir, boolean measure) {
    return new CompressRequest(
        model,
        outDir,
        method,
        quant,
        data,
        calibrationData,
        tokenizer,
        calibrationSamples,
        bound,
        threads,
        shapes,
        measure);
  }

  public static Builder builder(String model, Path outDir) {
    return new Builder(model, outDir);
  }

  /** Required fields in {@code builder(...)}, optional ones as {@code opt*}. */
  public static final class Builder {
    private final String model;
    private final Path outDir;
    private String method = INT8_DYNAMIC;
    private QuantOptions quant = QuantOptions.defaults();
    private Path data;
    private Path calibrationData;
    private Path tokenizer;
    private int calibrationSamples = 100;
    private Bound bound;
    private int threads = 1;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private boolean measure = true;

    private Builder(String model, Path outDir) {
      this.model = model;
      this.outDir = outDir;
    }

    public Builder optMethod(String m) {
      this.method = m;
      return this;
    }

    public Builder optQuant(QuantOptions q) {
      this.quant = q;
      return this;
    }

    public Builder optData(Path p) {
      this.data = p;
      return this;
    }

    public Builder optCalibrationData(Path p) {
      this.calibrationData = p;
      return this;
    }

    public Builder optTokenizer(Path p) {
      this.tokenizer = p;
      return this;
    }

    public Builder optCalibrationSamples(int n) {
      this.calibrationSamples = n;
      return this;
    }

    public Builder optBound(Bound b) {
      this.bound = b;
      return this;
    }

    public Builder optThreads(int t) {
      this.threads = t;
      return this;
    }

    public Builder optShape(String input, long[] dims) {
      shapes.put(input, dims.clone());
      return this;
    }

    public Builder optMeasure(boolean m) {
      this.measure = m;
      return this;
    }

    public CompressRequest build() {
      return new CompressRequest(
          model,
          outDir,
          method,
          quant,
          Optional.ofNullable(data),
          Optional.ofNullable(calibrationData),
          Optional.ofNullable(tokenizer),
          calibrationSamples,
          Optional.ofNullable(bound),
          threads,
          shapes,
          measure);
    }
  }
}
