package dev.infercost.workflows;

import dev.infercost.cost.FleetPlanner;
import java.util.List;

/**
 * The outcome of {@code plan}, as written to report.json.
 *
 * @param schema 1
 * @param kind always {@code plan}
 * @param verdict the answer in one line
 * @param throughput the per-replica throughput and where it comes from
 * @param demand the demand profile's source and shape
 * @param own the owned machine type, resolved
 * @param cloud the cloud machine type and its buying options, resolved
 * @param plan the whole-machine fleet per period, its cost and the relaxation's bound
 * @param ownUtilization the owned machines' average utilization in the plan (0 to 1; null when the
 *     plan owns none)
 * @param breakEven at which utilization owning costs the same as renting
 * @param sensitivity the plan with electricity, demand and hardware price moved
 * @param notes the assumptions behind the figures
 */
public record PlanReport(
    int schema,
    String kind,
    String verdict,
    Throughput throughput,
    Demand demand,
    Own own,
    Cloud cloud,
    FleetPlanner.Plan plan,
    Double ownUtilization,
    BreakEven breakEven,
    List<FleetPlanner.Shift> sensitivity,
    List<String> notes) {
  public PlanReport {
    sensitivity = List.copyOf(sensitivity);
    notes = List.copyOf(notes);
  }

  /**
   * @param perReplicaQps inferences/s of one replica
   * @param source where it comes from (file, variant, hardware, measured or estimated)
   */
  public record Throughput(double perReplicaQps, String source) {}

  /**
   * @param source the CSV file, or {@code constant}
   * @param periods how many periods
   * @param hours the horizon in hours
   * @param peakQps the largest demand
   * @param meanQps the time-weighted mean demand
   */
  public record Demand(String source, int periods, double hours, double peakQps, double meanQps) {}

  /**
   * @param name the catalog entry it starts from, or {@code own}
   * @param purchaseUsd purchase price
   * @param lifeYears amortization years
   * @param powerW draw at full load
   * @param pue power usage effectiveness
   * @param usdPerKwh electricity price
   * @param opsShareYearly yearly operations share of the purchase
   * @param replicasPerMachine replicas one machine runs
   * @param maxMachines how many may be owned (null: no limit)
   * @param machine what the program uses: ownership and energy per hour, throughput
   */
  public record Own(
      String name,
      double purchaseUsd,
      double lifeYears,
      double powerW,
      double pue,
      double usdPerKwh,
      double opsShareYearly,
      double replicasPerMachine,
      Long maxMachines,
      FleetPlanner.Own machine) {}

  /**
   * @param priceSource where the on-demand price comes from, and when
   * @param machine the cloud machine type and buying options the program uses
   */
  public record Cloud(String priceSource, FleetPlanner.Cloud machine) {}

  /**
   * @param onDemand utilization above which owning beats renting on demand (null: never)
   * @param spot the same against spot (null: no spot, or never)
   */
  public record BreakEven(Double onDemand, Double spot) {}
}
