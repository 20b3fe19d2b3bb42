package dev.infercost.profile;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Op;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import dev.infercost.profile.internal.Inputs;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

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
    return evaluate(
        reference,
        candidate,
        data,
        tokenizer,
        Optional.empty(),
        threads,
        MetricSet.none(),
        progress);
  }

  /**
   * As above, with image folders preprocessed as the YAML file {@code preprocessing} says (instead
   * of their own {@code preprocess.yaml}; see {@link Preprocessing}), also scoring the task metrics
   * of {@code metrics}.
   */
  public static EvalReport evaluate(
      String reference,
      String candidate,
      Path data,
      Optional<Path> tokenizer,
      Optional<Path> preprocessing,
      int threads,
      MetricSet metrics,
      Consumer<String> progress)
      throws InfercostException {
    Optional<Path> tok = tokenizer.isPresent() ? tokenizer : defaultTokenizer(reference);
    Optional<Preprocessing> p =
        preprocessing.isEmpty()
            ? Optional.empty()
            : Optional.of(Preprocessing.read(preprocessing.get(), Parameter.EVAL_DATA));
    List<TensorSpec> specs = inputSpecs(reference);
    sameInputs(specs, candidate);
    EvalData d = EvalData.load(data, specs, tok, p, Parameter.EVAL_DATA);
    return evaluate(reference, candidate, d, threads, metrics, progress);
  }

  /**
   * Reads {@code candidate} as the reference was read (a file that is no model is named as such)
   * and refuses one whose inputs are named otherwise, or take another rank or element type (float32
   * and float16 feed each other): both run on the same data.
   */
  private static void sameInputs(List<TensorSpec> reference, String candidate)
      throws InfercostException {
    List<TensorSpec> theirs = inputSpecs(candidate);
    List<String> want = reference.stream().map(TensorSpec::name).sorted().toList();
    List<String> got = theirs.stream().map(TensorSpec::name).sorted().toList();
    if (!want.equals(got)) {
      throw notTheSameInputs(
          candidate,
          "its inputs ("
              + String.join(", ", got)
              + ") are not the reference's ("
              + String.join(", ", want)
              + ")");
    }
    for (TensorSpec c : theirs) {
      TensorSpec r =
          reference.stream().filter(x -> x.name().equals(c.name())).findFirst().orElseThrow();
      boolean rank = r.rankKnown() && c.rankKnown() && r.dims().size() != c.dims().size();
      boolean type = r.dtype() != c.dtype() && !Tensor.refloats(r.dtype(), c.dtype());
      if (rank || type) {
        throw notTheSameInputs(
            candidate,
            "its input '"
                + c.name()
                + "' is "
                + described(c)
                + ", the reference's "
                + described(r));
      }
    }
  }

  private static String described(TensorSpec s) {
    return s.dtype().label() + (s.rankKnown() ? " of rank " + s.dims().size() : "");
  }

  private static InfercostException notTheSameInputs(String candidate, String what) {
    return new InfercostException(
        candidate
            + ": "
            + what
            + "; evaluate runs both models on the same data: compare a variant of the"
            + " reference, or rename the inputs",
        Parameter.MODEL);
  }

  /**
   * The tokenizer text data for {@code model} is read with when none is given: a built-in model's
   * own, else the {@code tokenizer.json} beside the model file (where HuggingFace exports put it).
   */
  public static Optional<Path> defaultTokenizer(String model) throws InfercostException {
    var b = Models.builtin(model);
    if (b.isPresent()) {
      return b.get().tokenizerResource().isEmpty()
          ? Optional.empty()
          : Optional.of(Models.builtinFile(b.get(), b.get().tokenizerResource().get()));
    }
    try {
      Path beside = Path.of(model).toAbsolutePath().resolveSibling("tokenizer.json");
      return Files.isRegularFile(beside) ? Optional.of(beside) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** Outputs of both models on every batch of {@code data}, compared. */
  public static EvalReport evaluate(
      String reference, String candidate, EvalData data, int threads, Consumer<String> progress)
      throws InfercostException {
    return evaluate(reference, candidate, data, threads, MetricSet.none(), progress);
  }

  /**
   * Outputs of both models on every batch of {@code data}, compared, and scored by every task
   * metric of {@code metrics} ({@link EvalReport#metrics()}). Both models run batch by batch side
   * by side, so a metric sees the reference's outputs of the batch it scores and nothing is held
   * beyond the per-sample vectors of the built-in figures.
   *
   * @throws MetricException when a task metric fails at run time (a plug-in's bug)
   */
  public static EvalReport evaluate(
      String reference,
      String candidate,
      EvalData data,
      int threads,
      MetricSet metrics,
      Consumer<String> progress)
      throws InfercostException {
    progress.accept("evaluating " + candidate + " against " + reference + " on " + data.source());
    return evaluate(reference, candidate, data, b -> data.batches().get(b), threads, metrics);
  }

  /**
   * How far {@code model}'s own outputs move when its float inputs move by noise nobody would see
   * ({@link InputNoise}): the model on the moved data compared with itself on the original, as a
   * candidate is (task metrics included). A bound this misses is tighter than the model's own
   * stability.
   */
  public static EvalReport stability(
      String model, InputNoise noise, int threads, MetricSet metrics, Consumer<String> progress)
      throws InfercostException {
    progress.accept(
        "evaluating "
            + model
            + " against itself with its float inputs moved by "
            + noise.describe());
    return evaluate(model, model, noise.original(), noise::moved, threads, metrics);
  }

  /**
   * {@code reference} on {@code data} against {@code candidate} on {@code candidateInputs} of each
   * batch's index: the same batches, or those batches moved ({@link InputNoise}). One runner serves
   * a model compared with itself.
   */
  private static EvalReport evaluate(
      String reference,
      String candidate,
      EvalData data,
      IntFunction<List<Tensor>> candidateInputs,
      int threads,
      MetricSet metrics)
      throws InfercostException {
    ProfileOptions o = ProfileOptions.builder().optThreads(threads).build();
    TaskMetric.Context context =
        new TaskMetric.Context(
            data.source(), data.samples(), data.labels().length > 0, metrics.labels());
    List<Scored> scored = new ArrayList<>();
    for (TaskMetric m : metrics.metrics()) {
      scored.add(new Scored(m, context));
    }
    long tableRows = embeddingRows(reference, data);
    Collected ref = new Collected(tableRows);
    Collected cand = new Collected(tableRows);
    try (ModelRunner r = Profiler.open(reference, o);
        ModelRunner own = candidate.equals(reference) ? null : Profiler.open(candidate, o)) {
      ModelRunner c = own == null ? r : own;
      int first = 0;
      long[] labels = data.labels();
      for (int b = 0; b < data.batches().size(); b++) {
        List<Tensor> batch = data.batches().get(b);
        List<Tensor> ro = r.runAndFetch(batch);
        List<Tensor> co = c.runAndFetch(candidateInputs.apply(b));
        Tensor mask = input(data.maskInput(), batch);
        Tensor ids = input(data.idsInput(), batch);
        ref.add(ro, mask, ids);
        cand.add(co, mask, ids);
        int rows = EvalData.samplesIn(batch);
        long[] l =
            labels.length >= first + rows
                ? Arrays.copyOfRange(labels, first, first + rows)
                : new long[0];
        for (Scored s : scored) {
          s.add(
              new TaskMetric.Batch(
                  first, batch, ro, ro, l, Optional.ofNullable(mask), Optional.ofNullable(ids)),
              new TaskMetric.Batch(
                  first, batch, co, ro, l, Optional.ofNullable(mask), Optional.ofNullable(ids)));
        }
        first += rows;
      }
    }
    List<MetricScore> scores = new ArrayList<>();
    for (Scored s : scored) {
      scores.add(s.score());
    }
    Outputs ro = finished(ref, data);
    return compare(data, ro, finished(cand, data), probabilities(reference, data, ro))
        .withMetrics(scores);
  }

  /** Per-sample vectors of each float output, batch by batch. */
  private static final class Collected {
    private final List<String> names = new ArrayList<>();
    private final List<List<float[]>> vectors = new ArrayList<>();
    private final NextTokens tokens;
    private long[] shape = {};
    private boolean discrete;

    Collected(long embeddingRows) {
      tokens = new NextTokens(embeddingRows);
    }

    void add(List<Tensor> outputs, Tensor mask, Tensor ids) {
      shape = outputs.get(0).shape();
      discrete = decisions(outputs.get(0).dtype());
      // A language model's logits are large: one float copy serves pooling and next tokens.
      float[] first = outputs.get(0).toFloats();
      tokens.add(shape, first, ids, mask);
      for (int k = 0; k < outputs.size(); k++) {
        Tensor y = outputs.get(k);
        if (k > 0 && !isFloat(y.dtype())) {
          continue;
        }
        int at = names.indexOf(y.name());
        if (at < 0) {
          names.add(y.name());
          vectors.add(new ArrayList<>());
          at = names.size() - 1;
        }
        vectors
            .get(at)
            .addAll(
                k == 0 ? perSample(shape, first, mask) : perSample(y.shape(), y.toFloats(), null));
      }
    }

    Outputs outputs(EvalData data) {
      java.util.Map<String, List<float[]>> others = new java.util.LinkedHashMap<>();
      for (int k = 1; k < names.size(); k++) {
        others.put(names.get(k), vectors.get(k));
      }
      Optional<TokenPredictions> predictions = tokens.predictions();
      return new Outputs(
          names.isEmpty() ? "" : names.get(0),
          vectors.isEmpty() ? List.of() : vectors.get(0),
          predictions.isPresent() ? TOKEN_LOGITS : kind(shape, discrete, data),
          others,
          predictions);
    }
  }

  /**
   * One task metric's accumulators for the reference and the candidate. A runtime exception from a
   * metric is a bug in it, not in infercost: it is reported as a {@link MetricException} naming the
   * metric.
   */
  private static final class Scored {
    private final TaskMetric metric;
    private final String data;
    private final TaskMetric.Accumulator reference;
    private final TaskMetric.Accumulator candidate;

    Scored(TaskMetric metric, TaskMetric.Context context) throws InfercostException {
      this.metric = metric;
      this.data = context.data();
      try {
        this.reference = metric.accumulator(context);
        this.candidate = metric.accumulator(context);
      } catch (RuntimeException e) {
        throw failed(e);
      }
    }

    void add(TaskMetric.Batch ref, TaskMetric.Batch cand) throws InfercostException {
      try {
        reference.add(ref);
        candidate.add(cand);
      } catch (RuntimeException e) {
        throw failed(e);
      }
    }

    MetricScore score() throws InfercostException {
      double r;
      double c;
      try {
        r = reference.score();
        c = candidate.score();
      } catch (RuntimeException e) {
        throw failed(e);
      }
      if (!Double.isFinite(r) || !Double.isFinite(c)) {
        throw new MetricException(
            "task metric '"
                + metric.name()
                + "' gave no finite score on "
                + data
                + " (reference "
                + r
                + ", candidate "
                + c
                + ")",
            Parameter.METRIC);
      }
      return MetricScore.of(metric, r, c);
    }

    private MetricException failed(RuntimeException e) {
      return new MetricException(
          "task metric '"
              + metric.name()
              + "' ("
              + metric.getClass().getName()
              + ") failed on "
              + data
              + ": "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + "; this is a bug in the metric (the stack trace shows where)",
          Parameter.METRIC,
          e);
    }
  }

  /**
   * Per-sample output vectors of a model's first output and what kind of output it is, and those of
   * its other float outputs.
   *
   * @param name the first output's name
   * @param vectors one vector per sample (mean-pooled for embeddings)
   * @param kind {@code embedding}, {@code token-logits}, {@code logits} or {@code tensor}
   * @param others per further float output, by name, one vector per sample (whole)
   * @param tokens a language model's next-token predictions (kind {@code token-logits})
   */
  public record Outputs(
      String name,
      List<float[]> vectors,
      String kind,
      java.util.Map<String, List<float[]>> others,
      Optional<TokenPredictions> tokens) {
    public Outputs {
      vectors = List.copyOf(vectors);
      others = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(others));
    }
  }

  /**
   * The output kind of an integer output with one value per sample ({@code [batch]} or {@code
   * [batch, 1]}): a class index (an exported arg-max), compared as a decision (agreement, and
   * accuracy against labels), not as a number.
   */
  static final String CLASS_INDEX = "class-index";

  /**
   * The output kind of any other integer or boolean output (a mask, indices): agreement is the
   * share of its elements that are equal.
   */
  static final String DISCRETE = "discrete";

  /**
   * Whether outputs of kind {@code kind} hold decisions: {@link #CLASS_INDEX}, {@link #DISCRETE}.
   */
  static boolean decisionKind(String kind) {
    return kind.equals(CLASS_INDEX) || kind.equals(DISCRETE);
  }

  private static boolean isFloat(DType t) {
    return t == DType.FLOAT32 || t == DType.FLOAT16 || t == DType.BFLOAT16 || t == DType.FLOAT64;
  }

  /**
   * Whether values of type {@code t} are decisions (class indices, masks) rather than numbers:
   * int32, int64 and bool. 8-bit integers are more often a quantized model's scores, still numbers.
   */
  private static boolean decisions(DType t) {
    return t == DType.INT64 || t == DType.INT32 || t == DType.BOOL;
  }

  /** The output kind of a language model's logits over the token ids of text data. */
  static final String TOKEN_LOGITS = "token-logits";

  /**
   * The output kind of a binary classifier's one score per sample (a cross-encoder's relevance
   * logit, a sigmoid probability) on data labelled with both 0 and 1 and nothing else: class 1 when
   * the score passes 0.5 if a Sigmoid writes it (a probability), else 0 (a logit).
   */
  static final String BINARY_SCORE = "binary-score";

  /**
   * A language model's next-token predictions on text data.
   *
   * @param top1 per sample, the arg-max of the logits at each position the attention mask keeps
   * @param hits positions whose arg-max is the token that follows in the text
   * @param predicted positions that a token follows
   */
  public record TokenPredictions(List<int[]> top1, int hits, int predicted) {
    public TokenPredictions {
      top1 = List.copyOf(top1);
    }

    /** Share of the positions a token follows whose arg-max is that token. */
    public double accuracy() {
      return predicted == 0 ? 0 : (double) hits / predicted;
    }

    /** Share of the positions whose arg-max is {@code other}'s (the same text). */
    public double agreement(TokenPredictions other) {
      long same = 0;
      long all = 0;
      for (int i = 0; i < top1.size(); i++) {
        int[] a = top1.get(i);
        int[] b = other.top1().get(i);
        for (int t = 0; t < a.length; t++) {
          same += a[t] == b[t] ? 1 : 0;
        }
        all += a.length;
      }
      return all == 0 ? 1 : (double) same / all;
    }
  }

  /**
   * A reference model's outputs on {@code data}, computed once: comparing many candidates with it
   * (a search, per-layer sensitivity, the variants of {@code choose}) runs the reference once. For
   * the built-in figures only; task metrics see both models' outputs batch by batch through {@link
   * #evaluate(String, String, EvalData, int, MetricSet, Consumer)}.
   */
  public static Reference reference(String model, EvalData data, int threads)
      throws InfercostException {
    ProfileOptions o = ProfileOptions.builder().optThreads(threads).build();
    long rows = embeddingRows(model, data);
    Outputs out = outputs(model, data, o, rows);
    return new Reference(model, data, out, o, rows, probabilities(model, data, out));
  }

  /**
   * A reference model's outputs on some data; see {@link #reference}.
   *
   * @param model the reference model file
   * @param data what it ran on
   * @param outputs its outputs
   * @param options how candidates are run
   * @param embeddingRows the row count of the embedding table the reference's token ids index (0:
   *     none), which a candidate's logits are held to as the reference's are
   * @param probabilities whether its one score per sample on labelled data is a Sigmoid's (cut at
   *     0.5 for a binary classifier, not at 0), which holds for the candidates too
   */
  public record Reference(
      String model,
      EvalData data,
      Outputs outputs,
      ProfileOptions options,
      long embeddingRows,
      boolean probabilities) {
    /** Runs {@code candidate} on the same data and compares it with the reference. */
    public EvalReport compare(String candidate) throws InfercostException {
      return compare(
          candidate.equals(model)
              ? outputs
              : Evaluator.outputs(candidate, data, options, embeddingRows));
    }

    /** A candidate's outputs on the same data (from {@link Evaluator#outputs}) against these. */
    public EvalReport compare(Outputs candidate) {
      return Evaluator.compare(data, outputs, candidate, probabilities);
    }
  }

  /** Runs {@code model} over every batch of {@code data}. */
  public static Outputs outputs(String model, EvalData data, ProfileOptions o)
      throws InfercostException {
    return outputs(model, data, o, embeddingRows(model, data));
  }

  /** {@link #outputs(String, EvalData, ProfileOptions)} with the table's rows known. */
  private static Outputs outputs(String model, EvalData data, ProfileOptions o, long rows)
      throws InfercostException {
    Collected out = new Collected(rows);
    try (ModelRunner r = Profiler.open(model, o)) {
      for (List<Tensor> batch : data.batches()) {
        out.add(
            r.runAndFetch(batch), input(data.maskInput(), batch), input(data.idsInput(), batch));
      }
    }
    return finished(out, data);
  }

  /** Collected outputs on {@code data}, with labels its logits cannot predict refused. */
  private static Outputs finished(Collected out, EvalData data) throws DataException {
    Outputs result = out.outputs(data);
    checkLabels(data, result);
    return result;
  }

  /**
   * Whether a reference's one score per sample on labelled data ({@code out}) is a probability: a
   * Sigmoid writes it. The graph is read only for such outputs, once per reference.
   */
  private static boolean probabilities(String model, EvalData data, Outputs out)
      throws InfercostException {
    return data.labels().length > 0
        && !out.vectors().isEmpty()
        && out.vectors().stream().allMatch(v -> v.length == 1)
        && sigmoidOutput(model);
  }

  /**
   * Refuses labels a classifier cannot predict: a class index at or beyond the width of its logits
   * would only ever count as wrong.
   */
  private static void checkLabels(EvalData data, Outputs out) throws DataException {
    if (!out.kind().equals("logits") || out.vectors().isEmpty()) {
      return;
    }
    int classes = out.vectors().get(0).length;
    long max = Arrays.stream(data.labels()).max().orElse(-1);
    if (max >= classes) {
      throw new DataException(
          data.source()
              + ": label "
              + max
              + " is no class of the model, whose output '"
              + out.name()
              + "' scores "
              + classes
              + " classes (0 to "
              + (classes - 1)
              + "); give the model's class indices, or its class names in classes.txt beside the"
              + " data",
          Parameter.EVAL_DATA);
    }
  }

  /** Whether {@code model}'s first output is a Sigmoid's, through reshapes and casts. */
  private static boolean sigmoidOutput(String model) throws InfercostException {
    GraphProto g = Models.loadOnnxGraph(Models.resolve(model, ModelFormat.ONNX)).proto().getGraph();
    java.util.Map<String, NodeProto> producer = new java.util.HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      n.getOutputList().forEach(v -> producer.put(v, n));
    }
    List<Op> passThrough =
        List.of(Op.IDENTITY, Op.RESHAPE, Op.SQUEEZE, Op.UNSQUEEZE, Op.FLATTEN, Op.CAST);
    NodeProto n = g.getOutputCount() == 0 ? null : producer.get(g.getOutput(0).getName());
    while (n != null && n.getInputCount() > 0 && passThrough.contains(Op.of(n.getOpType()))) {
      n = producer.get(n.getInput(0));
    }
    return n != null && Op.SIGMOID.is(n.getOpType());
  }

  /**
   * What the first output is: for integer or boolean values ({@code discrete}) {@code class-index}
   * (one per sample) or {@code discrete}; else {@code embedding} (rank 3 with an attention mask),
   * {@code logits} (rank 2 with two classes or more: a [batch, 1] score has no top-1), else {@code
   * tensor}.
   */
  static String kind(long[] shape, boolean discrete, EvalData data) {
    if (discrete) {
      return shape.length == 1 || shape.length == 2 && shape[1] == 1 ? CLASS_INDEX : DISCRETE;
    }
    return shape.length == 3 && data.maskInput().isPresent()
        ? "embedding"
        : shape.length == 2 && shape[1] > 1 ? "logits" : "tensor";
  }

  /**
   * The row count of the embedding table {@code model}'s token-ids input indexes, or 0 (no ids, or
   * no table).
   */
  private static long embeddingRows(String model, EvalData data) throws InfercostException {
    if (data.idsInput().isEmpty()) {
      return 0;
    }
    OnnxModel m = Models.loadOnnxGraph(Models.resolve(model, ModelFormat.ONNX));
    return Inputs.idLimits(m).getOrDefault(data.idsInput().get(), 0L);
  }

  private static Tensor input(Optional<String> name, List<Tensor> batch) {
    return name.flatMap(m -> batch.stream().filter(t -> t.name().equals(m)).findFirst())
        .orElse(null);
  }

  /** Splits a [batch, ...] output into per-sample vectors; rank-3 with a mask is mean-pooled. */
  static List<float[]> perSample(Tensor y, Tensor mask) {
    return perSample(y.shape(), y.toFloats(), mask);
  }

  /** {@link #perSample(Tensor, Tensor)} of an output of shape {@code s} and values {@code v}. */
  private static List<float[]> perSample(long[] s, float[] v, Tensor mask) {
    // A scalar output (Size, a loss) is one sample; an empty batch has none.
    int b = s.length == 0 ? 1 : (int) s[0];
    List<float[]> out = new ArrayList<>();
    if (b == 0) {
      return out;
    }
    int per = v.length / b;
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

  /**
   * {@code cand} against {@code ref}: the figures of the first output, with every float output's
   * cosine in {@link EvalReport#outputs()} and the worst of them as the report's mean and min
   * cosine when there are several.
   */
  static EvalReport compare(EvalData data, Outputs ref, Outputs cand, boolean probabilities) {
    Double ratio = commonRatio(ref.vectors());
    for (List<float[]> other : ref.others().values()) {
      Double r = commonRatio(other);
      ratio = ratio == null ? r : r == null ? ratio : Math.max(ratio, r);
    }
    EvalReport first =
        compare(data, ref.vectors(), cand.vectors(), ref.kind(), probabilities ? 0.5 : 0)
            .withCommonRatio(ratio);
    if (ref.tokens().isPresent() && cand.tokens().isPresent()) {
      TokenPredictions r = ref.tokens().get();
      TokenPredictions c = cand.tokens().get();
      first = first.withNextTokens(r.agreement(c), r.accuracy(), c.accuracy());
    }
    if (ref.others().isEmpty()) {
      return first;
    }
    List<EvalReport.OutputCosine> all = new ArrayList<>();
    all.add(new EvalReport.OutputCosine(ref.name(), first.meanCosine(), first.minCosine()));
    for (var e : ref.others().entrySet()) {
      List<float[]> c = cand.others().get(e.getKey());
      double[] cos = c == null ? new double[] {0, 0} : cosines(e.getValue(), c);
      all.add(new EvalReport.OutputCosine(e.getKey(), cos[0], cos[1]));
    }
    return first.withOutputs(all);
  }

  static EvalReport compare(EvalData data, List<float[]> ref, List<float[]> cand, String kind) {
    return compare(data, ref, cand, kind, 0);
  }

  /**
   * Compares per-sample outputs of kind {@code kind}. One score per sample on data labelled with
   * both 0 and 1 only is a binary classifier's: class 1 above {@code cut} (0 for logits, 0.5 for
   * probabilities).
   */
  static EvalReport compare(
      EvalData data, List<float[]> ref, List<float[]> cand, String kind, double cut) {
    int n = ref.size();
    long[] labels = data.labels();
    boolean labelled = labels.length == n && n > 0;
    boolean binary =
        labelled
            && kind.equals("tensor")
            && ref.stream().allMatch(v -> v.length == 1)
            && Arrays.stream(labels).allMatch(l -> l <= 1)
            && Arrays.stream(labels).distinct().count() == 2;
    String k = binary ? BINARY_SCORE : kind;
    boolean classIndex = kind.equals(CLASS_INDEX);
    ToIntFunction<float[]> decide =
        binary ? v -> v[0] > cut ? 1 : 0 : classIndex ? v -> Math.round(v[0]) : Evaluator::argmax;
    boolean classifier = binary || classIndex || kind.equals("logits");
    double maxAbs = 0;
    int top1 = 0;
    long equal = 0;
    long elements = 0;
    // Per sample, the share of equal values: what stands in for cosine where the values are
    // decisions (a class index's cosine reads 0.97 for a candidate one class off on every sample).
    double shareSum = 0;
    double shareMin = 1;
    for (int i = 0; i < n; i++) {
      float[] a = ref.get(i);
      float[] c = cand.get(i);
      int same = 0;
      for (int j = 0; j < a.length; j++) {
        maxAbs = Math.max(maxAbs, Math.abs(a[j] - c[j]));
        same += a[j] == c[j] ? 1 : 0;
      }
      double share = a.length == 0 ? 1 : (double) same / a.length;
      shareSum += share;
      shareMin = Math.min(shareMin, share);
      equal += same;
      elements += a.length;
      if (decide.applyAsInt(a) == decide.applyAsInt(c)) {
        top1++;
      }
    }
    Double nn = kind.equals("embedding") && n > 1 ? nnAgreement(ref, cand) : null;
    Double refAcc = null;
    Double candAcc = null;
    Double margin = null;
    if (labelled && classifier) {
      int r = 0;
      int c = 0;
      int onlyRef = 0;
      int onlyCand = 0;
      for (int i = 0; i < n; i++) {
        boolean a = decide.applyAsInt(ref.get(i)) == labels[i];
        boolean b = decide.applyAsInt(cand.get(i)) == labels[i];
        r += a ? 1 : 0;
        c += b ? 1 : 0;
        onlyRef += a && !b ? 1 : 0;
        onlyCand += b && !a ? 1 : 0;
      }
      refAcc = (double) r / n;
      candAcc = (double) c / n;
      margin = dropMargin(onlyRef, onlyCand, n);
    }
    double[] cos =
        decisionKind(kind)
            ? new double[] {n == 0 ? 1 : shareSum / n, shareMin}
            : cosines(ref, cand);
    return new EvalReport(
            data.source(),
            n,
            k,
            cos[0],
            cos[1],
            maxAbs,
            classifier
                ? (Double) ((double) top1 / n)
                : kind.equals(DISCRETE)
                    ? (Double) (elements == 0 ? 1 : (double) equal / elements)
                    : null,
            nn,
            refAcc,
            candAcc,
            refAcc == null ? null : refAcc - candAcc)
        .withAccuracyDropMargin(margin);
  }

  /**
   * Half the width of the 95% confidence interval of an accuracy drop over {@code n} paired
   * samples, {@code b} of which only the reference gets right and {@code c} only the candidate:
   * Agresti and Min's interval for a difference of paired proportions (the Wald interval with half
   * a sample added to each cell of the 2×2 table), 1.96 · √(b' + c' − (b' − c')² / n') / n' with b'
   * = b + ½, c' = c + ½, n' = n + 2. The plain Wald interval is 0 when no sample differs, however
   * few were compared.
   */
  static double dropMargin(int b, int c, int n) {
    double b1 = b + 0.5;
    double c1 = c + 0.5;
    double n1 = n + 2;
    return 1.96 * Math.sqrt(b1 + c1 - (b1 - c1) * (b1 - c1) / n1) / n1;
  }

  /**
   * The energy of what {@code samples} share (their mean vector) over the mean energy of what
   * varies between them (each minus the mean); {@code null} for fewer than 2 samples, samples of
   * different sizes, or samples that do not vary at all.
   */
  static Double commonRatio(List<float[]> samples) {
    int n = samples.size();
    if (n < 2 || samples.stream().anyMatch(v -> v.length != samples.get(0).length)) {
      return null;
    }
    double[] mean = new double[samples.get(0).length];
    for (float[] v : samples) {
      for (int k = 0; k < mean.length; k++) {
        mean[k] += v[k] / (double) n;
      }
    }
    double common = 0;
    for (double m : mean) {
      common += m * m;
    }
    double varying = 0;
    for (float[] v : samples) {
      for (int k = 0; k < mean.length; k++) {
        double d = v[k] - mean[k];
        varying += d * d / n;
      }
    }
    return varying == 0 ? null : common / varying;
  }

  /**
   * Mean and min per-sample cosine of {@code cand} to {@code ref} ({1, 1} for no samples). Where
   * every sample is one number (a probability, a regression target: [batch, 1] or [batch]), a
   * sample's cosine is only its sign, so both are the cosine of the whole column instead.
   */
  static double[] cosines(List<float[]> ref, List<float[]> cand) {
    if (!ref.isEmpty() && ref.stream().allMatch(v -> v.length == 1)) {
      float[] a = new float[ref.size()];
      float[] c = new float[ref.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = ref.get(i)[0];
        c[i] = cand.get(i)[0];
      }
      double cos = cosine(a, c);
      return new double[] {cos, cos};
    }
    double sum = 0;
    double min = 1;
    for (int i = 0; i < ref.size(); i++) {
      double cos = cosine(ref.get(i), cand.get(i));
      sum += cos;
      min = Math.min(min, cos);
    }
    return new double[] {ref.isEmpty() ? 1 : sum / ref.size(), min};
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

  static int argmax(float[] v) {
    return argmax(v, 0, v.length);
  }

  /** The arg-max of {@code x[from .. from + n)}, relative to {@code from}. */
  static int argmax(float[] x, int from, int n) {
    int best = 0;
    for (int k = 1; k < n; k++) {
      if (x[from + k] > x[from + best]) {
        best = k;
      }
    }
    return best;
  }

  /** Share of samples whose cosine nearest neighbour (others only) is the same in both spaces. */
  static double nnAgreement(List<float[]> ref, List<float[]> cand) {
    int agree = 0;
    for (boolean same : Neighbours.agreement(ref, cand)) {
      agree += same ? 1 : 0;
    }
    return (double) agree / ref.size();
  }
}
