package dev.infercost.benchmarks;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.base.InfercostException;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.ModelRunner;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.Profiler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The profiler's own overhead: {@value #RUNS} inferences in a bare ONNX Runtime loop against the
 * same {@value #RUNS} inferences through {@link Profiler#measure} (the loop {@code infercost
 * profile} times), same model, session options, threads and inputs.
 *
 * <p>How to run: {@code benchmarks/run ProfilerOverheadBenchmark} (prints the ratio at the end).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class ProfilerOverheadBenchmark {
  static final int RUNS = 10;

  @Param({"minilm-l6", "digits-cnn"})
  public String model;

  private OrtSession session;
  private final Map<String, OnnxTensor> bare = new LinkedHashMap<>();
  private ModelRunner runner;
  private ProfileOptions options;

  @Setup(Level.Trial)
  public void setUp() throws InfercostException, OrtException {
    List<Tensor> inputs = inputs(model);
    options = ProfileOptions.builder().optThreads(1).optSampling(RUNS, 0, 60_000).build();
    runner = Profiler.open(model, options);
    runner.bind(inputs);
    // The same session options OrtRunner uses, so the two sides differ only by the profiler.
    OrtEnvironment env = Models.ortEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setInterOpNumThreads(1);
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(Models.resolve(model, ModelFormat.ONNX).toString(), o);
    }
    for (Tensor t : inputs) {
      OnnxJavaType jt = t.dtype().bytes() == 8 ? OnnxJavaType.INT64 : OnnxJavaType.FLOAT;
      bare.put(t.name(), OnnxTensor.createTensor(env, t.data(), t.shape(), jt));
    }
  }

  static List<Tensor> inputs(String model) {
    Random r = new Random(42);
    if (model.equals("minilm-l6")) {
      long[] shape = {1, 128};
      long[] ids = new long[128];
      long[] ones = new long[128];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = r.nextInt(30522);
        ones[i] = 1;
      }
      return List.of(
          Tensor.ofLongs("input_ids", shape, ids),
          Tensor.ofLongs("attention_mask", shape, ones),
          Tensor.ofLongs("token_type_ids", shape, new long[128]));
    }
    float[] x = new float[64];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return List.of(Tensor.ofFloats("input", new long[] {1, 1, 8, 8}, x));
  }

  @Benchmark
  public int bareOrtLoop() throws OrtException {
    int n = 0;
    for (int i = 0; i < RUNS; i++) {
      try (OrtSession.Result r = session.run(bare)) {
        n += r.size();
      }
    }
    return n;
  }

  @Benchmark
  public double[] profilerLoop() throws InfercostException {
    return Profiler.measure(runner, options);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    bare.values().forEach(OnnxTensor::close);
    bare.clear();
    session.close();
    runner.close();
  }
}
