package dev.infercost.profile;

import java.util.List;

/**
 * Fidelity of a candidate model's outputs to a reference's on the same data.
 *
 * @param data the data source
 * @param samples samples compared
 * @param outputKind {@code embedding} (rank-3 output mean-pooled with the attention mask), {@code
 *     token-logits} (a language model's {@code [batch, sequence, vocabulary]} logits over the token
 *     ids of text data; cosine of the mean-pooled logits, agreement and accuracy per token
 *     position), {@code logits} (rank-2 classifier output), {@code binary-score} (one score per
 *     sample on data labelled 0 and 1: class 1 above 0.5 when a Sigmoid writes it, else above 0),
 *     {@code class-index} (an integer output with one value per sample: an exported arg-max),
 *     {@code discrete} (any other integer or boolean output: a mask, indices) or {@code tensor}
 * @param meanCosine mean over samples of the cosine similarity of the (pooled) outputs; for a model
 *     with several float outputs, that of the output whose mean is lowest (see {@code outputs});
 *     for class-index and discrete outputs, whose values are decisions, the share of equal values
 *     per sample stands in for cosine (so a cosine bound is a bound on agreement)
 * @param minCosine the lowest cosine of any sample and float output
 * @param maxAbsError largest absolute difference of any raw output element
 * @param top1Agreement share of samples whose arg-max (binary-score, class-index: class) agrees
 *     (logits), of token positions whose arg-max (the predicted next token) agrees (token-logits),
 *     of elements that are equal (discrete), else {@code null}
 * @param nnAgreement share of samples whose nearest neighbour among the other samples (by cosine)
 *     is the same in both models (embeddings only, else {@code null})
 * @param referenceAccuracy top-1 accuracy of the reference against labels (token-logits: the share
 *     of positions a token follows whose arg-max is that token, the text's own labels), or {@code
 *     null}
 * @param candidateAccuracy top-1 accuracy of the candidate, or {@code null}
 * @param accuracyDrop reference minus candidate accuracy, or {@code null}
 * @param metrics the scores of the task metrics asked for ({@link MetricSet}), in their order;
 *     empty when none was
 * @param outputs per float output, in the model's order, its mean and min cosine (the first output
 *     pooled as above, the others compared whole); empty when not broken down
 * @param commonRatio of the reference's outputs, the energy of the part every sample shares (their
 *     mean) over the energy of what varies between samples, the largest over the float outputs;
 *     cosine moves {@code 1 + commonRatio} times less than an error of the varying part does, so a
 *     large ratio (an image's or a depth map's offset, embeddings that all point one way) makes the
 *     cosine bound lenient; outputs of varying size and outputs that do not vary (a constant
 *     anchors output, where cosine measures the error against the constant) are left out, and it is
 *     {@code null} when none is left or with fewer than 2 samples
 * @param accuracyDropMargin half the width of the 95% confidence interval of {@code accuracyDrop}
 *     over samples like these: from the samples whose correctness differs between the models, the b
 *     the reference gets right and the c the candidate does, Agresti and Min's 1.96 · √(b' + c' −
 *     (b' − c')² / n') / n' with b' = b + ½, c' = c + ½, n' = n + 2 (see {@code
 *     Evaluator.dropMargin}); {@code null} without labels, and for token-logits (positions of one
 *     text are not independent)
 */
public record EvalReport(
    String data,
    int samples,
    String outputKind,
    double meanCosine,
    double minCosine,
    double maxAbsError,
    Double top1Agreement,
    Double nnAgreement,
    Double referenceAccuracy,
    Double candidateAccuracy,
    Double accuracyDrop,
    List<MetricScore> metrics,
    List<OutputCosine> outputs,
    Double commonRatio,
    Double accuracyDropMargin) {
  public EvalReport {
    metrics = List.copyOf(metrics);
    outputs = List.copyOf(outputs);
  }

  /**
   * The fidelity of one output.
   *
   * @param name the output's name
   * @param meanCosine mean over samples of its cosine similarity to the reference's
   * @param minCosine the lowest
   */
  public record OutputCosine(String name, double meanCosine, double minCosine) {}

  /** A report without task metric scores. */
  public EvalReport(
      String data,
      int samples,
      String outputKind,
      double meanCosine,
      double minCosine,
      double maxAbsError,
      Double top1Agreement,
      Double nnAgreement,
      Double referenceAccuracy,
      Double candidateAccuracy,
      Double accuracyDrop) {
    this(
        data,
        samples,
        outputKind,
        meanCosine,
        minCosine,
        maxAbsError,
        top1Agreement,
        nnAgreement,
        referenceAccuracy,
        candidateAccuracy,
        accuracyDrop,
        List.of(),
        List.of(),
        null,
        null);
  }

  /** This report with {@code scores} as its task metric scores. */
  public EvalReport withMetrics(List<MetricScore> scores) {
    return copy(meanCosine, minCosine, scores, outputs, commonRatio, accuracyDropMargin);
  }

  /**
   * This report with {@code perOutput} as its breakdown, and its mean and min cosine the worst over
   * them.
   */
  public EvalReport withOutputs(List<OutputCosine> perOutput) {
    double mean = meanCosine;
    double min = minCosine;
    for (OutputCosine o : perOutput) {
      mean = Math.min(mean, o.meanCosine());
      min = Math.min(min, o.minCosine());
    }
    return copy(mean, min, metrics, perOutput, commonRatio, accuracyDropMargin);
  }

  /**
   * This report with a language model's per-position figures: {@code agreement} of the predicted
   * next tokens, and each model's next-token accuracy on the text.
   */
  EvalReport withNextTokens(double agreement, double reference, double candidate) {
    return new EvalReport(
        data,
        samples,
        outputKind,
        meanCosine,
        minCosine,
        maxAbsError,
        agreement,
        nnAgreement,
        reference,
        candidate,
        reference - candidate,
        metrics,
        outputs,
        commonRatio,
        null);
  }

  /**
   * How far the candidate's outputs are from the reference's, as one number that is 0 for the
   * reference: 1 − next-token agreement for a language model's logits (cosine of its pooled logits
   * says little), else 1 − mean cosine.
   */
  public double fidelityLoss() {
    return tokenLogits() ? 1 - top1Agreement : 1 - meanCosine;
  }

  /** What {@link #fidelityLoss()} is, for labels. */
  public String fidelityLossName() {
    return tokenLogits() ? "1 − next-token agreement" : "1 − mean cosine";
  }

  /** Whether these are a language model's figures per token position (kind token-logits). */
  public boolean tokenLogits() {
    return outputKind.equals(Evaluator.TOKEN_LOGITS) && top1Agreement != null;
  }

  /** What {@link #top1Agreement()} counts, for labels: per sample, or per token position. */
  public String agreementName() {
    return tokenLogits()
        ? "next-token agreement"
        : outputKind.equals(Evaluator.DISCRETE) ? "element agreement" : "top-1 agreement";
  }

  /**
   * Whether the first output holds decisions (kind class-index or discrete), whose share of equal
   * values stands in for cosine in {@link #meanCosine()} and {@link #minCosine()}.
   */
  public boolean decisions() {
    return Evaluator.decisionKind(outputKind);
  }

  /** What the accuracies are, for labels. */
  public String accuracyName() {
    return tokenLogits()
        ? "next-token accuracy"
        : outputKind.equals(Evaluator.BINARY_SCORE) ? "accuracy" : "top-1 accuracy";
  }

  /** This report with {@code margin} as its {@link #accuracyDropMargin()}. */
  EvalReport withAccuracyDropMargin(Double margin) {
    return copy(meanCosine, minCosine, metrics, outputs, commonRatio, margin);
  }

  /**
   * When the held-out data cannot tell an accuracy drop of {@code bound} from none ({@link
   * #accuracyDropMargin()} is wider): one line saying how far it resolves the drop and what to do.
   */
  public java.util.Optional<String> unresolvedDrop(double bound) {
    if (accuracyDropMargin == null || accuracyDropMargin <= bound) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "%d held-out samples resolve the %s drop only to ±%.4f (95%% confidence), wider than"
                + " the bound %.4f, so meeting it is partly luck: add held-out samples (the"
                + " interval narrows with the square root of their number)",
            samples,
            accuracyName(),
            accuracyDropMargin,
            bound));
  }

  /** This report with {@code ratio} as its {@link #commonRatio()}. */
  public EvalReport withCommonRatio(Double ratio) {
    return copy(meanCosine, minCosine, metrics, outputs, ratio, accuracyDropMargin);
  }

  private EvalReport copy(
      double mean,
      double min,
      List<MetricScore> scores,
      List<OutputCosine> perOutput,
      Double ratio,
      Double margin) {
    return new EvalReport(
        data,
        samples,
        outputKind,
        mean,
        min,
        maxAbsError,
        top1Agreement,
        nnAgreement,
        referenceAccuracy,
        candidateAccuracy,
        accuracyDrop,
        scores,
        perOutput,
        ratio,
        margin);
  }

  /** A common part this many times what varies makes cosine say 10 times too little. */
  public static final double LENIENT_RATIO = 9;

  /**
   * When the outputs share a part that outweighs what varies between samples ({@link
   * #commonRatio()} at least {@link #LENIENT_RATIO}) and no accuracy was measured (or a language
   * model's, whose pooled logits' cosine says little): one line saying that cosine moves {@code 1 +
   * ratio} times less than the error, and what to bound instead.
   */
  public java.util.Optional<String> lenientCosine() {
    boolean tokens = outputKind.equals(Evaluator.TOKEN_LOGITS);
    if (accuracyDrop != null && !tokens || commonRatio == null || commonRatio < LENIENT_RATIO) {
      return java.util.Optional.empty();
    }
    // The metrics scored here other than cosine itself, which is as lenient.
    List<String> taskMetrics =
        metrics.stream().map(MetricScore::name).filter(n -> !n.equals("cosine")).toList();
    return java.util.Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "cosine is lenient on these outputs: what all samples share outweighs what varies"
                + " between them %s to 1, so cosine moves %s times less than the error; %s",
            times(commonRatio),
            times(1 + commonRatio),
            tokens
                ? "bound the next-token accuracy instead (--max-accuracy-drop X), or the"
                    + " distribution (--metric token-kl --max-metric-drop X)"
                : !taskMetrics.isEmpty()
                    ? "bound the task metric instead (--max-metric-drop X on "
                        + String.join(" or ", taskMetrics)
                        + ")"
                    : "bound a task metric instead (--metric "
                        + (outputKind.equals("embedding") ? "nn-agreement" : "NAME")
                        + " --max-metric-drop X)"));
  }

  private static String times(double x) {
    return x < 1e6 ? String.format(java.util.Locale.ROOT, "%,.0f", x) : "over a million";
  }

  /** The score of the task metric named {@code name}, if it was evaluated. */
  public java.util.Optional<MetricScore> metric(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
