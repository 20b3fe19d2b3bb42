package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.Range;
import java.util.List;
import java.util.Optional;

/**
 * The answer of a choose run in two sentences, for the terminal, report.md and report.html: the
 * cheapest option with its cost range and how its cost was obtained, the best option measured on
 * this host beside an estimated winner, and a tie with every option whose cost range overlaps the
 * winner's ({@link Optimizer.Result#tiedWithWinner()}).
 */
public final class ChooseVerdict {
  /** Tied options named in the verdict; the rest are counted (the tables mark every one). */
  static final int NAMED_TIES = 3;

  private ChooseVerdict() {}

  /** The verdict of {@code r}. */
  public static String of(ChooseReport r) {
    Optional<Optimizer.Candidate> winner = r.result().winner();
    if (winner.isEmpty()) {
      return "No (variant, hardware) pair meets the bounds: loosen the accuracy bound or the p99"
          + " objective, or add hardware.";
    }
    Optimizer.Candidate w = winner.get();
    StringBuilder s = new StringBuilder("Cheapest: ").append(describe(w));
    boolean estimated = !measured(w);
    s.append(" (").append(estimated ? "estimated" : "measured here");
    if (estimated) {
      Optional<Optimizer.Candidate> m =
          r.result().ranked().stream().filter(ChooseVerdict::measured).findFirst();
      s.append(
          m.isPresent()
              ? "; best measured here: " + describe(m.get())
              : "; nothing was measured on a priced machine here");
    }
    s.append(").");
    List<Optimizer.Candidate> ties = r.result().tiedWithWinner();
    if (!ties.isEmpty()) {
      s.append(" Tie: the cost range")
          .append(ties.size() == 1 ? " of " : "s of ")
          .append(names(ties))
          .append(ties.size() == 1 ? " overlaps" : " overlap")
          .append(" the winner's, so these figures cannot tell ")
          .append(ties.size() == 1 ? "the two" : "them")
          .append(" apart; either will do.");
    }
    return s.toString();
  }

  /** The first {@link #NAMED_TIES} of {@code ties} by name, then how many more. */
  private static String names(List<Optimizer.Candidate> ties) {
    List<String> named =
        ties.stream().limit(NAMED_TIES).map(c -> name(c) + " (" + range(c) + ")").toList();
    String list =
        named.size() == 1
            ? named.get(0)
            : String.join(", ", named.subList(0, named.size() - 1))
                + (ties.size() > NAMED_TIES ? ", " : " and ")
                + named.get(named.size() - 1);
    int more = ties.size() - named.size();
    return more == 0 ? list : list + " and " + more + " more (marked = in the table)";
  }

  /**
   * The rank cell of {@code c}, ranked {@code i}th (from 1): {@code =i} when it is tied with the
   * winner, so every tie is marked in the tables.
   */
  public static String rank(Optimizer.Result r, int i, Optimizer.Candidate c) {
    return (r.tiedWithWinner().contains(c) ? "=" : "") + i;
  }

  /** A cost cell: {@code $0.0453 ($0.0301–0.0602)}. */
  public static String cost(Optimizer.Candidate c) {
    return Fmt.usd(c.costPerMillionUsd()) + " (" + range(c) + ")";
  }

  /** A throughput cell: {@code 391k (370k–413k)}. */
  public static String throughput(Optimizer.Row r) {
    return Fmt.si(r.throughputPerS())
        + " ("
        + Fmt.si(r.throughputRangePerS().low())
        + "–"
        + Fmt.si(r.throughputRangePerS().high())
        + ")";
  }

  /** What the ranges in the tables are, in one sentence. */
  public static final String RANGES =
      "Ranges: measured rows from the 95% confidence interval of the median latency, at least"
          + " ±5.6% (run to run); estimated CPU rows also by the CPU model's largest error on this"
          + " host's own measurements (the projection check; a stated default without one) and the"
          + " fitted serial fraction's range; GPU rows a factor 2 either way (assumed). Each row's"
          + " provenance in report.json says which; rows marked = are tied with the winner (their"
          + " cost ranges overlap).";

  /** Whether {@code c}'s cost comes from a measurement on this host. */
  static boolean measured(Optimizer.Candidate c) {
    return c.row().provenance().kind() == Figure.Provenance.Kind.MEASURED;
  }

  /** A cost range in dollars: {@code $0.0301–0.0602}. */
  static String range(Range r) {
    return Fmt.usd(r.low()) + "–" + Fmt.sig(r.high());
  }

  private static String range(Optimizer.Candidate c) {
    return range(c.costPerMillionRangeUsd());
  }

  private static String name(Optimizer.Candidate c) {
    return c.row().variant() + " on " + c.row().hardwareId() + " at batch " + c.row().batch();
  }

  private static String describe(Optimizer.Candidate c) {
    return name(c)
        + ", "
        + Fmt.usd(c.costPerMillionUsd())
        + " per 1M inferences ("
        + range(c)
        + ")";
  }
}
