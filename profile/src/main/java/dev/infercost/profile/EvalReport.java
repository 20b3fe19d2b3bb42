package dev.infercost.profile;

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
    Double accuracyDrop) {}
