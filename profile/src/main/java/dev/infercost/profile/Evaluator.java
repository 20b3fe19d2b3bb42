package dev.infercost.profile;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Compares a candidate model's outputs with a reference's: fidelity and, with labels, accuracy. */
public final class Evaluator {
  private Evaluator() {}

  /** The input specs of an ONNX model (path or built-in name). */
  public static List<TensorSpec> inputSpecs(String model) throws InfercostException {
    return Models.inputSpecs(Models.resolve(model, ModelFormat.ONNX));
  }

  /**
   * Loads {@code data} for {@code reference}'s inputs and evaluates. For text data the tokenizer
   * defaults to the reference's built-in one, if it has one.
   */
  public static EvalReport evaluate(
      String reference,
      String candidate,
      Path data,
      Optional<Path> tokenizer,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    return evaluate(reference, candidate, data, tokenizer, Optional.empty(), threads, progress);
  }

  /**
   * As above, with image folders preprocessed as the YAML file {@code preprocessing} says (instead
   * of their own {@code preprocess.yaml}; see {@link Preprocessing}).
   */
  public static EvalReport evaluate(
      String reference,
      String candidate,
      Path data,
      Optional<Path> tokenizer,
      Optional<Path> preprocessing,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    Optional<Path> tok = tokenizer.isPresent() ? tokenizer : builtinTokenizer(reference);
    Optional<Preprocessing> p =
        preprocessing.isEmpty()
            ? Optional.empty()
            : Optional.of(Preprocessing.read(preprocessing.get(), Parameter.EVAL_DATA));
    EvalData d = EvalData.load(data, inputSpecs(reference), tok, p, Parameter.EVAL_DATA);
    return evaluate(reference, candidate, d, threads, progress);
  }

  /** A built-in model's tokenizer file, if it has one. */
  public static Optional<Path> builtinTokenizer(String model) throws InfercostException {
    var b = Models.builtin(model);
    if (b.isEmpty() || b.get().tokenizerResource().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Models.builtinFile(b.get(), b.get().tokenizerResource().get()));
  }

  /** Outputs of both models on every batch of {@code data}, compared. */
  public static EvalReport evaluate(
      String reference, String candidate, EvalData data, int threads, Consumer<String> progress)
      throws InfercostException {
    progress.accept("evaluating " + candidate + " against " + reference + " on " + data.source());
    return reference(reference, data, threads).compare(candidate);
  }

  /**
   * A reference model's outputs on {@code data}, computed once: comparing many candidates with it
   * (a search, per-layer sensitivity, the variants of {@code choose}) runs the reference once.
   */
  public static Reference reference(String model, EvalData data, int threads)
      throws InfercostException {
    ProfileOptions o = ProfileOptions.builder().optThreads(threads).build();
    return new Reference(model, data, outputs(model, data, o), o);
  }

  /**
   * A reference model's outputs on some data; see {@link #reference}.
   *
   * @param model the reference model file
   * @param data what it ran on
   * @param outputs its outputs
   * @param options how candidates are run
   */
  public record Reference(String model, EvalData data, Outputs outputs, ProfileOptions options) {
    /** Runs {@code candidate} on the same data and compares it with the reference. */
    public EvalReport compare(String candidate) throws InfercostException {
      Outputs cand =
          candidate.equals(model) ? outputs : Evaluator.outputs(candidate, data, options);
      return Evaluator.compare(data, outputs.vectors(), cand.vectors(), outputs.kind());
    }
  }

  /**
   * Per-sample output vectors of a model's first output and what kind of output it is.
   *
   * @param vectors one vector per sample (mean-pooled for embeddings)
   * @param kind {@code embedding}, {@code logits} or {@code tensor}
   */
  public record Outputs(List<float[]> vectors, String kind) {}

  /** Runs {@code model} over every batch of {@code data}. */
  public static Outputs outputs(String model, EvalData data, ProfileOptions o)
      throws InfercostException {
    List<float[]> out = new ArrayList<>();
    int rank = 0;
    try (ModelRunner r = Profiler.open(model, o)) {
      for (List<Tensor> batch : data.batches()) {
        Tensor y = r.runAndFetch(batch).get(0);
        rank = y.shape().length;
        out.addAll(perSample(y, mask(data, batch)));
      }
    }
    String kind =
        rank == 3 && data.maskInput().isPresent() ? "embedding" : rank == 2 ? "logits" : "tensor";
    return new Outputs(out, kind);
  }

  private static Tensor mask(EvalData data, List<Tensor> batch) {
    return data.maskInput()
        .flatMap(m -> batch.stream().filter(t -> t.name().equals(m)).findFirst())
        .orElse(null);
  }

  /** Splits a [batch, ...] output into per-sample vectors; rank-3 with a mask is mean-pooled. */
  static List<float[]> perSample(Tensor y, Tensor mask) {
    long[] s = y.shape();
    float[] v = y.toFloats();
    int b = (int) s[0];
    int per = v.length / b;
    List<float[]> out = new ArrayList<>();
    if (s.length == 3 && mask != null) {
      int seq = (int) s[1];
      int hidden = (int) s[2];
      float[] m = mask.toFloats();
      for (int i = 0; i < b; i++) {
        float[] e = new float[hidden];
        float count = 0;
        for (int t = 0; t < seq; t++) {
          float w = m[i * seq + t];
          count += w;
          for (int h = 0; h < hidden; h++) {
            e[h] += w * v[(i * seq + t) * hidden + h];
          }
        }
        for (int h = 0; h < hidden; h++) {
          e[h] /= Math.max(count, 1e-9f);
        }
        out.add(e);
      }
    } else {
      for (int i = 0; i < b; i++) {
        float[] e = new float[per];
        System.arraycopy(v, i * per, e, 0, per);
        out.add(e);
      }
    }
    return out;
  }

  static EvalReport compare(EvalData data, List<float[]> ref, List<float[]> cand, String kind) {
    int n = ref.size();
    double sumCos = 0;
    double minCos = 1;
    double maxAbs = 0;
    int top1 = 0;
    for (int i = 0; i < n; i++) {
      float[] a = ref.get(i);
      float[] c = cand.get(i);
      double cos = cosine(a, c);
      sumCos += cos;
      minCos = Math.min(minCos, cos);
      for (int k = 0; k < a.length; k++) {
        maxAbs = Math.max(maxAbs, Math.abs(a[k] - c[k]));
      }
      if (argmax(a) == argmax(c)) {
        top1++;
      }
    }
    Double nn = kind.equals("embedding") && n > 1 ? nnAgreement(ref, cand) : null;
    Double refAcc = null;
    Double candAcc = null;
    long[] labels = data.labels();
    if (labels.length == n && n > 0 && kind.equals("logits")) {
      int r = 0;
      int c = 0;
      for (int i = 0; i < n; i++) {
        r += argmax(ref.get(i)) == labels[i] ? 1 : 0;
        c += argmax(cand.get(i)) == labels[i] ? 1 : 0;
      }
      refAcc = (double) r / n;
      candAcc = (double) c / n;
    }
    return new EvalReport(
        data.source(),
        n,
        kind,
        sumCos / n,
        minCos,
        maxAbs,
        kind.equals("logits") ? (double) top1 / n : null,
        nn,
        refAcc,
        candAcc,
        refAcc == null ? null : refAcc - candAcc);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Share of samples whose cosine nearest neighbour (others only) is the same in both spaces. */
  static double nnAgreement(List<float[]> ref, List<float[]> cand) {
    int n = ref.size();
    int agree = 0;
    for (int i = 0; i < n; i++) {
      if (nearest(ref, i) == nearest(cand, i)) {
        agree++;
      }
    }
    return (double) agree / n;
  }

  private static int nearest(List<float[]> v, int i) {
    int best = -1;
    double bestCos = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < v.size(); j++) {
      if (j != i) {
        double c = cosine(v.get(i), v.get(j));
        if (c > bestCos) {
          bestCos = c;
          best = j;
        }
      }
    }
    return best;
  }
}
