package dev.infercost.compress;

/**
 * Settings of structured channel pruning for CNNs ({@link Compressor#pruneChannels}).
 *
 * @param ratio the fraction of the prunable layers' multiply-accumulates to remove, in (0, 0.95]
 * @param minKeep the fraction of each group's channels always kept (at least one), in (0, 1]
 * @param compensate fold the removed channels' mean contribution into the consumers' biases
 * @param filter Convs whose output channels may be removed (a rejected Conv's group is left whole)
 */
public record ChannelPruneOptions(
    double ratio, double minKeep, boolean compensate, NodeFilter filter) {
  /** The largest ratio accepted. */
  public static final double MAX_RATIO = 0.95;

  /** Default {@code minKeep}: no group loses more than 90% of its channels. */
  public static final double DEFAULT_MIN_KEEP = 0.1;

  public ChannelPruneOptions {
    if (!(ratio > 0 && ratio <= MAX_RATIO)) {
      throw new IllegalArgumentException(
          "prune ratio must be in (0, " + MAX_RATIO + "], got " + ratio);
    }
    if (!(minKeep > 0 && minKeep <= 1)) {
      throw new IllegalArgumentException("minKeep must be in (0, 1], got " + minKeep);
    }
    if (filter == null) {
      throw new IllegalArgumentException("filter is required");
    }
  }

  /** Pruning {@code ratio} of the prunable MACs, with the defaults for the rest. */
  public static ChannelPruneOptions of(double ratio) {
    return builder(ratio).build();
  }

  /** A builder: the ratio is required, everything else optional as {@code opt*}. */
  public static Builder builder(double ratio) {
    return new Builder(ratio);
  }

  /** Required settings in {@code builder(...)}, optional ones as {@code opt*}. */
  public static final class Builder {
    private final double ratio;
    private double minKeep = DEFAULT_MIN_KEEP;
    private boolean compensate = true;
    private NodeFilter filter = NodeFilter.all();

    private Builder(double ratio) {
      this.ratio = ratio;
    }

    /**
     * The fraction of each group's channels always kept (default {@value
     * ChannelPruneOptions#DEFAULT_MIN_KEEP}).
     */
    public Builder optMinKeep(double f) {
      this.minKeep = f;
      return this;
    }

    /** Bias compensation on (default) or off. */
    public Builder optCompensate(boolean b) {
      this.compensate = b;
      return this;
    }

    /** Which Convs may lose output channels (default all). */
    public Builder optFilter(NodeFilter f) {
      this.filter = f;
      return this;
    }

    public ChannelPruneOptions build() {
      return new ChannelPruneOptions(ratio, minKeep, compensate, filter);
    }
  }
}
