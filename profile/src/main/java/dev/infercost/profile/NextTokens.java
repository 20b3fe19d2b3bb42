package dev.infercost.profile;

import dev.infercost.models.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A language model's next-token predictions on text data, batch by batch: the arg-max of its logits
 * at every position the attention mask keeps, and how often it is the token that follows in the
 * text. The logits are the first output, {@code [batch, sequence, vocabulary]} over token ids
 * {@code [batch, sequence]}; its last dim is taken for a vocabulary only when it is larger than
 * every token id of the data (a word's id passes a text encoder's hidden size) and equals the row
 * count of the embedding table the ids index, where the model has one (a protein or byte model's 33
 * or 256 ids stay below its hidden size). A masked-LM head passes both tests: its agreement holds,
 * its next-token accuracy means nothing.
 */
final class NextTokens {
  private final long rows;
  private final List<int[]> top1 = new ArrayList<>();
  private int hits;
  private int predicted;
  private long maxId = -1;
  private long vocabulary = Long.MAX_VALUE;
  private boolean fits = true;

  /**
   * @param rows the row count of the embedding table the token ids index, or 0 when the model has
   *     none (the ids go elsewhere first)
   */
  NextTokens(long rows) {
    this.rows = rows;
  }

  /**
   * Adds one batch: the first output's shape {@code s} and values {@code x}. A batch without token
   * ids, or whose first output is not {@code [ids' shape, n]}, makes the whole data not token
   * logits.
   */
  void add(long[] s, float[] x, Tensor ids, Tensor mask) {
    fits = fits && perToken(s, ids);
    if (!fits) {
      return;
    }
    int seq = (int) s[1];
    int v = (int) s[2];
    vocabulary = Math.min(vocabulary, v);
    float[] id = ids.toFloats();
    float[] m = mask == null ? null : mask.toFloats();
    for (int i = 0; i < s[0]; i++) {
      int[] best = new int[seq];
      int n = 0;
      for (int t = 0; t < seq; t++) {
        int at = i * seq + t;
        maxId = Math.max(maxId, (long) id[at]);
        if (!kept(m, at)) {
          continue;
        }
        best[n] = Evaluator.argmax(x, at * v, v);
        if (t + 1 < seq && kept(m, at + 1)) {
          predicted++;
          hits += best[n] == id[at + 1] ? 1 : 0;
        }
        n++;
      }
      top1.add(Arrays.copyOf(best, n));
    }
  }

  /** The predictions, when every batch's first output was token logits over the ids. */
  Optional<Evaluator.TokenPredictions> predictions() {
    return fits && !top1.isEmpty() && vocabulary > maxId && (rows == 0 || vocabulary == rows)
        ? Optional.of(new Evaluator.TokenPredictions(top1, hits, predicted))
        : Optional.empty();
  }

  /** Whether position {@code at} holds a token (no mask: every position). */
  static boolean kept(float[] mask, int at) {
    return mask == null || mask[at] != 0;
  }

  /** Whether an output of shape {@code s} is {@code [ids' shape, n]}: one row per token. */
  static boolean perToken(long[] s, Tensor ids) {
    return ids != null && s.length == 3 && Arrays.equals(ids.shape(), Arrays.copyOf(s, 2));
  }
}
