package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A language model's logits over text data are judged per token position: which next token each
 * model predicts, and how often that is the token the text has next.
 */
class NextTokensTest {
  @TempDir Path tmp;

  /** The logit of each token's predicted successor. */
  private static final float A = 3;

  /**
   * {@code logits = table[input_ids]}: a bigram model whose row {@code i} is {@link #A} at {@code
   * next[i]} and 0 elsewhere, so it predicts {@code next[i]} after token {@code i}.
   */
  private Path bigram(String name, int[] next, int width) throws Exception {
    TensorProto.Builder table =
        TensorProto.newBuilder()
            .setName("table")
            .setDataType(TensorProto.DataType.FLOAT_VALUE)
            .addDims(next.length)
            .addDims(width);
    for (int i = 0; i < next.length; i++) {
      for (int k = 0; k < width; k++) {
        table.addFloatData(k == next[i] ? A : 0);
      }
    }
    int int64 = TensorProto.DataType.INT64_VALUE;
    GraphProto g =
        GraphProto.newBuilder()
            .setName(name)
            .addInput(ProfilerTest.value("input_ids", int64, "batch", "sequence"))
            .addInput(ProfilerTest.value("attention_mask", int64, "batch", "sequence"))
            .addOutput(ProfilerTest.floatValue("logits", "batch", "sequence", (long) width))
            .addInitializer(table)
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Gather")
                    .setName("embed")
                    .addInput("table")
                    .addInput("input_ids")
                    .addOutput("logits"))
            .build();
    Path out = ProfilerTest.save(g, tmp.resolve(name + ".onnx"));
    return out;
  }

  /** One sentence per call, as text data is: token ids with their mask. */
  private static EvalData sentences(long[]... idsAndMasks) {
    List<List<Tensor>> batches = new ArrayList<>();
    for (int i = 0; i < idsAndMasks.length; i += 2) {
      long[] shape = {1, idsAndMasks[i].length};
      batches.add(
          List.of(
              Tensor.ofLongs("input_ids", shape, idsAndMasks[i]),
              Tensor.ofLongs("attention_mask", shape, idsAndMasks[i + 1])));
    }
    return new EvalData(
        "sentences", batches, new long[0], Optional.of("attention_mask"), Optional.of("input_ids"));
  }

  private static final EvalData TEXT =
      sentences(
          new long[] {0, 1, 2, 3, 4},
          new long[] {1, 1, 1, 1, 1},
          new long[] {3, 4, 5},
          new long[] {1, 1, 1},
          // The padded last position is neither predicted nor a next token.
          new long[] {2, 3, 6},
          new long[] {1, 1, 0});

  private static MetricSet metrics(String... names) {
    List<String> wanted = List.of(names);
    return new MetricSet(
        TaskMetrics.builtins().stream().filter(m -> wanted.contains(m.name())).toList(),
        Optional.empty());
  }

  private static final int[] SUCCESSOR = {1, 2, 3, 4, 5, 6, 7, 0};

  @Test
  void agreementAndAccuracyCountTokenPositions() throws Exception {
    Path ref = bigram("ref", SUCCESSOR, 8);
    // After token 3 the candidate predicts 7, not 4.
    int[] wrong = SUCCESSOR.clone();
    wrong[3] = 7;
    Path cand = bigram("cand", wrong, 8);
    EvalReport r =
        Evaluator.evaluate(ref.toString(), cand.toString(), TEXT, 1, MetricSet.none(), s -> {});
    assertEquals("token-logits", r.outputKind());
    assertEquals("next-token agreement", r.agreementName());
    // 10 positions the mask keeps; token 3 stands at 3 of them.
    assertEquals(7 / 10.0, r.top1Agreement(), 1e-12);
    // What the search ranks layers by when the bound's own loss ties.
    assertEquals(3 / 10.0, r.fidelityLoss(), 1e-12);
    assertEquals("1 − next-token agreement", r.fidelityLossName());
    // 7 positions a kept token follows, the reference right at each; the candidate misses the
    // two where 3 is followed (the third 3 ends its kept part).
    assertEquals(1.0, r.referenceAccuracy(), 1e-12);
    assertEquals(5 / 7.0, r.candidateAccuracy(), 1e-12);
    assertEquals(2 / 7.0, r.accuracyDrop(), 1e-12);
    assertNull(r.nnAgreement(), "pooled logits have no neighbours worth counting");
    // Pooled over positions, the logits share most of their energy; a cosine bound hears of it.
    EvalReport lenient = r.withCommonRatio(EvalReport.LENIENT_RATIO);
    assertTrue(
        lenient.lenientCosine().orElseThrow().endsWith("(--metric token-kl --max-metric-drop X)"),
        lenient.lenientCosine().toString());
    // The search's cached reference gives the same figures.
    EvalReport cached = Evaluator.reference(ref.toString(), TEXT, 1).compare(cand.toString());
    assertEquals(r.top1Agreement(), cached.top1Agreement());
    assertEquals(r.accuracyDrop(), cached.accuracyDrop());
  }

  @Test
  void perplexityAndKlDivergenceScoreTheWholeDistribution() throws Exception {
    Path ref = bigram("ref", SUCCESSOR, 8);
    int[] wrong = SUCCESSOR.clone();
    wrong[3] = 7;
    Path cand = bigram("cand", wrong, 8);
    EvalReport r =
        Evaluator.evaluate(
            ref.toString(), cand.toString(), TEXT, 1, metrics("perplexity", "token-kl"), s -> {});
    double z = Math.exp(A) + 7;
    double hit = Math.log(z) - A;
    double miss = Math.log(z);
    MetricScore ppl = r.metric("perplexity").orElseThrow();
    assertEquals(Math.exp(hit), ppl.reference(), 1e-9);
    assertEquals(Math.exp((5 * hit + 2 * miss) / 7), ppl.candidate(), 1e-9);
    // Rows differ only after token 3 (3 of 10 positions), where KL = A (e^A − 1) / z.
    MetricScore kl = r.metric("token-kl").orElseThrow();
    assertEquals(0, kl.reference(), 1e-12);
    assertEquals(3 / 10.0 * A * (Math.exp(A) - 1) / z, kl.candidate(), 1e-9);
  }

  @Test
  void hiddenStatesNarrowerThanTheIdsAreNotLogits() throws Exception {
    // A text encoder's [batch, sequence, 4] states over ids up to 6 (a word's id passes a hidden
    // size): pooled embeddings, as before.
    int[] any = {0, 1, 2, 3, 0, 1, 2, 3};
    Path enc = bigram("enc", any, 4);
    EvalReport r =
        Evaluator.evaluate(enc.toString(), enc.toString(), TEXT, 1, MetricSet.none(), s -> {});
    assertEquals("embedding", r.outputKind());
    assertNull(r.accuracyDrop());
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                Evaluator.evaluate(
                    enc.toString(), enc.toString(), TEXT, 1, metrics("perplexity"), s -> {}));
    assertTrue(
        e.getMessage().contains("its last dim (4) is no vocabulary: token id 4 is past it"),
        e.getMessage());
  }

  @Test
  void statesWiderThanASmallVocabularyAreNotLogits() throws Exception {
    // A protein or byte model: 7 ids, 8-wide states. Wider than every id, but not as wide as the
    // table the ids index: an embedding, not logits.
    Path prot = bigram("prot", new int[] {1, 2, 3, 4, 5, 6, 0}, 8);
    EvalReport r =
        Evaluator.evaluate(prot.toString(), prot.toString(), TEXT, 1, MetricSet.none(), s -> {});
    assertEquals("embedding", r.outputKind());
    assertNull(r.accuracyDrop(), "no next-token accuracy to bound");
  }
}
