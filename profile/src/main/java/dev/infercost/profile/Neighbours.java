package dev.infercost.profile;

import java.util.List;

/**
 * How a candidate's embeddings keep the neighbourhoods of a reference's, sample by sample: each
 * sample's cosine nearest neighbour among the others, and the cosine similarity of every pair.
 * Per-sample agreement lets two candidates be compared on the same samples (paired); the pairwise
 * similarity error moves with every pair, so it separates candidates that agreement, counted over a
 * few hundred samples, cannot.
 */
public final class Neighbours {
  private Neighbours() {}

  /**
   * Per sample, whether its nearest neighbour (by cosine, among the other samples) is the same in
   * {@code cand} as in {@code ref}; both hold one vector per sample, in the same order.
   */
  public static boolean[] agreement(List<float[]> ref, List<float[]> cand) {
    checkPaired(ref, cand);
    int[] r = nearest(ref);
    int[] c = nearest(cand);
    boolean[] same = new boolean[r.length];
    for (int i = 0; i < r.length; i++) {
      same[i] = r[i] == c[i];
    }
    return same;
  }

  /**
   * The mean absolute difference between the two sets' cosine similarities over all pairs of
   * samples ({@code 0} when there is no pair).
   */
  public static double similarityError(List<float[]> ref, List<float[]> cand) {
    checkPaired(ref, cand);
    int n = ref.size();
    double sum = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        sum +=
            Math.abs(
                Evaluator.cosine(ref.get(i), ref.get(j))
                    - Evaluator.cosine(cand.get(i), cand.get(j)));
      }
    }
    return n < 2 ? 0 : sum / (n * (n - 1) / 2.0);
  }

  /**
   * Each vector's nearest other vector by cosine (the first of ties; a NaN cosine, from non-finite
   * outputs, ranks lowest; {@code -1} when alone).
   */
  static int[] nearest(List<float[]> v) {
    int[] best = new int[v.size()];
    for (int i = 0; i < v.size(); i++) {
      best[i] = -1;
      double bestCos = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < v.size(); j++) {
        if (j == i) {
          continue;
        }
        double c = Evaluator.cosine(v.get(i), v.get(j));
        c = Double.isNaN(c) ? Double.NEGATIVE_INFINITY : c;
        if (best[i] < 0 || c > bestCos) {
          best[i] = j;
          bestCos = c;
        }
      }
    }
    return best;
  }

  private static void checkPaired(List<float[]> ref, List<float[]> cand) {
    if (ref.size() != cand.size()) {
      throw new IllegalArgumentException(
          "reference has " + ref.size() + " samples, candidate " + cand.size());
    }
  }
}
