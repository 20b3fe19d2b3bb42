package dev.infercost.compress;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.infercost.base.Parameter;
import dev.infercost.compress.internal.ActivationRanges;
import dev.infercost.compress.internal.AffineFoldPass;
import dev.infercost.compress.internal.Calibrator;
import dev.infercost.compress.internal.CanonicalizePass;
import dev.infercost.compress.internal.ChannelGroups;
import dev.infercost.compress.internal.ChannelPlan;
import dev.infercost.compress.internal.ChannelPrunePass;
import dev.infercost.compress.internal.ChannelStats;
import dev.infercost.compress.internal.CpuQdqPass;
import dev.infercost.compress.internal.DqClipFoldPass;
import dev.infercost.compress.internal.DqMoveFoldPass;
import dev.infercost.compress.internal.DqScaleFoldPass;
import dev.infercost.compress.internal.DqShiftFoldPass;
import dev.infercost.compress.internal.DynamicAttentionPass;
import dev.infercost.compress.internal.DynamicLstmPass;
import dev.infercost.compress.internal.DynamicMatMulPass;
import dev.infercost.compress.internal.EncoderPrunePass;
import dev.infercost.compress.internal.EncoderStructures;
import dev.infercost.compress.internal.Fp16Pass;
import dev.infercost.compress.internal.GatherWeightPass;
import dev.infercost.compress.internal.Graphs;
import dev.infercost.compress.internal.InSubgraphs;
import dev.infercost.compress.internal.OpsetUpgrade;
import dev.infercost.compress.internal.PrunePlanner;
import dev.infercost.compress.internal.PruneStatistics;
import dev.infercost.compress.internal.QdqPass;
import dev.infercost.compress.internal.ShareInitializersPass;
import dev.infercost.compress.internal.SmoothQuantPass;
import dev.infercost.compress.internal.SparsityPass;
import dev.infercost.compress.internal.Widening;
import dev.infercost.models.LocalFunctions;
import dev.infercost.models.ModelException;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Sparsifier;
import dev.infercost.models.SparsityOptions;
import dev.infercost.models.SparsityReport;
import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compression entry point: runs passes in order, checks that ONNX Runtime loads the result, and
 * records provenance in the model's {@code metadata_props}. Every pipeline here runs {@link
 * #canonicalize()} first, so weights an exporter put in Constant nodes or behind Cast, Transpose
 * and the like are quantized too.
 *
 * <pre>{@code
 * CompressResult r = Compressor.quantizeDynamic(Models.loadOnnx(path), QuantOptions.defaults());
 * Models.saveOnnx(r.model(), out);
 * }</pre>
 */
public final class Compressor {
  private Compressor() {}

  /**
   * Dynamic int8: MatMul/Gemm and LSTM weights int8, activations quantized per call, embeddings
   * 8-bit. With calibration batches (model inputs) and {@code smoothAlpha > 0}, activation outliers
   * are first migrated into the weights (SmoothQuant).
   */
  public static CompressResult quantizeDynamic(
      OnnxModel model, QuantOptions o, List<List<Tensor>> calibration) throws CompressException {
    PassResult canonical = widened(canonical(model, PassContext.of(o.filter())));
    if (Graphs.hasWeighted(canonical.model().getGraph())) {
      // DynamicQuantizeLinear came with opset 11.
      canonical = upgraded(canonical, 11, "int8-dynamic", model, Map.of());
    }
    PassContext smoothing = smoothing(canonical.model(), o, calibration, true);
    List<Pass> passes = new ArrayList<>();
    if (smoothing != null) {
      passes.add(new SmoothQuantPass(true));
    }
    Stream.of(new DynamicMatMulPass(), new DynamicAttentionPass(), new DynamicLstmPass())
        .map(InSubgraphs::new)
        .forEach(passes::add);
    if (o.embeddings()) {
      passes.add(new InSubgraphs(new GatherWeightPass()));
    }
    PassContext ctx = smoothing != null ? smoothing : context(o, Map.of(), Map.of());
    return chain(
        model,
        List.of(canonicalize()),
        List.of(canonical),
        passes,
        ctx,
        options(o, smoothing != null, calibration.size()));
  }

  /**
   * Static int8 in QDQ form for GPUs with int8 tensor cores (TensorRT): MatMul/Gemm/Conv inputs
   * quantized with scales calibrated on {@code calibration} (required), weights int8 per output
   * channel over the full 8 bits ({@code reducedRange} and {@code embeddings} do not apply). With
   * {@code smoothAlpha != 0}, SmoothQuant runs first and the activations are calibrated after it.
   * Models below opset 13 are upgraded for per-channel scales. ONNX Runtime's CPU provider runs the
   * result too, which is how its fidelity is checked without a GPU.
   */
  public static CompressResult quantizeStatic(
      OnnxModel model, QuantOptions o, List<List<Tensor>> calibration) throws CompressException {
    if (calibration.isEmpty()) {
      throw new CompressException(
          model.displayName() + ": static int8 needs calibration data; pass calibration data",
          Parameter.CALIBRATION_DATA);
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    calibration.get(0).forEach(t -> shapes.put(t.name(), t.shape()));
    PassResult canonical =
        upgraded(
            widened(canonical(model, PassContext.of(o.filter()))), 10, "int8-qdq", model, shapes);
    PassContext smoothing = smoothing(canonical.model(), o, calibration, false);
    List<Pass> passes = new ArrayList<>(List.of(canonicalize()));
    List<PassResult> results = new ArrayList<>(List.of(canonical));
    Upgraded up = upgradeForPerChannel(canonical.model(), o.perChannel(), model, shapes);
    ModelProto p = up.model();
    String upgrade = up.note();
    if (smoothing != null) {
      Pass s = new SmoothQuantPass();
      passes.add(s);
      results.add(s.apply(p, smoothing));
      p = results.get(results.size() - 1).model();
    }
    PassContext plain = context(o, Map.of(), Map.of());
    var ranges = ActivationRanges.observe(p, QdqPass.activations(p.getGraph(), plain), calibration);
    Pass q = new QdqPass();
    passes.add(q);
    results.add(q.apply(p, context(o, ranges.channelMax(), ranges.samples())));
    Map<String, String> options = options(o, smoothing != null, calibration.size());
    options.remove("reduced_range");
    options.put("activations", "static, per tensor, clip minimizing squared error");
    options.put("opset_upgrade", upgrade);
    return finish(model, passes, results, options);
  }

  /**
   * Runs {@code model} once over {@code batches} (model inputs; an {@link Iterable} that loads them
   * lazily keeps memory bounded on large sets) and keeps, for each float activation static int8 may
   * quantize, its min, max and a fixed-size histogram. Pass the result to {@link
   * #quantizeStaticCpu} as often as needed: it never runs the model again.
   */
  public static CalibrationStats calibrate(OnnxModel model, Iterable<List<Tensor>> batches)
      throws CompressException {
    // The activations the passes see: local functions' bodies expanded as canonicalize does.
    ModelProto p = Widening.widen(LocalFunctions.expand(model.proto()).model()).model();
    var seen =
        Calibrator.observe(
            p, CpuQdqPass.calibrated(p.getGraph()), CpuQdqPass.convInputs(p.getGraph()), batches);
    if (seen.batches() == 0) {
      throw new CompressException(
          model.displayName() + ": static int8 needs calibration data; pass calibration data",
          Parameter.CALIBRATION_DATA);
    }
    return new CalibrationStats(
        sha256(model, model.proto()),
        seen.histograms(),
        seen.batches(),
        seen.inputShapes(),
        seen.means());
  }

  /**
   * Static int8 for ONNX Runtime's CPU provider: BatchNormalization and Mul / Add by per-channel
   * constants folded into the Conv before them, then QDQ laid out so that ONNX Runtime fuses it
   * into integer kernels (QLinearConv, QLinearMatMul / MatMulIntegerToFloat, QGemm, QLinearAdd /
   * Mul / Concat / GlobalAveragePool, and uint8 MaxPool / Reshape / Transpose / Flatten, with Relu
   * and Clip folded into the quantization before them). Activations asymmetric uint8 per tensor,
   * clipped by {@code o.method()} over {@code stats}; weights symmetric int8 per output channel
   * (7-bit with {@code reducedRange}); biases int32 at input scale × weight scale, each Conv's
   * corrected for the mean error its int8 weights make on the calibration data ({@code
   * o.biasCorrection()}), and each weight scale raised where a bias would not fit int32. LSTMs,
   * which have no static integer kernel, get int8-dynamic's {@code DynamicQuantizeLSTM} (a CRNN's
   * recurrent head after its Conv stack). Gather tables (embeddings) are stored 8-bit as
   * int8-dynamic stores them ({@code o.embeddings()}). Models below opset 13 are upgraded for
   * per-channel scales. The model is not run: {@code stats} must come from {@link #calibrate} on
   * this same model.
   */
  public static CompressResult quantizeStaticCpu(
      OnnxModel model, StaticOptions o, CalibrationStats stats) throws CompressException {
    String sha = sha256(model, model.proto());
    if (!sha.equals(stats.modelSha256())) {
      throw new IllegalArgumentException(
          model.displayName()
              + ": the calibration statistics were collected on another model; run"
              + " Compressor.calibrate on this one");
    }
    PassResult canonical =
        upgraded(
            widened(canonical(model, PassContext.of(o.filter()))),
            10,
            "int8-static",
            model,
            stats.inputShapes());
    Upgraded up =
        upgradeForPerChannel(canonical.model(), o.perChannel(), model, stats.inputShapes());
    PassContext ctx =
        PassContext.builder(o.filter())
            .optPerChannel(o.perChannel())
            .optReducedRange(o.reducedRange())
            .optActivationRange(stats.ranges(o))
            .optActivationMean(o.biasCorrection() ? stats.channelMeans() : Map.of())
            .build();
    List<Pass> steps =
        new ArrayList<>(
            List.of(
                new AffineFoldPass(),
                new CpuQdqPass(),
                new DqScaleFoldPass(),
                new DqShiftFoldPass(),
                new DqClipFoldPass(),
                new DqMoveFoldPass(),
                new InSubgraphs(new DynamicAttentionPass()),
                new InSubgraphs(new DynamicLstmPass())));
    if (o.embeddings()) {
      steps.add(new InSubgraphs(new GatherWeightPass()));
    }
    List<Pass> passes = new ArrayList<>(List.of(canonicalize()));
    passes.addAll(steps);
    List<PassResult> results = new ArrayList<>(List.of(canonical));
    ModelProto p = up.model();
    for (Pass pass : steps) {
      PassResult r = pass.apply(p, ctx);
      results.add(r);
      p = r.model();
    }
    Map<String, String> options = new LinkedHashMap<>();
    options.put("calibration_method", o.method().name().toLowerCase(java.util.Locale.ROOT));
    if (o.method() == CalibrationMethod.PERCENTILE) {
      options.put("percentile", Double.toString(o.percentile()));
    }
    options.put("per_channel", Boolean.toString(o.perChannel()));
    options.put("reduced_range", Boolean.toString(o.reducedRange()));
    options.put("activations", "uint8 asymmetric, per tensor");
    options.put("bias_correction", Boolean.toString(o.biasCorrection()));
    options.put("embeddings", Boolean.toString(o.embeddings()));
    options.put("calibration_batches", Integer.toString(stats.batches()));
    options.put("include", String.join(",", o.filter().include()));
    options.put("exclude", String.join(",", o.filter().exclude()));
    options.put("opset_upgrade", up.note());
    return finish(model, passes, results, options);
  }

  /**
   * Zeroes weights of the MatMul, Gemm and Conv initializers (after {@link #canonicalize()}) as
   * {@code o} says: unstructured or 2:4 along the input dimension, by magnitude or, with {@link
   * SparsityOptions.Importance#ACTIVATION}, by |w| × the L2 norm of its input feature over {@code
   * calibration} (model inputs; read once). Nodes and shapes do not change, so ONNX Runtime's dense
   * kernels run exactly as fast as before: the report says so and gives the deflated (zip) size
   * before and after, the real saving; for 2:4 it adds the sparse-tensor-core speed-up as a
   * labelled estimate. {@code o.exclude()} is read as a {@link NodeFilter} exclusion list.
   *
   * @throws CompressException when the model has no weight to sparsify, or activation-aware
   *     importance has no calibration data
   */
  public static SparsityResult sparsify(
      OnnxModel model, SparsityOptions o, List<List<Tensor>> calibration) throws CompressException {
    NodeFilter filter = NodeFilter.all().excluding(o.exclude());
    PassContext ctx = PassContext.of(filter);
    PassResult canonical = widened(canonical(model, ctx));
    ModelProto p = canonical.model();
    List<SparsityPass.Feature> features = SparsityPass.features(p, filter);
    if (features.isEmpty()) {
      throw new CompressException(
          model.displayName()
              + ": no weight to sparsify: looked for MatMul, Gemm and Conv nodes with float32"
              + " constant weights"
              + (o.exclude().isEmpty() ? "" : " not excluded")
              + "; pass a model with such layers",
          o.exclude().isEmpty() ? Parameter.MODEL : Parameter.EXCLUDE);
    }
    boolean aware = o.importance() == SparsityOptions.Importance.ACTIVATION;
    if (aware && calibration.isEmpty()) {
      throw new CompressException(
          model.displayName()
              + ": activation-aware sparsity needs calibration data; pass calibration data, or"
              + " rank weights by magnitude",
          Parameter.CALIBRATION_DATA);
    }
    Map<SparsityPass.Feature, double[]> sums =
        aware ? featureSquares(p, features, calibration) : Map.of();
    SparsityPass pass = new SparsityPass(o, sums);
    SparsityPass.Outcome out = pass.sparsify(p, filter);
    Map<String, String> options = new LinkedHashMap<>();
    options.put("sparsity", Double.toString(o.sparsity()));
    options.put("sparsity_pattern", o.pattern().spelling());
    options.put("importance", o.importance().name().toLowerCase(java.util.Locale.ROOT));
    options.put("scope", o.scope().name().toLowerCase(java.util.Locale.ROOT));
    options.put("calibration_batches", Integer.toString(aware ? calibration.size() : 0));
    options.put("exclude", String.join(",", o.exclude()));
    CompressResult r =
        finish(model, List.of(canonicalize(), pass), List.of(canonical, out.result()), options);
    byte[] after = r.model().proto().toByteArray();
    SparsityReport report =
        new SparsityReport(
            model.displayName(),
            o,
            out.sparsity().layers(),
            out.result().skipped(),
            aware ? calibration.size() : 0,
            after.length,
            Sparsifier.deflatedSize(model.proto().toByteArray()),
            Sparsifier.deflatedSize(after));
    return new SparsityResult(r, report);
  }

  /**
   * Per feature of each activation, the sum of squares of its values over all batches (rows,
   * tokens, spatial positions): Wanda's ‖X_j‖², accumulated so memory stays one batch.
   */
  private static Map<SparsityPass.Feature, double[]> featureSquares(
      ModelProto p, List<SparsityPass.Feature> features, List<List<Tensor>> calibration)
      throws CompressException {
    Map<String, List<SparsityPass.Feature>> byTensor = new LinkedHashMap<>();
    features.forEach(f -> byTensor.computeIfAbsent(f.tensor(), k -> new ArrayList<>()).add(f));
    Map<SparsityPass.Feature, double[]> sums = new LinkedHashMap<>();
    Calibrator.run(
        p,
        byTensor.keySet(),
        calibration,
        (name, t) -> {
          long[] shape = t.getInfo().getShape();
          java.nio.FloatBuffer v = t.getFloatBuffer();
          for (SparsityPass.Feature f : byTensor.get(name)) {
            int axis = f.channelAxis() ? 1 : shape.length - 1;
            int n = (int) shape[axis];
            long inner = 1;
            for (int k = axis + 1; k < shape.length; k++) {
              inner *= shape[k];
            }
            double[] s = sums.computeIfAbsent(f, k -> new double[n]);
            for (int i = 0; i < v.limit(); i++) {
              double x = v.get(i);
              s[(int) ((i / inner) % n)] += x * x;
            }
          }
        });
    return sums;
  }

  /**
   * A model ready for per-channel scales, and what the upgrade changed ("none", "refused: ...").
   */
  private record Upgraded(ModelProto model, String note) {}

  private static Upgraded upgradeForPerChannel(
      ModelProto p, boolean perChannel, OnnxModel model, Map<String, long[]> shapes) {
    long opset = OpsetUpgrade.opset(p);
    if (!perChannel || opset < 10 || opset >= OpsetUpgrade.TARGET) {
      return new Upgraded(p, "none");
    }
    // Upgraded here, where the calibration batches give shapes, so that a Softmax over the last
    // axis stays one node; the pass would wrap it in Flatten/Reshape.
    OpsetUpgrade.Outcome up = OpsetUpgrade.to13(p, model.valueShapes(shapes));
    if (up.model() != null) {
      return new Upgraded(
          up.model(), "opset " + opset + " -> " + OpsetUpgrade.TARGET + " (" + up.changes() + ")");
    }
    return new Upgraded(p, "refused: " + up.refused() + " (weights get one scale per tensor)");
  }

  private static PassContext context(
      QuantOptions o, Map<String, float[]> max, Map<String, List<float[]>> samples) {
    return PassContext.builder(o.filter())
        .optPerChannel(o.perChannel())
        .optReducedRange(o.reducedRange())
        .optSmoothAlpha(o.smoothAlpha())
        .optActivationMax(max)
        .optActivationSamples(samples)
        .build();
  }

  /**
   * The context SmoothQuant needs (calibrated per-channel statistics of the activations it may
   * smooth), or {@code null} when smoothing is off, there is no calibration data or nothing to
   * smooth.
   */
  private static PassContext smoothing(
      ModelProto model, QuantOptions o, List<List<Tensor>> calibration, boolean attention)
      throws CompressException {
    var activations =
        SmoothQuantPass.candidates(model.getGraph(), context(o, Map.of(), Map.of()), attention)
            .keySet();
    if (o.smoothAlpha() == 0 || calibration.isEmpty() || activations.isEmpty()) {
      return null;
    }
    var seen = ActivationRanges.observe(model, activations, calibration);
    return context(o, seen.channelMax(), seen.samples());
  }

  private static Map<String, String> options(QuantOptions o, boolean smooth, int calibration) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("per_channel", Boolean.toString(o.perChannel()));
    options.put("reduced_range", Boolean.toString(o.reducedRange()));
    options.put(
        "smooth_alpha",
        !smooth
            ? "off"
            : o.smoothAlpha() == PassContext.AUTO_ALPHA
                ? "auto"
                : Double.toString(o.smoothAlpha()));
    options.put("calibration_batches", Integer.toString(calibration));
    options.put("include", String.join(",", o.filter().include()));
    options.put("exclude", String.join(",", o.filter().exclude()));
    return options;
  }

  /**
   * Structured pruning of whatever the model has: encoder blocks (feed-forward neurons and
   * attention heads, {@link #prune}) when it has any, else Conv channels ({@link #pruneChannels}),
   * {@code ratio} of the prunable MACs removed either way.
   *
   * @throws CompressException when the model has neither, naming what was looked for
   */
  public static CompressResult pruneStructured(
      OnnxModel model, double ratio, NodeFilter filter, List<List<Tensor>> calibration)
      throws CompressException {
    PassResult canonical = widened(canonical(model, PassContext.of(filter)));
    if (!EncoderStructures.find(canonical.model().getGraph(), filter, true, true)
        .blocks()
        .isEmpty()) {
      return prune(model, PruneOptions.builder(ratio).optFilter(filter).build(), calibration);
    }
    try {
      return pruneChannels(
          model, ChannelPruneOptions.builder(ratio).optFilter(filter).build(), calibration);
    } catch (CompressException e) {
      if (e.hint().orElse(null) != Parameter.MODEL) {
        throw e;
      }
      throw new CompressException(
          model.displayName()
              + ": nothing to prune: no encoder blocks ("
              + EncoderStructures.LOOKED_FOR
              + ") and "
              + e.getMessage().substring(e.getMessage().indexOf(": ") + 2),
          Parameter.MODEL,
          e);
    }
  }

  /**
   * Structured pruning of a transformer encoder, post-training: removes feed-forward intermediate
   * neurons and attention heads so that the weight matrices really shrink. The blocks are found
   * from the graph's shape (see {@code compress/README.md}); the model runs once over {@code
   * calibration} (model inputs; an {@link Iterable} that loads them lazily keeps memory bounded) to
   * score every unit, {@code o.ratio()} of the prunable MACs is removed where it disturbs the
   * residual stream least, across all layers at once, and each pruned layer's consumer weights are
   * re-fit by least squares to the original outputs. The pass result's notes give the cut of every
   * block (kept/removed units, MACs per token before and after). Same model, options and
   * calibration: byte-identical output.
   *
   * @throws CompressException without calibration data, or when the model has no block to prune
   */
  public static CompressResult prune(
      OnnxModel model, PruneOptions o, Iterable<List<Tensor>> calibration)
      throws CompressException {
    PassContext ctx = PassContext.of(o.filter());
    PassResult canonical = widened(canonical(model, ctx));
    ModelProto p = canonical.model();
    EncoderStructures.Found found =
        EncoderStructures.find(p.getGraph(), o.filter(), o.ffn(), o.heads());
    if (found.blocks().isEmpty()) {
      String why = found.skipped().isEmpty() ? "" : " (" + found.skipped().get(0) + ")";
      throw new CompressException(
          model.displayName()
              + ": nothing to prune: found no "
              + EncoderStructures.LOOKED_FOR
              + why,
          found.skipped().isEmpty() ? Parameter.MODEL : Parameter.EXCLUDE);
    }
    PruneStatistics.Collected seen = PruneStatistics.collect(p, found.blocks(), calibration);
    if (seen.batches() == 0) {
      throw new CompressException(
          model.displayName() + ": pruning needs calibration data; pass calibration data",
          Parameter.CALIBRATION_DATA);
    }
    PrunePlanner.Plan plan =
        PrunePlanner.plan(
            found.blocks(),
            seen.moments(),
            dev.infercost.compress.internal.Graphs.initializers(p.getGraph()),
            o);
    Pass prune = new EncoderPrunePass(plan, o.ratio());
    PassResult pruned = prune.apply(p, ctx);
    pruned =
        new PassResult(
            pruned.pass(), pruned.model(), pruned.rewritten(), found.skipped(), pruned.notes());
    Map<String, String> options = new LinkedHashMap<>();
    options.put("prune_ratio", Double.toString(o.ratio()));
    options.put("prune_ffn", Boolean.toString(o.ffn()));
    options.put("prune_heads", Boolean.toString(o.heads()));
    options.put("reconstruct", Boolean.toString(o.reconstruct()));
    options.put("min_keep", Double.toString(o.minKeep()));
    options.put("calibration_batches", Integer.toString(seen.batches()));
    options.put("include", String.join(",", o.filter().include()));
    options.put("exclude", String.join(",", o.filter().exclude()));
    return finish(model, List.of(canonicalize(), prune), List.of(canonical, pruned), options);
  }

  /**
   * Structured channel pruning of a CNN, post-training: removes whole Conv output channels (with
   * the BatchNormalization entries, depthwise filters and consumers' input channels that go with
   * them) so the matrices really shrink. Channels tied by Add/Mul (residual connections) or laid
   * side by side by Concat are pruned together; a group reaching anything the walk does not follow
   * is left whole and listed with the reason in the pass's {@code skipped}. Channels are scored on
   * {@code calibration} (model inputs, read once; running sums only) by activation variance × the
   * squared norm of the consumer weights reading them, ranked globally after dividing by each
   * group's mean, and removed lowest first until {@code o.ratio()} of the prunable layers' MACs are
   * gone, each group keeping at least {@code o.minKeep()} of its channels; the removed channels'
   * mean contribution is folded into the consumers' biases. The pass's notes give kept/removed
   * channels per group and MACs per sample before/after per layer and in total. Same input, same
   * output, byte for byte.
   *
   * @throws CompressException without calibration data, or when the model has no prunable group
   */
  public static CompressResult pruneChannels(
      OnnxModel model, ChannelPruneOptions o, Iterable<List<Tensor>> calibration)
      throws CompressException {
    Iterator<List<Tensor>> it = calibration.iterator();
    if (!it.hasNext()) {
      throw new CompressException(
          model.displayName() + ": channel pruning needs calibration data; pass calibration data",
          Parameter.CALIBRATION_DATA);
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Tensor t : it.next()) {
      long[] s = t.shape().clone();
      if (s.length > 0) {
        s[0] = 1; // MACs per sample
      }
      shapes.put(t.name(), s);
    }
    PassContext ctx = PassContext.of(o.filter());
    PassResult canonical = widened(canonical(model, ctx));
    ModelProto p = canonical.model();
    ChannelGroups groups =
        ChannelGroups.find(p.getGraph(), OnnxModel.of(p).valueShapes(shapes), o.filter());
    List<Integer> prunable =
        groups.groups().stream().filter(r -> groups.reasons(r).isEmpty()).toList();
    if (prunable.isEmpty()) {
      String why =
          groups.groups().isEmpty()
              ? "it has no Conv with constant weights"
              : groups.label(groups.groups().get(0))
                  + ": "
                  + groups.reasons(groups.groups().get(0)).get(0);
      throw new CompressException(
          model.displayName()
              + ": no prunable Conv channels (looked for Conv output channels read by Conv, Gemm"
              + " or MatMul through BatchNormalization, activations, pooling, Add/Mul, Concat and"
              + " Flatten; "
              + why
              + "); prune another model or compress without pruning",
          Parameter.MODEL);
    }
    Set<String> observed = new LinkedHashSet<>();
    for (var s : groups.sinks()) {
      if (s.layout().segments().stream()
          .anyMatch(x -> groups.reasons(groups.group(x.space())).isEmpty())) {
        observed.add(s.value());
      }
    }
    ChannelStats.Observed stats = ChannelStats.observe(p, observed, calibration);
    ChannelPlan plan =
        ChannelPlan.choose(p.getGraph(), groups, stats.sums(), o.ratio(), o.minKeep());
    Map<String, String> options = new LinkedHashMap<>();
    options.put("prune_ratio", Double.toString(o.ratio()));
    options.put("prune_min_keep", Double.toString(o.minKeep()));
    options.put("prune_compensate", Boolean.toString(o.compensate()));
    options.put("prune_importance", "activation variance x consumer weight norm^2, global");
    options.put("calibration_batches", Integer.toString(stats.batches()));
    options.put("include", String.join(",", o.filter().include()));
    options.put("exclude", String.join(",", o.filter().exclude()));
    return chain(
        model,
        List.of(canonicalize()),
        List.of(canonical),
        List.of(new ChannelPrunePass(plan, o.compensate())),
        ctx,
        options);
  }

  /**
   * float32 → float16 for GPU inference (CUDA, TensorRT): weights and activations float16 except
   * the fp32 islands (block-listed ops, nodes the filter rejects) with Casts around them; graph
   * inputs and outputs stay float32 with {@code keepIo}. The result is checked structurally (every
   * value defined before use, float types consistent at every node) and, like every compressed
   * model, loaded by ONNX Runtime. The CPU build loads and runs it, computing the ops it has no
   * float16 kernel for (MatMul, Gemm, Conv, Add, Mul, ...) in float32 behind Casts it inserts, so
   * CPU runs check fidelity, not float16 speed.
   */
  public static CompressResult toFp16(OnnxModel model, Fp16Options o) throws CompressException {
    PassContext ctx = PassContext.of(o.filter());
    Map<String, String> options = new LinkedHashMap<>();
    options.put("keep_io", Boolean.toString(o.keepIo()));
    options.put("block_list", String.join(",", o.blockList()));
    options.put("include", String.join(",", o.filter().include()));
    options.put("exclude", String.join(",", o.filter().exclude()));
    return chain(
        model,
        List.of(canonicalize()),
        List.of(canonical(model, ctx)),
        List.of(new Fp16Pass(o.blockList(), o.keepIo())),
        ctx,
        options);
  }

  /**
   * Runs {@code passes} in order on {@code model} as given: no canonicalization first (add {@link
   * #canonicalize()} in front for exports whose weights sit in Constant nodes).
   */
  public static CompressResult run(
      OnnxModel model, List<Pass> passes, PassContext ctx, Map<String, String> options)
      throws CompressException {
    return chain(model, List.of(), List.of(), passes, ctx, options);
  }

  /**
   * The pass every built-in pipeline runs first: Constant nodes to initializers, constant-only
   * nodes folded by ONNX Runtime, initializers dropped from the graph inputs (see the README).
   */
  public static Pass canonicalize() {
    return new CanonicalizePass();
  }

  /** {@code model} canonicalized: the first result of every built-in pipeline. */
  private static PassResult canonical(OnnxModel model, PassContext ctx) throws CompressException {
    ctx.filter().checkIncludes(model);
    return canonicalize().apply(model.proto(), ctx);
  }

  /**
   * {@code canonical} in float32 when it computes in float16 or bfloat16 ({@link Widening}), the
   * widening noted in the canonicalize result: the int8 passes read float32 weights.
   */
  private static PassResult widened(PassResult canonical) {
    Widening.Outcome w = Widening.widen(canonical.model());
    if (w.note() == null) {
      return canonical;
    }
    List<String> notes = new ArrayList<>(canonical.notes());
    notes.add(w.note());
    return new PassResult(
        canonical.pass(), w.model(), canonical.rewritten(), canonical.skipped(), notes);
  }

  /**
   * {@code canonical} moved to opset 13 when its opset is below {@code min}, the first with the
   * operators {@code method} writes; the upgrade is noted in the canonicalize result. Refused, with
   * the node or opset named, where the upgrade is not well defined.
   */
  private static PassResult upgraded(
      PassResult canonical, long min, String method, OnnxModel model, Map<String, long[]> shapes)
      throws CompressException {
    long opset = OpsetUpgrade.opset(canonical.model());
    if (opset >= min) {
      return canonical;
    }
    OpsetUpgrade.Outcome up = OpsetUpgrade.to13(canonical.model(), model.valueShapes(shapes));
    if (up.model() == null) {
      throw new CompressException(
          model.displayName()
              + ": "
              + method
              + " needs opset "
              + min
              + " or later and this opset "
              + opset
              + " model cannot be upgraded ("
              + up.refused()
              + "); re-export it at opset 13 or later");
    }
    List<String> notes = new ArrayList<>(canonical.notes());
    notes.add("opset " + opset + " -> " + OpsetUpgrade.TARGET + " (" + up.changes() + ")");
    return new PassResult(
        canonical.pass(), up.model(), canonical.rewritten(), canonical.skipped(), notes);
  }

  /**
   * Runs {@code passes} after {@code done}, which gave {@code results}, starting from the last of
   * them (or {@code model} itself when there is none).
   */
  private static CompressResult chain(
      OnnxModel model,
      List<Pass> done,
      List<PassResult> results,
      List<Pass> passes,
      PassContext ctx,
      Map<String, String> options)
      throws CompressException {
    List<Pass> all = new ArrayList<>(done);
    List<PassResult> out = new ArrayList<>(results);
    ModelProto p = out.isEmpty() ? model.proto() : out.get(out.size() - 1).model();
    for (Pass pass : passes) {
      PassResult r = pass.apply(p, ctx);
      all.add(pass);
      out.add(r);
      p = r.model();
    }
    return finish(model, all, out, options);
  }

  /**
   * The last result of {@code passes} with identical weight copies stored once ({@link
   * ShareInitializersPass}, listed among the passes when it shared any), provenance and the load
   * check.
   */
  private static CompressResult finish(
      OnnxModel model, List<Pass> passes, List<PassResult> results, Map<String, String> options)
      throws CompressException {
    ModelProto last = results.isEmpty() ? model.proto() : results.get(results.size() - 1).model();
    Pass share = new ShareInitializersPass();
    PassResult shared = share.apply(last, PassContext.of(NodeFilter.all()));
    if (!shared.notes().isEmpty()) {
      passes = new ArrayList<>(passes);
      passes.add(share);
      results = new ArrayList<>(results);
      results.add(shared);
      last = shared.model();
    }
    ModelProto p = withProvenance(Widening.narrowBack(last, model.proto()), model, passes, options);
    checkLoads(model, p);
    List<PassSummary> summaries = results.stream().map(PassSummary::of).toList();
    return new CompressResult(model.withProto(p), summaries, options);
  }

  /**
   * Two compressions of {@code source} run one after the other ({@code second} on {@code first}'s
   * model: pruning, then quantization) as one result: both stages' passes in order, the options of
   * {@code first} prefixed with {@code firstStage} and a dot, and the provenance of the written
   * model naming {@code source} and every pass.
   */
  public static CompressResult combine(
      OnnxModel source, CompressResult first, String firstStage, CompressResult second)
      throws CompressException {
    List<PassSummary> passes = new ArrayList<>(first.passes());
    passes.addAll(second.passes());
    Map<String, String> options = new LinkedHashMap<>();
    first.options().forEach((k, v) -> options.put(firstStage + "." + k, v));
    options.putAll(second.options());
    ModelProto p =
        stamped(
            second.model().proto(),
            source,
            passes.stream().map(PassSummary::pass).toList(),
            options);
    checkLoads(source, p);
    return new CompressResult(source.withProto(p), passes, options);
  }

  private static ModelProto withProvenance(
      ModelProto p, OnnxModel source, List<Pass> passes, Map<String, String> options)
      throws CompressException {
    return stamped(p, source, passes.stream().map(Pass::name).toList(), options);
  }

  /** {@code p} with infercost's provenance: the source, versions, the passes by name, options. */
  private static ModelProto stamped(
      ModelProto p, OnnxModel source, List<String> passes, Map<String, String> options)
      throws CompressException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("infercost.source_sha256", sha256(source, source.proto()));
    meta.put("infercost.version", version());
    meta.put("infercost.onnxruntime", Models.ortEnvironment().getVersion());
    meta.put("infercost.java", Runtime.version().toString());
    meta.put("infercost.os", System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
    meta.put("infercost.passes", String.join(",", passes));
    options.forEach((k, v) -> meta.put("infercost.option." + k, v));
    ModelProto.Builder b = p.toBuilder();
    for (int i = b.getMetadataPropsCount() - 1; i >= 0; i--) {
      if (b.getMetadataProps(i).getKey().startsWith("infercost.")) {
        b.removeMetadataProps(i);
      }
    }
    meta.forEach(
        (k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return b.build();
  }

  /** The SHA-256 of {@code p} (a form of {@code model}), streamed: see {@link Models#sha256}. */
  private static String sha256(OnnxModel model, ModelProto p) throws CompressException {
    try {
      return Models.sha256(p);
    } catch (ModelException e) {
      throw new CompressException(model.displayName() + ": " + e.getMessage(), e);
    }
  }

  private static void checkLoads(OnnxModel source, ModelProto p) throws CompressException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.createSession(p, o)) {
      s.getNumInputs();
    } catch (ModelException e) {
      throw new CompressException(source.displayName() + ": " + e.getMessage(), e);
    } catch (OrtException e) {
      throw new CompressException(
          source.displayName()
              + ": the compressed model does not load in ONNX Runtime ("
              + e.getMessage().lines().findFirst().orElse("")
              + "); exclude the offending node from compression",
          Parameter.EXCLUDE,
          e);
    }
  }

  private static String version() {
    String v = Compressor.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
