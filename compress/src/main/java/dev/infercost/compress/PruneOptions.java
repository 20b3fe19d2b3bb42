package dev.infercost.compress;

/**
 * Options of structured pruning of transformer encoders ({@link Compressor#prune}). Build with
 * {@link #builder(double)}: the ratio is required, the rest optional as {@code opt*}.
 *
 * @param ratio the fraction of prunable multiply-accumulates to remove, in (0, 0.95]: the MACs of
 *     the feed-forward and attention linear layers the search found (and the filter accepts)
 * @param ffn prune feed-forward intermediate neurons
 * @param heads prune attention heads
 * @param reconstruct re-fit each pruned layer's consumer weights by least squares on the
 *     calibration activations (else the kept weights stay and only the removed units' mean
 *     contribution is folded into the bias)
 * @param minKeep the fraction of each block's units always kept (at least one unit), in (0, 1)
 * @param filter which blocks may be pruned: a block is pruned only if the filter accepts all of its
 *     linear layers' MatMul nodes
 */
public record PruneOptions(
    double ratio,
    boolean ffn,
    boolean heads,
    boolean reconstruct,
    double minKeep,
    NodeFilter filter) {
  /** The largest ratio accepted. */
  public static final double MAX_RATIO = 0.95;

  public PruneOptions {
    if (!(ratio > 0 && ratio <= MAX_RATIO)) {
      throw new IllegalArgumentException(
          "prune ratio must be in (0, " + MAX_RATIO + "], got " + ratio);
    }
    if (!ffn && !heads) {
      throw new IllegalArgumentException("prune needs feed-forward neurons, heads or both");
    }
    if (!(minKeep > 0 && minKeep < 1)) {
      throw new IllegalArgumentException("minKeep must be in (0, 1), got " + minKeep);
    }
    if (filter == null) {
      throw new IllegalArgumentException("filter is required");
    }
  }

  /** Neurons and heads, with reconstruction, keeping at least 5% of each block. */
  public static PruneOptions of(double ratio) {
    return builder(ratio).build();
  }

  /** A builder with the required ratio. */
  public static Builder builder(double ratio) {
    return new Builder(ratio);
  }

  /** Required settings in {@code builder(...)}, optional ones as {@code opt*}. */
  public static final class Builder {
    private final double ratio;
    private boolean ffn = true;
    private boolean heads = true;
    private boolean reconstruct = true;
    private double minKeep = 0.05;
    private NodeFilter filter = NodeFilter.all();

    private Builder(double ratio) {
      this.ratio = ratio;
    }

    /** Prune feed-forward neurons (default on). */
    public Builder optFfn(boolean b) {
      this.ffn = b;
      return this;
    }

    /** Prune attention heads (default on). */
    public Builder optHeads(boolean b) {
      this.heads = b;
      return this;
    }

    /** Least-squares re-fit of the consumer layers (default on). */
    public Builder optReconstruct(boolean b) {
      this.reconstruct = b;
      return this;
    }

    /** The fraction of each block's units always kept (default 0.05). */
    public Builder optMinKeep(double f) {
      this.minKeep = f;
      return this;
    }

    /** Which blocks may be pruned (default all). */
    public Builder optFilter(NodeFilter f) {
      this.filter = f;
      return this;
    }

    public PruneOptions build() {
      return new PruneOptions(ratio, ffn, heads, reconstruct, minKeep, filter);
    }
  }
}
