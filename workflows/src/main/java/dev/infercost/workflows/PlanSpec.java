package dev.infercost.workflows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.nio.file.Path;

/**
 * The owned hardware and the cloud buying options of a fleet plan, as read from a YAML spec (see
 * {@code examples/plan/own.yaml}) or given one by one; every field may be absent, and {@link #over}
 * lays one spec over another (the command line's flags over the file, the file over the catalog
 * entry it names).
 *
 * @param own the owned machine type
 * @param cloud the cloud machine type and how it may be bought
 */
public record PlanSpec(Own own, Cloud cloud) {
  /**
   * An owned machine type. Money and power figures as in the catalog's on-premises entries.
   *
   * @param catalog a catalog on-premises entry whose figures fill the ones not given here
   * @param purchaseUsd purchase price, USD
   * @param lifeYears amortization period, years
   * @param powerW electrical draw at full load, W
   * @param pue power usage effectiveness of the facility (>= 1)
   * @param usdPerKwh electricity price, USD per kWh
   * @param opsShareYearly yearly operations cost as a share of the purchase price
   * @param replicasPerMachine replicas of the measured unit one machine runs at once (a 64-core
   *     server runs 32 replicas measured on 2 vCPUs)
   * @param maxMachines how many machines can be owned (space, power, budget)
   */
  public record Own(
      String catalog,
      Double purchaseUsd,
      Double lifeYears,
      Double powerW,
      Double pue,
      Double usdPerKwh,
      Double opsShareYearly,
      Double replicasPerMachine,
      Long maxMachines) {
    static final Own NONE = new Own(null, null, null, null, null, null, null, null, null);

    Own over(Own base) {
      return new Own(
          or(catalog, base.catalog),
          or(purchaseUsd, base.purchaseUsd),
          or(lifeYears, base.lifeYears),
          or(powerW, base.powerW),
          or(pue, base.pue),
          or(usdPerKwh, base.usdPerKwh),
          or(opsShareYearly, base.opsShareYearly),
          or(replicasPerMachine, base.replicasPerMachine),
          or(maxMachines, base.maxMachines));
    }
  }

  /**
   * The cloud machine type and its buying options.
   *
   * @param instance its catalog id or alias (its on-demand price comes from the catalog)
   * @param spotDiscount spot price = on-demand × (1 − discount); absent: no spot
   * @param spotCapacityLoss share of a spot machine's throughput lost to interruptions (0 when
   *     absent)
   * @param maxSpotShare largest share of a period's demand on spot (1 when absent)
   * @param reservedDiscount reserved price = on-demand × (1 − discount), paid for the whole
   *     horizon; absent: no reserved machines
   */
  public record Cloud(
      String instance,
      Double spotDiscount,
      Double spotCapacityLoss,
      Double maxSpotShare,
      Double reservedDiscount) {
    static final Cloud NONE = new Cloud(null, null, null, null, null);

    Cloud over(Cloud base) {
      return new Cloud(
          or(instance, base.instance),
          or(spotDiscount, base.spotDiscount),
          or(spotCapacityLoss, base.spotCapacityLoss),
          or(maxSpotShare, base.maxSpotShare),
          or(reservedDiscount, base.reservedDiscount));
    }
  }

  public PlanSpec {
    own = own == null ? Own.NONE : own;
    cloud = cloud == null ? Cloud.NONE : cloud;
  }

  /** No figures at all. */
  public static PlanSpec empty() {
    return new PlanSpec(null, null);
  }

  /** This spec's figures where given, {@code base}'s elsewhere. */
  public PlanSpec over(PlanSpec base) {
    return new PlanSpec(own.over(base.own), cloud.over(base.cloud));
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Reads a spec file; every problem is one line naming the file and the field. */
  public static PlanSpec load(Path file) throws InfercostException {
    PlanSpec s =
        YamlFiles.read(
            YAML,
            file,
            PlanSpec.class,
            "own hardware",
            "examples/plan/own.yaml",
            Parameter.PLAN_SPEC);
    return s == null ? empty() : s;
  }

  private static <T> T or(T a, T b) {
    return a != null ? a : b;
  }
}
