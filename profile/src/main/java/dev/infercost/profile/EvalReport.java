package dev.infercost.profile;

import java.util.List;

/**
 * Fidelity of a candidate model's outputs to a reference's on the same data.
 *
 * @param data the data source
 * @param samples samples compared
 * @param outputKind {@code embedding} (rank-3 output mean-pooled with the attention mask), {@code
 *     logits} (rank-2 classifier output) or {@code tensor}
 * @param meanCosine mean over samples of the cosine similarity of the (pooled) outputs
 * @param minCosine its minimum
 * @param maxAbsError largest absolute difference of any raw output element
 * @param top1Agreement share of samples whose arg-max agrees (logits only, else {@code null})
 * @param nnAgreement share of samples whose nearest neighbour among the other samples (by cosine)
 *     is the same in both models (embeddings only, else {@code null})
 * @param referenceAccuracy top-1 accuracy of the reference against labels, or {@code null}
 * @param candidateAccuracy top-1 accuracy of the candidate, or {@code null}
 * @param accuracyDrop reference minus candidate accuracy, or {@code null}
 * @param metrics the scores of the task metrics asked for ({@link MetricSet}), in their order;
 *     empty when none was
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
    List<MetricScore> metrics) {
  public EvalReport {
    metrics = List.copyOf(metrics);
  }

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
        List.of());
  }

  /** This report with {@code scores} as its task metric scores. */
  public EvalReport withMetrics(List<MetricScore> scores) {
    return new EvalReport(
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
        scores);
  }

  /** The score of the task metric named {@code name}, if it was evaluated. */
  public java.util.Optional<MetricScore> metric(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
