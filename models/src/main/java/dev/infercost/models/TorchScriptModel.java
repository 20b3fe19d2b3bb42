package dev.infercost.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.infercost.base.OneLine;
import dev.infercost.models.internal.ModelFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A TorchScript model loaded through DJL's PyTorch engine, offline. Holds native memory: use it in
 * try-with-resources. Not thread-safe.
 */
public final class TorchScriptModel implements AutoCloseable {
  /** One named parameter of the module. */
  public record ParameterInfo(String name, List<Long> shape, DType dtype, long elements) {
    public ParameterInfo {
      shape = List.copyOf(shape);
    }

    public long bytes() {
      return elements * dtype.bytes();
    }
  }

  private final Path file;
  private final Model model;
  private final Device device;
  private boolean closed;

  private TorchScriptModel(Path file, Model model, Device device) {
    this.file = file;
    this.model = model;
    this.device = device;
  }

  static TorchScriptModel load(Path file, boolean cuda) throws ModelException {
    ModelFiles.checkTorchScript(file);
    // Starting the engine and loading the module are native calls: a stop request waits for them.
    try (dev.infercost.base.Interruption.Section n = dev.infercost.base.Interruption.enter()) {
      return loadInSection(file, cuda);
    }
  }

  private static TorchScriptModel loadInSection(Path file, boolean cuda) throws ModelException {
    Engine engine = startEngine(file);
    if (cuda && engine.getGpuCount() == 0) {
      throw ModelException.of(
          file,
          "device cuda: DJL's PyTorch engine sees no CUDA GPU here; run on the CPU",
          dev.infercost.base.Parameter.DEVICE);
    }
    Device device = cuda ? Device.gpu() : Device.cpu();
    String name = file.getFileName().toString().replaceFirst("\\.(pt|pth|torchscript)$", "");
    Model model = Model.newInstance(name, device, "PyTorch");
    try {
      model.load(file);
      return new TorchScriptModel(file, model, device);
    } catch (IOException | MalformedModelException | EngineException e) {
      model.close();
      throw ModelException.of(
          file,
          "not a loadable TorchScript model (" + OneLine.firstLine(e) + "); export with torch.jit",
          e);
    }
  }

  /** DJL's PyTorch engine, offline; {@code file} is named if it does not start. */
  static Engine startEngine(Path file) throws ModelException {
    if (System.getProperty("ai.djl.offline") == null) {
      // Nothing may be downloaded at run time; DJL reads this before it looks for natives.
      System.setProperty("ai.djl.offline", "true");
    }
    try {
      return Engine.getEngine("PyTorch");
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw ModelException.of(file, "DJL's PyTorch engine did not start: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** {@code cpu()} or {@code gpu(0)}. */
  public String device() {
    return device.toString();
  }

  /** The module's named parameters in declaration order. */
  public List<ParameterInfo> parameters() {
    checkOpen();
    List<ParameterInfo> out = new ArrayList<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      NDArray a = p.getValue().getArray();
      out.add(
          new ParameterInfo(
              p.getKey(), toList(a.getShape()), dtype(a.getDataType()), a.getShape().size()));
    }
    return out;
  }

  /** The float32 parameters' values by name, in declaration order (a copy). */
  public java.util.Map<String, float[]> parameterValues() {
    checkOpen();
    java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      NDArray a = p.getValue().getArray();
      if (a.getDataType() == DataType.FLOAT32) {
        out.put(p.getKey(), a.toFloatArray());
      }
    }
    return out;
  }

  /** Total elements across parameters. */
  public long parameterCount() {
    return parameters().stream().mapToLong(ParameterInfo::elements).sum();
  }

  /** Total bytes across parameters. */
  public long parameterBytes() {
    return parameters().stream().mapToLong(ParameterInfo::bytes).sum();
  }

  /** Runs forward on {@code inputs} (in the module's positional order) and returns its outputs. */
  public List<Tensor> forward(List<Tensor> inputs) throws ModelException {
    checkOpen();
    try (NDManager m = model.getNDManager().newSubManager(device)) {
      NDList in = new NDList();
      for (Tensor t : inputs) {
        in.add(m.create(t.data(), new Shape(t.shape()), djlType(t.dtype())));
      }
      NDList outs = model.getBlock().forward(new ParameterStore(m, false), in, false);
      List<Tensor> result = new ArrayList<>();
      int i = 0;
      for (NDArray a : outs) {
        ByteBuffer bytes = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer copy =
            ByteBuffer.allocateDirect(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes).flip();
        result.add(
            Tensor.of("output_" + i++, dtype(a.getDataType()), a.getShape().getShape(), copy));
      }
      return result;
    } catch (EngineException | IllegalArgumentException e) {
      throw ModelException.of(
          file, "forward failed: " + OneLine.firstLine(e) + "; check input shapes", e);
    }
  }

  /**
   * Copies {@code inputs} to the device once, so that {@link Prepared#run()} times the forward pass
   * alone (what a profiler wants).
   */
  public Prepared prepare(List<Tensor> inputs) {
    checkOpen();
    NDManager m = model.getNDManager().newSubManager(device);
    NDList in = new NDList();
    for (Tensor t : inputs) {
      in.add(m.create(t.data(), new Shape(t.shape()), djlType(t.dtype())));
    }
    return new Prepared(m, in);
  }

  /** Inputs already on the device; run them repeatedly, then close. */
  public final class Prepared implements AutoCloseable {
    private final NDManager manager;
    private final NDList inputs;
    private final ParameterStore store;

    private Prepared(NDManager manager, NDList inputs) {
      this.manager = manager;
      this.inputs = inputs;
      this.store = new ParameterStore(manager, false);
    }

    /** One forward pass; outputs are freed at once. */
    public void run() throws ModelException {
      checkOpen();
      try (NDManager scratch = manager.newSubManager()) {
        NDList outs = model.getBlock().forward(store, inputs, false);
        outs.attach(scratch);
      } catch (EngineException | IllegalArgumentException e) {
        throw ModelException.of(
            file, "forward failed: " + OneLine.firstLine(e) + "; check input shapes", e);
      }
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  private static List<Long> toList(Shape s) {
    List<Long> l = new ArrayList<>();
    for (long d : s.getShape()) {
      l.add(d);
    }
    return l;
  }

  static DType dtype(DataType t) {
    return switch (t) {
      case FLOAT32 -> DType.FLOAT32;
      case FLOAT16 -> DType.FLOAT16;
      case BFLOAT16 -> DType.BFLOAT16;
      case FLOAT64 -> DType.FLOAT64;
      case INT8 -> DType.INT8;
      case UINT8 -> DType.UINT8;
      case INT32 -> DType.INT32;
      case INT64 -> DType.INT64;
      case BOOLEAN -> DType.BOOL;
      default -> DType.OTHER;
    };
  }

  static DataType djlType(DType t) {
    return switch (t) {
      case FLOAT32 -> DataType.FLOAT32;
      case FLOAT16 -> DataType.FLOAT16;
      case BFLOAT16 -> DataType.BFLOAT16;
      case FLOAT64 -> DataType.FLOAT64;
      case INT8 -> DataType.INT8;
      case UINT8 -> DataType.UINT8;
      case INT32 -> DataType.INT32;
      case INT64 -> DataType.INT64;
      case BOOL -> DataType.BOOLEAN;
      default -> throw new IllegalArgumentException("DJL has no type for " + t);
    };
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("TorchScriptModel " + file + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      model.close();
    }
  }
}
