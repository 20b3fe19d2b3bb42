package dev.infercost.profile.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Interruption;
import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.ModelException;
import dev.infercost.models.Models;
import dev.infercost.models.OrtTensors;
import dev.infercost.models.Tensor;
import dev.infercost.profile.ModelRunner;
import dev.infercost.profile.ProfileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime session: intra-op threads as asked, one inter-op thread, all graph optimizations.
 */
public final class OrtRunner implements ModelRunner {
  private final Path file;
  private final OrtSession session;
  private final Map<String, OnnxTensor> bound = new LinkedHashMap<>();

  /** The float type of each float32 or float16 input, which data of the other type is fitted to. */
  private final Map<String, DType> floatInputs = new LinkedHashMap<>();

  private boolean closed;

  private OrtRunner(Path file, OrtSession session) throws OrtException {
    this.file = file;
    this.session = session;
    for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t) {
        if (t.type == OnnxJavaType.FLOAT) {
          floatInputs.put(e.getKey(), DType.FLOAT32);
        } else if (t.type == OnnxJavaType.FLOAT16) {
          floatInputs.put(e.getKey(), DType.FLOAT16);
        }
      }
    }
  }

  /** Whether this build of ONNX Runtime has the CUDA execution provider. */
  public static boolean cudaAvailable() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  public static OrtRunner open(Path file, int threads, boolean cuda) throws InfercostException {
    if (cuda && !cudaAvailable()) {
      throw new ProfileException(
          file
              + ": device cuda: this ONNX Runtime build has no CUDA execution provider; rebuild with"
              + " ./mvnw -Pcuda on a machine with CUDA, or run on the CPU",
          Parameter.DEVICE);
    }
    OrtEnvironment env = Models.ortEnvironment();
    try (Interruption.Section n = Interruption.enter();
        SessionOptions opts = new SessionOptions()) {
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      if (cuda) {
        opts.addCUDA(0);
      }
      return new OrtRunner(file, env.createSession(file.toString(), opts));
    } catch (OrtException e) {
      throw Models.wrap(file, "creating a session", e);
    }
  }

  @Override
  public void bind(List<Tensor> inputs) throws InfercostException {
    check();
    release();
    try (Interruption.Section n = Interruption.enter()) {
      for (Tensor t : inputs) {
        bound.put(t.name(), OrtTensors.toOrt(fitted(t)));
      }
    } catch (OrtException e) {
      release();
      throw Models.wrap(file, "creating input tensors", e);
    }
  }

  /**
   * {@code t} as the input's float type when it is the other one, so that data made for a float32
   * model feeds its float16 twin (rounded to half) and the other way round (exactly): {@code
   * evaluate} runs both on the reference's data.
   */
  private Tensor fitted(Tensor t) {
    DType want = floatInputs.get(t.name());
    return want != null && Tensor.refloats(t.dtype(), want) ? t.as(want) : t;
  }

  @Override
  public void run() throws InfercostException {
    check();
    try (Interruption.Section n = Interruption.enter();
        OrtSession.Result r = session.run(bound)) {
      // Outputs are released by closing the result.
    } catch (OrtException e) {
      throw inferenceFailed(e);
    }
  }

  @Override
  public List<Tensor> runAndFetch(List<Tensor> inputs) throws InfercostException {
    bind(inputs);
    try (Interruption.Section n = Interruption.enter();
        OrtSession.Result r = session.run(bound)) {
      List<Tensor> out = new ArrayList<>();
      for (Map.Entry<String, OnnxValue> e : r) {
        if (e.getValue() instanceof OnnxTensor t) {
          out.add(OrtTensors.fromOrt(e.getKey(), t));
        }
      }
      return out;
    } catch (OrtException e) {
      throw inferenceFailed(e);
    }
  }

  /** ONNX Runtime's complaint about a run, which is most often about the input shapes. */
  private ModelException inferenceFailed(OrtException e) {
    return new ModelException(
        Models.wrap(file, "running inference (check the input shapes and data)", e).getMessage(),
        Parameter.SHAPES,
        e);
  }

  private void release() {
    bound.values().forEach(OnnxTensor::close);
    bound.clear();
  }

  private void check() {
    if (closed) {
      throw new IllegalStateException("session for " + file + " is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      release();
    } finally {
      try {
        session.close();
      } catch (OrtException e) {
        // Closing a session only fails on a bad handle; nothing is left to free.
      }
    }
  }
}
