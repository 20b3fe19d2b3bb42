package dev.infercost.models;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.infercost.base.AtomicFiles;
import dev.infercost.base.Interruption;
import dev.infercost.base.Parameter;
import dev.infercost.models.internal.Builtins;
import dev.infercost.models.internal.ExternalData;
import dev.infercost.models.internal.GraphInputs;
import dev.infercost.models.internal.ModelFiles;
import dev.infercost.models.internal.OnnxFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Entry points of the models module: resolve, load and save models. */
public final class Models {
  private Models() {}

  /** The built-in models, in listing order. */
  public static List<BuiltinModel> builtins() {
    return Builtins.ALL;
  }

  /** A built-in model by name. */
  public static Optional<BuiltinModel> builtin(String name) {
    return Builtins.find(name);
  }

  /** Size in bytes of a built-in model's ONNX file, or -1 when it is not on the classpath. */
  public static long builtinSize(BuiltinModel model) {
    return Builtins.size(model.onnxResource());
  }

  /**
   * Turns what a user typed into a model file: a built-in name resolves to its ONNX file (its
   * TorchScript twin when {@code format} is TORCHSCRIPT), extracted into the cache once; anything
   * else is taken as a path.
   */
  public static Path resolve(String nameOrPath, ModelFormat format) throws ModelException {
    Optional<BuiltinModel> b = Builtins.find(nameOrPath);
    if (b.isEmpty()) {
      return Path.of(nameOrPath);
    }
    String resource =
        format == ModelFormat.TORCHSCRIPT
            ? b.get()
                .torchScriptResource()
                .orElseThrow(
                    () ->
                        new ModelException(
                            nameOrPath
                                + ": this built-in model has no TorchScript twin; run it on ONNX"
                                + " Runtime",
                            Parameter.ENGINE))
            : b.get().onnxResource();
    return Builtins.extract(nameOrPath, resource);
  }

  /**
   * The cache folder for extracted built-ins and other derived files: {@code -Dinfercost.cache},
   * {@code $INFERCOST_CACHE}, {@code $XDG_CACHE_HOME/infercost} or {@code ~/.cache/infercost}.
   */
  public static Path cacheDir() {
    return Builtins.cacheRoot();
  }

  /** Extracts another file of a built-in model (test data, tokenizer) and returns its path. */
  public static Path builtinFile(BuiltinModel model, String resource) throws ModelException {
    return Builtins.extract(model.name(), resource);
  }

  /** Guesses the format from content: zip archives are TorchScript, anything else ONNX. */
  public static ModelFormat formatOf(Path file) throws ModelException {
    ModelFiles.checkReadableFile(file);
    return ModelFiles.isZip(file) ? ModelFormat.TORCHSCRIPT : ModelFormat.ONNX;
  }

  /**
   * Loads an ONNX model. Refuses missing, empty, corrupt and truncated files, and external-data
   * locations outside the model's directory; external data is read into memory.
   */
  public static OnnxModel loadOnnx(Path file) throws ModelException {
    return OnnxFiles.load(file, true);
  }

  /**
   * Loads an ONNX model as {@link #loadOnnx} does, with every check, but leaves tensors stored as
   * external data unread (references, as in the file): for facts that need the graph and shapes,
   * not the weights ({@link OnnxModel#info}, node lists), without holding a large model's weights.
   * Such a model cannot be saved or run from memory.
   */
  public static OnnxModel loadOnnxGraph(Path file) throws ModelException {
    return OnnxFiles.load(file, false);
  }

  /**
   * The inputs of an ONNX model that are not initializers, read without loading its weights; a file
   * that cannot be read that way is loaded in full, which refuses it with the usual message.
   */
  public static List<TensorSpec> inputSpecs(Path file) throws ModelException {
    ModelFiles.checkReadableFile(file);
    Optional<List<ValueInfoProto>> inputs = GraphInputs.read(file);
    if (inputs.isEmpty()) {
      return loadOnnx(file).info(java.util.Map.of()).inputs();
    }
    return inputs.get().stream().map(Models::spec).toList();
  }

  /**
   * Bytes on disk of an ONNX model: the file plus the distinct external data files its initializers
   * name that exist inside its folder, read without loading the weights; a file that is not an ONNX
   * model counts alone.
   */
  public static long diskBytes(Path file) throws ModelException {
    long bytes = ModelFiles.checkReadableFile(file);
    Path dir = file.toAbsolutePath().normalize().getParent();
    for (String location : GraphInputs.externalFiles(file).orElse(Set.of())) {
      try {
        Path data = dir.resolve(location).normalize();
        if (data.startsWith(dir) && Files.isRegularFile(data)) {
          bytes += Files.size(data);
        }
      } catch (IOException | InvalidPathException e) {
        // Not counted: loading the model says what is wrong with it.
      }
    }
    return bytes;
  }

  /**
   * Copies the ONNX model file {@code from} to {@code to} with the external data files it names,
   * each to the same relative location next to {@code to} (data first, each file atomically), so
   * that the copy loads as the original does. Locations are checked as on load.
   */
  public static void copyOnnx(Path from, Path to) throws ModelException {
    ModelFiles.checkReadableFile(from);
    Path source = from.toAbsolutePath().normalize().getParent();
    Path target = to.toAbsolutePath().normalize().getParent();
    for (String location : GraphInputs.externalFiles(from).orElse(Set.of())) {
      Path data = ModelFiles.resolveInside(from, source, location);
      Path copy = ModelFiles.resolveInside(to, target, location);
      if (ModelFiles.sameFile(data, copy)) {
        continue;
      }
      try {
        Files.createDirectories(copy.getParent());
      } catch (IOException e) {
        throw ModelException.of(copy, "cannot create its folder: " + e.getMessage(), e);
      }
      AtomicFiles.write(copy, out -> Files.copy(data, out), ModelException::of);
    }
    AtomicFiles.write(to, out -> Files.copy(from, out), ModelException::of);
  }

  /** Saves atomically; never overwrites the model's own source file. */
  public static void saveOnnx(OnnxModel model, Path target) throws ModelException {
    OnnxFiles.save(model, target);
  }

  /** Loads a TorchScript module with DJL's PyTorch engine, offline, on CPU or CUDA. */
  public static TorchScriptModel loadTorchScript(Path file, boolean cuda) throws ModelException {
    return TorchScriptModel.load(file, cuda);
  }

  /**
   * Zeroes weights of a TorchScript module's Linear and Conv layers (float32 parameters named
   * {@code *weight} of rank ≥ 2, input dimension 1) as {@code options} say, by magnitude, through
   * DJL's PyTorch engine: parameters changed in place, the module written to {@code out} with DJL's
   * module writer, then reloaded and its parameters checked. {@code in} is never modified; the same
   * input and options give the same bytes. Dense kernels are no faster: see {@link SparsityReport}.
   *
   * @throws ModelException when {@code in} does not load, has no such weight, is {@code out}, or
   *     activation-aware importance is asked for (it needs calibration on ONNX)
   */
  public static SparsityReport sparsifyTorchScript(Path in, SparsityOptions options, Path out)
      throws ModelException {
    return TorchScriptSparsity.sparsify(in, options, out);
  }

  /** The process's one ONNX Runtime environment. */
  public static OrtEnvironment ortEnvironment() {
    // Fatal only: ONNX Runtime's warnings and error logs (with terminal colour codes) would
    // otherwise reach stderr, --quiet included, and an error would print twice; every failure
    // reaches the user as one line through infercost's messages (see reason()).
    return OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "infercost");
  }

  /**
   * A session on an in-memory model, created inside an {@link Interruption} section: a process told
   * to stop waits for it, and none is created once it is stopping.
   */
  public static OrtSession createSession(byte[] model, OrtSession.SessionOptions options)
      throws OrtException {
    try (Interruption.Section n = Interruption.enter()) {
      return ortEnvironment().createSession(model, options);
    }
  }

  /**
   * A session on a model held in memory, as {@link #createSession(byte[],
   * OrtSession.SessionOptions)}; a model over protobuf's 2 GiB ceiling, which no byte array holds,
   * is written with its initializers as external data to a temporary folder that is removed once
   * ONNX Runtime has read it.
   *
   * @throws ModelException when the temporary files cannot be written
   */
  public static OrtSession createSession(ModelProto model, OrtSession.SessionOptions options)
      throws OrtException, ModelException {
    if (ExternalData.fits(model)) {
      return createSession(model.toByteArray(), options);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("infercost-session");
    } catch (IOException e) {
      throw new ModelException("cannot create a temporary folder for a model over 2 GiB: " + e, e);
    }
    Path file = dir.resolve("model.onnx");
    try {
      OnnxFiles.save(OnnxModel.of(model), file);
      try (Interruption.Section n = Interruption.enter()) {
        return ortEnvironment().createSession(file.toString(), options);
      }
    } finally {
      for (Path p : List.of(file, dir.resolve("model.onnx.data"), dir)) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // A temporary file left behind costs disk, not the session just made.
        }
      }
    }
  }

  /**
   * The SHA-256 of the model's serialized bytes (64 lower-case hex digits), streamed; a model over
   * 2 GiB is hashed as {@link #saveOnnx} writes it: the message with its initializers as external
   * data, followed by that data.
   */
  public static String sha256(ModelProto model) throws ModelException {
    return OnnxFiles.sha256(model);
  }

  /** Wraps an ONNX Runtime failure as a model error on {@code file}, keeping the cause. */
  public static ModelException wrap(Path file, String doing, OrtException e) {
    return ModelException.of(file, doing + " failed in ONNX Runtime: " + reason(e), e);
  }

  /** ONNX Runtime's own source locations in a message: "file.h:560 void f(...) cond was false." */
  private static final Pattern ORT_SOURCE =
      Pattern.compile("\\S+\\.(?:cc|cpp|h|hpp):\\d+ .*? was false\\.\\s*");

  /**
   * What an ONNX Runtime failure says, for a person: its first line, without the error-code prefix
   * and the C++ source location and assertion an enforced check adds.
   */
  public static String reason(OrtException e) {
    String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    m = m.replaceFirst("^Error code - ORT_\\w+ - message: ", "");
    return ORT_SOURCE.matcher(m).replaceAll("");
  }

  static TensorSpec spec(ValueInfoProto v) {
    TypeProto t = v.getType();
    if (!t.hasTensorType()) {
      return new TensorSpec(v.getName(), DType.OTHER, List.of());
    }
    DType dt = DType.fromOnnx(t.getTensorType().getElemType());
    if (!t.getTensorType().hasShape()) {
      // No shape at all: any rank may be fed. A shape with no dims is a scalar.
      return new TensorSpec(v.getName(), dt, List.of(), false);
    }
    List<Dim> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : t.getTensorType().getShape().getDimList()) {
      dims.add(
          d.hasDimValue()
              ? Dim.fixed(d.getDimValue())
              : d.hasDimParam() && !d.getDimParam().isEmpty()
                  ? Dim.symbolic(d.getDimParam())
                  : Dim.unknown());
    }
    return new TensorSpec(v.getName(), dt, dims, true);
  }
}
