package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.Figure;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compress --method auto}: the search through {@link CompressWorkflow}. */
class SearchTest {
  @TempDir Path tmp;

  private CompressReport auto(String model, Bound bound, int trials) throws Exception {
    return auto(model, bound, trials, model);
  }

  /** The search on the built-in {@code model}, written to {@code out} under the test's folder. */
  private CompressReport auto(String out, Bound bound, int trials, String model) throws Exception {
    return CompressWorkflow.run(
        CompressRequest.builder(ModelRef.resolve(model), tmp.resolve(out))
            .optBound(bound)
            .optMeasure(false)
            .optSearch(new CompressRequest.SearchBudget(trials, Duration.ofMinutes(5)))
            .build(),
        s -> {});
  }

  @Test
  void keepsTheFastestTrialThatMeetsTheBound() throws Exception {
    CompressReport r = auto("digits-cnn", Bound.maxAccuracyDrop(0.005), 12);
    Search.Result s = r.search();
    assertNotNull(s);
    assertTrue(s.met(), s.verdict());
    assertTrue(r.bound().met());
    for (Search.Trial t : s.trials()) {
      assertNotNull(t.speed(), "every CPU trial is measured");
    }
    if (s.chosen() == Search.INPUT) {
      // No trial in bound ran faster than the input here: the input itself is the answer.
      for (Search.Trial t : s.trials()) {
        assertTrue(!t.met() || !t.fasterThanInput(), t + " meets the bound and is faster");
      }
      assertTrue(s.verdict().startsWith("kept the input unchanged"), s.verdict());
      // The copy's speed and size against the input are noise: the headline is the search's.
      assertEquals(s.verdict(), r.headline());
      assertNull(r.nextStep());
      assertEquals(r.input().sha256(), r.output().sha256(), "the input, copied");
      assertTrue(Files.isRegularFile(tmp.resolve("digits-cnn").resolve(Method.FP32.fileName())));
    } else {
      Search.Trial kept = s.trials().get(s.chosen() - 1);
      assertTrue(kept.speedup() > 1 && kept.fasterThanInput(), "kept only when faster: " + kept);
      for (Search.Trial t : s.trials()) {
        if (t.met() && t.rewritten() > 0 && t.speed().value() > kept.speed().value()) {
          // Only one the measurement cannot tell apart from the kept one, at a higher loss.
          assertTrue(t.loss() >= kept.loss(), t + " is faster than " + kept);
          assertTrue(s.verdict().contains("within the 95% confidence intervals"), s.verdict());
        }
      }
      // The kept variant is written where compress writes one, and the report carries the table.
      assertTrue(
          Files.size(
                  tmp.resolve("digits-cnn")
                      .resolve(kept.file().substring(kept.file().lastIndexOf('/') + 1)))
              > 0);
    }
    assertTrue(Files.readString(tmp.resolve("digits-cnn/report.md")).contains("## Search"));
    // Layers most harmful first on the bound's measure (the accuracy drop), then on cosine.
    for (int i = 1; i < s.sensitivity().size(); i++) {
      Search.LayerSensitivity a = s.sensitivity().get(i - 1);
      Search.LayerSensitivity b = s.sensitivity().get(i);
      assertTrue(
          a.boundLoss() > b.boundLoss() || a.boundLoss() == b.boundLoss() && a.loss() >= b.loss(),
          a + " before " + b);
    }
    assertFalse(s.sensitivity().isEmpty());
  }

  @Test
  void nodesWithoutNamesAreMeasuredAndKeptInFp32ByTheirLabels() throws Exception {
    // Some exporters leave nodes unnamed: reports name them OpType->output, and the search's
    // per-layer filters must find them by that.
    var mlp = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    var g = mlp.proto().getGraph().toBuilder();
    for (int i = 0; i < g.getNodeCount(); i++) {
      g.setNode(i, g.getNode(i).toBuilder().clearName());
    }
    Path model = tmp.resolve("unnamed.onnx");
    Models.saveOnnx(mlp.withProto(mlp.proto().toBuilder().setGraph(g).build()), model);
    var b = Models.builtin("digits-cnn").orElseThrow();
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve(model.toString()), tmp.resolve("unnamed"))
                .optData(Models.builtinFile(b, b.testDataResource().orElseThrow()))
                .optBound(Bound.minCosine(0.9999999))
                .optMeasure(false)
                .optSearch(new CompressRequest.SearchBudget(8, Duration.ofMinutes(5)))
                .build(),
            s -> {});
    Search.Result s = r.search();
    assertTrue(s.sensitivity().stream().allMatch(l -> l.node().contains("->")), s.toString());
    int most = s.trials().stream().mapToInt(Search.Trial::rewritten).max().orElseThrow();
    assertTrue(
        s.trials().stream()
            .filter(t -> t.config().contains("kept in fp32"))
            .allMatch(t -> t.rewritten() < most),
        "a fallback quantizes fewer layers");
    assertTrue(s.trials().stream().anyMatch(t -> t.config().contains("kept in fp32")));
  }

  @Test
  void anUnmeetableBoundKeepsTheClosestTrialAndSaysByHowMuch() throws Exception {
    CompressReport r = auto("digits-mlp", Bound.minCosine(0.9999999), 12);
    Search.Result s = r.search();
    assertFalse(s.met());
    assertFalse(r.bound().met());
    assertTrue(s.verdict().contains("misses it by"), s.verdict());
    Search.Trial kept = s.trials().get(s.chosen() - 1);
    assertTrue(kept.rewritten() > 0, "the input itself is never the answer");
    for (Search.Trial t : s.trials()) {
      if (t.rewritten() > 0) {
        assertTrue(kept.loss() <= t.loss(), t + " is closer than " + kept);
      }
    }
    // Under a cosine bound the two measures are one.
    s.sensitivity().forEach(l -> assertEquals(l.loss(), l.boundLoss(), 1e-12, l.toString()));
    // Layers were kept in fp32 to get closer, never all of them.
    assertTrue(s.trials().stream().anyMatch(t -> t.config().contains("kept in fp32")));
    assertTrue(s.trials().stream().allMatch(t -> t.rewritten() != 0));
    assertTrue(s.pruning().startsWith("not tried: no trial meets the bound"), s.pruning());
  }

  @Test
  void prunesBeforeTheFirstTrialInBoundMildestFirstUntilARatioMisses() throws Exception {
    Search.Result s = auto("digits-cnn", Bound.maxAccuracyDrop(0.03), 12).search();
    List<Search.Trial> pruned =
        s.trials().stream().filter(t -> t.config().startsWith("pruned ")).toList();
    assertFalse(pruned.isEmpty(), s.pruning());
    Search.Trial first = s.trials().stream().filter(Search.Trial::met).findFirst().orElseThrow();
    String[] pct = {"10%", "20%", "30%", "50%"};
    for (int i = 0; i < pruned.size(); i++) {
      Search.Trial t = pruned.get(i);
      assertTrue(
          t.config().equals("pruned " + pct[i] + " of the prunable MACs, then " + first.config()),
          t.config());
      assertTrue(t.rewritten() > 0, t.toString());
      // Only the last one may miss: more pruning loses more.
      assertTrue(t.met() || i == pruned.size() - 1, t.toString());
      if (i > 0) {
        assertTrue(t.loss() >= pruned.get(i - 1).loss() - 0.01, pruned.toString());
      }
    }
    assertTrue(
        s.pruning()
            .startsWith(
                "pruned "
                    + String.join(", ", List.of(pct).subList(0, pruned.size()))
                    + " of the prunable MACs before trial "
                    + first.number()
                    + "'s recipe; "),
        s.pruning());
    assertTrue(s.met(), s.verdict());
  }

  @Test
  void theStemIsKeptInFp32WhenSensitiveLayersAloneDoNotMeetTheBound() throws Exception {
    Search.Result s = auto("digits-cnn", Bound.minCosine(0.9999999), 12).search();
    assertFalse(s.met(), s.verdict());
    List<String> fallbacks =
        s.trials().stream().map(Search.Trial::config).filter(c -> c.contains("fp32")).toList();
    // Fewest layers first: one sensitive layer, then the first layer in graph order, ...
    assertTrue(
        fallbacks.get(0).endsWith("1 layer kept in fp32 (" + s.sensitivity().get(0).node() + ")"),
        fallbacks.toString());
    assertTrue(
        fallbacks.stream()
            .anyMatch(
                c -> c.matches(".*the first 1 of \\d+ layers \\(graph order\\) kept in fp32")),
        fallbacks.toString());
  }

  /**
   * Once one static clip meets the bound, the other clips (the same graph with other scales, no
   * faster) are skipped and the trials go to int8-dynamic: with 4 trials, a LayerNorm model's
   * search spent all 4 on static clips at 0.96–0.99x while int8-dynamic ran 1.13x.
   */
  @Test
  void onceAStaticClipMeetsTheBoundTheTrialsGoToTheOtherMethods() throws Exception {
    List<String> progress = new ArrayList<>();
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve("digits-cnn"), tmp.resolve("clips"))
                .optBound(Bound.minCosine(0.9))
                .optMeasure(false)
                .optSearch(new CompressRequest.SearchBudget(3, Duration.ofMinutes(5)))
                .build(),
            progress::add);
    List<String> configs = r.search().trials().stream().map(Search.Trial::config).toList();
    assertEquals(3, configs.size(), configs.toString());
    assertTrue(configs.get(0).startsWith("int8-static") && r.search().trials().get(0).met());
    assertTrue(
        configs.subList(1, 3).stream().allMatch(c -> c.startsWith("int8-dynamic")),
        configs.toString());
    assertTrue(
        progress.stream()
            .anyMatch(
                p -> p.matches("skipped int8-static.*percentile clip: trial 1 meets the bound.*")),
        progress.toString());
  }

  @Test
  void aModelWithNothingToPruneKeepsTheTrialsItHas() throws Exception {
    Search.Result s = auto("digits-mlp", Bound.maxAccuracyDrop(0.05), 12).search();
    assertTrue(s.met(), s.verdict());
    assertTrue(s.pruning().startsWith("none built: pruning 10% failed: "), s.pruning());
    assertTrue(s.pruning().contains("nothing to prune"), s.pruning());
    assertTrue(s.trials().stream().noneMatch(t -> t.config().startsWith("pruned")));
    // The failed trial left no folder behind.
    assertFalse(
        Files.exists(
            tmp.resolve("digits-mlp/trials")
                .resolve(String.format("%02d", s.trials().size() + 1))));
  }

  @Test
  void afterAFallbackMeetsTheBoundPruningComesThenFallbacksThatAreNoSupersetOfIt()
      throws Exception {
    // With a bound nothing meets, the search shows each trial's loss (quantization is
    // deterministic); then the bound is set between the candidates' and the 1-layer fallback's.
    Search.Result probe = auto("digits-cnn", Bound.minCosine(0.9999999), 12).search();
    Search.Trial one =
        probe.trials().stream()
            .filter(t -> t.config().contains(", 1 layer kept in fp32 ("))
            .findFirst()
            .orElseThrow();
    double candidates =
        probe.trials().stream()
            .filter(t -> !t.config().contains("kept in fp32") && t.rewritten() > 0)
            .mapToDouble(Search.Trial::loss)
            .min()
            .orElseThrow();
    assertTrue(one.loss() + 1e-7 < candidates, "precondition: " + probe.trials());
    Search.Result s =
        auto("digits-cnn-2", Bound.minCosine(1 - one.loss() - 1e-9), 16, "digits-cnn").search();
    Search.Trial met = s.trials().get(one.number() - 1);
    assertEquals(one.config(), met.config());
    assertTrue(met.met(), met.toString());
    List<Search.Trial> after = s.trials().subList(met.number(), s.trials().size());
    assertTrue(
        after.get(0).config().startsWith("pruned 10% of the prunable MACs, then "),
        after.toString());
    // Every larger sensitivity set keeps the met layer too: skipped.
    assertTrue(
        after.stream().noneMatch(t -> t.config().matches(".*\\d+ layers kept in fp32 \\(.*")),
        after.toString());
    assertTrue(s.met(), s.verdict());
  }

  /** A timed trial with one rewritten node. */
  private static Search.Trial trial(int n, double loss, boolean met, double speed, boolean faster) {
    return new Search.Trial(
        n,
        "t" + n,
        "int8-static",
        "f",
        1,
        null,
        loss,
        met,
        1,
        Figure.measured(speed, "inferences/s", "here"),
        speed / 1000,
        faster);
  }

  /**
   * Trials in bound that the measurement cannot tell apart (their speeds' 95% intervals overlap)
   * are equally fast: the one with the lowest loss is kept. A GroupNorm model's search kept a clip
   * at cosine 0.9906 over three at 0.99993 whose medians were 1% slower, well inside the noise.
   */
  @Test
  void ofTrialsTiedOnSpeedTheOneWithTheLowestLossIsKept() {
    List<Search.Trial> t =
        List.of(
            trial(1, 0.00007, true, 1537, true),
            trial(2, 0.0094, true, 1554, true),
            trial(3, 0.00005, true, 1300, true),
            trial(4, 0.0, false, 2000, true));
    List<double[]> tied =
        List.of(
            new double[] {1500, 1570},
            new double[] {1520, 1590},
            new double[] {1280, 1320},
            new double[] {1950, 2050});
    assertEquals(0, Search.choose(t, tied), "trial 2 is no faster than trial 1 within the noise");
    List<double[]> apart =
        List.of(
            new double[] {1530, 1540},
            new double[] {1550, 1560},
            new double[] {1280, 1320},
            new double[] {1950, 2050});
    assertEquals(1, Search.choose(t, apart), "trial 2 is faster beyond the noise");
    // One not faster than the input beyond the noise does not replace one that is.
    List<Search.Trial> slow =
        List.of(trial(1, 0.00007, true, 1537, false), trial(2, 0.0094, true, 1554, true));
    assertEquals(1, Search.choose(slow, tied.subList(0, 2)));
    // No intervals (not timed): the fastest point estimate.
    List<double[]> none = Arrays.asList(null, null, null, null);
    assertEquals(1, Search.choose(t, none));
  }

  /**
   * When the 8 most sensitive layers in fp32 meet the bound and 4 miss, the search halves the gap
   * (6, then 5 or 7) while trials remain: each layer kept in fp32 costs speed.
   */
  @Test
  void theFewestSensitiveLayersThatMeetTheBoundAreFoundByHalvingTheGap() throws Exception {
    List<Integer> tried = new ArrayList<>();
    Search.Meets fromSix =
        k -> {
          tried.add(k);
          return k >= 6;
        };
    assertEquals(6, Search.fewest(4, 8, fromSix, () -> true));
    assertEquals(List.of(6, 5), tried);
    tried.clear();
    assertEquals(8, Search.fewest(4, 8, k -> tried.add(k) && k >= 8, () -> true));
    assertEquals(List.of(6, 7), tried, "none between meets: the 8 stay");
    tried.clear();
    assertEquals(6, Search.fewest(4, 8, fromSix, () -> tried.isEmpty()), "one trial left");
    assertEquals(List.of(6), tried);
    assertEquals(2, Search.fewest(1, 2, fromSix, () -> true), "no gap: nothing to try");
  }

  @Test
  void aBudgetTooShortForAnyTrialStillBuildsTheFirst() throws Exception {
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve("digits-mlp"), tmp.resolve("short"))
                .optBound(Bound.minCosine(0.9999999))
                .optMeasure(false)
                .optSearch(new CompressRequest.SearchBudget(12, Duration.ofNanos(1)))
                .build(),
            s -> {});
    assertEquals(1, r.search().trials().size(), r.search().trials().toString());
    assertTrue(r.search().sensitivity().isEmpty());
  }

  @Test
  void theTrialCountIsABound() throws Exception {
    CompressReport r = auto("digits-mlp", Bound.minCosine(0.9999999), 2);
    assertEquals(2, r.search().trials().size());
  }

  @Test
  void aMethodThatQuantizedNothingSpendsNoMoreTrials() throws Exception {
    // Both branches of an If multiply by the same weight: int8-static leaves MatMuls in branches
    // float, so its other clips would build the same copy of the input; int8-dynamic does not.
    OpCorpus.G g = new OpCorpus.G(new Random(7));
    String x = g.x(64, 32);
    String w = g.f(32, 32);
    String cond =
        g.n("Greater", g.n("ReduceMax", List.of(OpCorpus.i("keepdims", 0)), x), g.fs(-1e9f));
    g.out(
        g.n(
            "If",
            List.of(
                OpCorpus.g("then_branch", matMulBranch("then", x, w)),
                OpCorpus.g("else_branch", matMulBranch("else", x, w))),
            cond));
    OpCorpus.Built b = g.finish("branches", OpCorpus.OPSET);
    Path model = tmp.resolve("branches.onnx");
    Files.write(model, b.model().toByteArray());
    Path npz = tmp.resolve("branches.npz");
    b.writeNpz(npz);
    List<String> progress = new ArrayList<>();
    CompressReport r =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve(model.toString()), tmp.resolve("out"))
                .optData(npz)
                .optBound(Bound.minCosine(0.99))
                .optMeasure(false)
                .optSearch(new CompressRequest.SearchBudget(3, Duration.ofMinutes(5)))
                .build(),
            progress::add);
    List<Search.Trial> trials = r.search().trials();
    assertEquals(
        List.of("int8-static", "int8-dynamic", "int8-dynamic"),
        trials.stream().map(Search.Trial::method).toList(),
        trials.toString());
    assertEquals(0, trials.get(0).rewritten());
    assertEquals(2, trials.get(1).rewritten(), "the MatMul of each branch");
    assertTrue(
        progress.contains(
            "skipped int8-static, 8-bit weights, percentile clip: an earlier trial of it quantized"
                + " no layer that a clip or SmoothQuant changes"),
        progress.toString());
  }

  /** A branch that multiplies the outer {@code x} by the outer {@code w}. */
  private static GraphProto matMulBranch(String name, String x, String w) {
    return GraphProto.newBuilder()
        .setName(name)
        .addNode(
            NodeProto.newBuilder()
                .setOpType("MatMul")
                .setName(name + "/MatMul")
                .addInput(x)
                .addInput(w)
                .addOutput(name + "_out"))
        .addOutput(
            ValueInfoProto.newBuilder()
                .setName(name + "_out")
                .setType(
                    TypeProto.newBuilder()
                        .setTensorType(
                            TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE))))
        .build();
  }

  @Test
  void aSearchNeedsABoundAndHeldOutData() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            CompressRequest.builder(ModelRef.resolve("digits-cnn"), tmp)
                .optSearch(new CompressRequest.SearchBudget(3, Duration.ofMinutes(1)))
                .build());
  }

  @Test
  void targetsDecideTheWeightRange() throws Exception {
    Catalog c = Catalog.builtin();
    assertTrue(Target.of(c, "aws-c6a.large").reducedRange(), "AVX2 without VNNI");
    assertFalse(Target.of(c, "aws-c7i.large").reducedRange(), "VNNI");
    assertTrue(Target.of(c, "t4").gpu());
    InfercostException e = assertThrows(InfercostException.class, () -> Target.of(c, "nope"));
    assertEquals(Parameter.TARGET, e.hint().orElseThrow());
  }
}
