package dev.infercost.models;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.infercost.base.AtomicFiles;
import dev.infercost.base.OneLine;
import dev.infercost.models.SparsityOptions.Importance;
import dev.infercost.models.internal.ModelFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sparsifies a TorchScript module's Linear/Conv weights through DJL's PyTorch engine: load with
 * editable parameters, zero them in place, write the module back with DJL's module writer ({@code
 * JniUtils.writeModule}, which is {@code torch::jit::Module::save}), reload the written file and
 * check its parameters are the ones intended.
 */
final class TorchScriptSparsity {
  private TorchScriptSparsity() {}

  static SparsityReport sparsify(Path in, SparsityOptions o, Path out) throws ModelException {
    ModelFiles.checkTorchScript(in);
    if (ModelFiles.sameFile(in, out.toAbsolutePath().normalize())) {
      throw ModelException.of(
          out, "refusing to overwrite the input model; choose another output path");
    }
    if (o.importance() == Importance.ACTIVATION) {
      throw ModelException.of(
          in,
          "activation-aware sparsity needs activation norms, which infercost collects on ONNX"
              + " models only; use magnitude importance for TorchScript, or sparsify the ONNX"
              + " export");
    }
    TorchScriptModel.startEngine(in);
    List<Pattern> exclude = exclusions(o.exclude());
    try (Model model = Model.newInstance("sparsify", ai.djl.Device.cpu(), "PyTorch")) {
      try {
        // Parameters loaded for inference are inference tensors, which PyTorch refuses to change
        // in place; loaded as trainable, they can be changed with gradients off.
        model.load(in, null, Map.of("trainParam", "true"));
      } catch (IOException | MalformedModelException | EngineException e) {
        throw ModelException.of(
            in,
            "not a loadable TorchScript model ("
                + OneLine.firstLine(e)
                + "); export with torch.jit",
            e);
      }
      PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
      List<NDArray> arrays = new ArrayList<>();
      List<Sparsifier.Weight> weights = new ArrayList<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        NDArray a = p.getValue().getArray();
        long[] dims = a.getShape().getShape();
        if (!p.getKey().endsWith("weight")
            || dims.length < 2
            || a.getDataType() != DataType.FLOAT32
            || excluded(p.getKey(), exclude)) {
          continue;
        }
        long inner = 1;
        for (int i = 2; i < dims.length; i++) {
          inner *= dims[i];
        }
        arrays.add(a);
        weights.add(
            new Sparsifier.Weight(
                p.getKey(),
                a.toFloatArray(),
                Math.toIntExact(dims[0]),
                Math.toIntExact(dims[1]),
                Math.toIntExact(inner),
                1,
                null));
      }
      if (weights.isEmpty()) {
        throw ModelException.of(
            in,
            "no weight to sparsify: looked for float32 parameters named '*weight' of rank 2 or"
                + " more (Linear, Conv) not excluded; pass a model with Linear or Conv layers");
      }
      byte[] before = write(block);
      Sparsifier.Outcome r = Sparsifier.sparsify(weights, o);
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      try (NDManager scratch = model.getNDManager().newSubManager()) {
        for (int i = 0; i < weights.size(); i++) {
          if (r.values().get(i) == weights.get(i).values()) {
            continue;
          }
          float[] mask = new float[r.values().get(i).length];
          for (int k = 0; k < mask.length; k++) {
            mask[k] = r.values().get(i)[k] == 0 ? 0f : 1f;
          }
          NDArray a = arrays.get(i);
          // In place on the module's own storage; + 0 turns the -0.0 of a zeroed negative weight
          // into +0.0 and leaves every other value as it is.
          a.muli(scratch.create(mask, a.getShape())).addi(0f);
        }
      } catch (EngineException e) {
        throw ModelException.of(
            in, "PyTorch refused to change the parameters (" + OneLine.firstLine(e) + ")", e);
      } finally {
        JniUtils.setGradMode(grad);
      }
      JniUtils.enableInferenceMode(block);
      byte[] after = write(block);
      AtomicFiles.write(out, o2 -> o2.write(after), ModelException::of);
      check(out, weights, r);
      return new SparsityReport(
          in.toString(),
          o,
          r.layers(),
          r.skipped(),
          0,
          after.length,
          Sparsifier.deflatedSize(before),
          Sparsifier.deflatedSize(after));
    }
  }

  private static byte[] write(PtSymbolBlock block) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JniUtils.writeModule(block, bytes, false);
    return bytes.toByteArray();
  }

  /** Reloads {@code out} as any user would and compares the sparsified parameters. */
  private static void check(Path out, List<Sparsifier.Weight> weights, Sparsifier.Outcome r)
      throws ModelException {
    try (TorchScriptModel m = TorchScriptModel.load(out, false)) {
      Map<String, float[]> reloaded = m.parameterValues();
      for (int i = 0; i < weights.size(); i++) {
        float[] got = reloaded.get(weights.get(i).name());
        if (!same(got, r.values().get(i))) {
          throw ModelException.of(
              out,
              "the written module's parameter '"
                  + weights.get(i).name()
                  + "' differs from the sparsified one; report this as a bug");
        }
      }
    }
  }

  /** Equal element by element as floats (+0 and -0 alike). */
  private static boolean same(float[] a, float[] b) {
    if (a == null || a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private static List<Pattern> exclusions(List<String> names) {
    return names.stream()
        .map(
            n ->
                n.startsWith("re:")
                    ? Pattern.compile(n.substring(3))
                    : Pattern.compile(Pattern.quote(n)))
        .toList();
  }

  private static boolean excluded(String name, List<Pattern> exclude) {
    return exclude.stream().anyMatch(p -> p.matcher(name).matches());
  }
}
