package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import java.util.Optional;

/**
 * The answer of a choose run in two sentences, for the terminal, report.md and report.html: the
 * cheapest option with how its cost was obtained, the best option measured on this host beside an
 * estimated winner, and a tie when the runner-up is within {@link #TIE_PERCENT} of the winner.
 */
public final class ChooseVerdict {
  /**
   * Two costs closer than this, in percent, are reported as a tie: closer than the figures can
   * separate (estimated rows are projections; measured rows carry run-to-run noise).
   */
  public static final double TIE_PERCENT = 5;

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
    if (r.result().ranked().size() > 1) {
      Optimizer.Candidate second = r.result().ranked().get(1);
      double gap = (second.costPerMillionUsd() / w.costPerMillionUsd() - 1) * 100;
      if (gap <= TIE_PERCENT) {
        s.append(" Tie: ")
            .append(describe(second))
            .append(" is within ")
            .append(Fmt.sig(Math.max(gap, 0), 2))
            .append("% of it, closer than these figures can separate; either will do.");
      }
    }
    return s.toString();
  }

  /** Whether {@code c}'s cost comes from a measurement on this host. */
  static boolean measured(Optimizer.Candidate c) {
    return c.row().provenance().kind() == Figure.Provenance.Kind.MEASURED;
  }

  private static String describe(Optimizer.Candidate c) {
    return c.row().variant()
        + " on "
        + c.row().hardwareId()
        + " at batch "
        + c.row().batch()
        + ", "
        + Fmt.usd(c.costPerMillionUsd())
        + " per 1M inferences";
  }
}
