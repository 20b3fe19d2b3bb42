package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One machine type in the hardware {@link Catalog}: a cloud instance (priced per hour) or an
 * on-premises server (priced by purchase, life, power and operations; see {@link
 * CostModel#hourlyUsd}).
 *
 * <p>Figures that were not found in any source are {@code null}, never guessed. Figures copied from
 * another part (for example A100 PCIe peaks from the SXM datasheet) are listed in {@link
 * Accelerator#derivedFields()} with a {@link Accelerator#note()}.
 *
 * @param id short unique id such as {@code aws-c7i.large}
 * @param aliases other names {@link Catalog#find} accepts, such as {@code t4} (may be empty)
 * @param provider {@code aws}, {@code gcp}, {@code azure}, {@code onprem}, or any other name
 * @param region the region the price applies to ({@code us-east-1}; {@code us} for on-premises)
 * @param kind cpu, gpu or onprem
 * @param instanceType the provider's name for the machine ({@code c7i.large}); may be null
 * @param vcpus virtual CPUs; required for cloud entries, null where unknown on-premises
 * @param memoryGib host memory in GiB; required for cloud entries, null where unknown on-premises
 * @param cpu the host CPU; its fields are null where not found
 * @param accelerator the GPUs; required for kind gpu, absent for kind cpu
 * @param priceUsdPerHour on-demand price in USD per hour; required for cloud, null on-premises
 * @param priceSource where the price comes from and when
 * @param onPrem purchase, life, power and operations figures; required for kind onprem only
 * @param example true for a user template whose figures are examples, not a price
 * @param notes free-text remarks (catalog quirks, conflicting sources)
 */
public record HardwareEntry(
    String id,
    List<String> aliases,
    String provider,
    String region,
    Kind kind,
    String instanceType,
    Integer vcpus,
    Double memoryGib,
    Cpu cpu,
    Accelerator accelerator,
    Double priceUsdPerHour,
    PriceSource priceSource,
    OnPrem onPrem,
    boolean example,
    List<String> notes) {
  /** The most vCPUs an entry may claim (the largest cloud machines have under 1,000). */
  public static final int MAX_VCPUS = 4096;

  /** What an entry is: a CPU or GPU cloud instance, or an on-premises server. */
  public enum Kind {
    CPU,
    GPU,
    ONPREM;

    /** The lower-case name used in catalog files. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public HardwareEntry {
    Checks.id("id", id);
    aliases = List.copyOf(aliases == null ? List.of() : aliases);
    for (String a : aliases) {
      Checks.id("alias", a);
    }
    Checks.nonBlank("provider", provider);
    Checks.nonBlank("region", region);
    if (kind == null) {
      throw new IllegalArgumentException("kind is required (cpu, gpu or onprem)");
    }
    if (priceSource == null) {
      throw new IllegalArgumentException("priceSource is required");
    }
    cpu = cpu == null ? Cpu.UNKNOWN : cpu;
    notes = List.copyOf(notes == null ? List.of() : notes);
    if (vcpus != null && (vcpus < 1 || vcpus > MAX_VCPUS)) {
      // Beyond any machine sold: a typo that would price every other entry out at ~$0 per 1M.
      throw new IllegalArgumentException("vcpus must be in [1, " + MAX_VCPUS + "], got " + vcpus);
    }
    Checks.positiveOrNull("memoryGib", memoryGib);
    if (kind == Kind.ONPREM) {
      if (onPrem == null) {
        throw new IllegalArgumentException("onPrem is required for kind onprem");
      }
      if (priceUsdPerHour != null) {
        throw new IllegalArgumentException(
            "priceUsdPerHour must be absent for kind onprem (the hourly cost comes from onPrem)");
      }
    } else {
      if (onPrem != null) {
        throw new IllegalArgumentException("onPrem is only allowed for kind onprem");
      }
      if (vcpus == null) {
        throw new IllegalArgumentException("vcpus is required for a cloud entry");
      }
      if (memoryGib == null) {
        throw new IllegalArgumentException("memoryGib is required for a cloud entry");
      }
      if (priceUsdPerHour == null) {
        throw new IllegalArgumentException("priceUsdPerHour is required for a cloud entry");
      }
      Checks.positive("priceUsdPerHour", priceUsdPerHour);
    }
    if (kind == Kind.GPU && accelerator == null) {
      throw new IllegalArgumentException("accelerator is required for kind gpu");
    }
    if (kind == Kind.CPU && accelerator != null) {
      throw new IllegalArgumentException("accelerator must be absent for kind cpu (use kind gpu)");
    }
  }

  /**
   * Physical cores ({@code vcpus ÷ cpu.vcpusPerCore}), or null when either is unknown. This is the
   * core count per-core peaks apply to.
   */
  public Integer cores() {
    if (vcpus == null || cpu.vcpusPerCore() == null) {
      return null;
    }
    return Math.max(1, vcpus / cpu.vcpusPerCore());
  }

  /**
   * The host CPU; any field may be null where not found.
   *
   * @param family vendor, model and generation ({@code Intel Xeon Platinum 8488C (Sapphire
   *     Rapids)})
   * @param vcpusPerCore 2 where SMT exposes two vCPUs per core, 1 otherwise
   * @param allCoreGhz sustained all-core clock in GHz
   * @param fp32GflopsPerCore fp32 peak per physical core in GFLOP/s (GHz × FMA units × fp32 lanes ×
   *     2)
   * @param int8DotIsa the int8 dot-product instructions ({@code AVX-512 VNNI}, {@code SDOT}, or
   *     {@code none})
   * @param simd the vector units, free text
   * @param source where these facts come from
   */
  public record Cpu(
      String family,
      Integer vcpusPerCore,
      Double allCoreGhz,
      Double fp32GflopsPerCore,
      String int8DotIsa,
      String simd,
      String source) {
    static final Cpu UNKNOWN = new Cpu(null, null, null, null, null, null, null);

    public Cpu {
      if (vcpusPerCore != null && vcpusPerCore < 1) {
        throw new IllegalArgumentException("cpu.vcpusPerCore must be >= 1, got " + vcpusPerCore);
      }
      Checks.positiveOrNull("cpu.allCoreGhz", allCoreGhz);
      Checks.positiveOrNull("cpu.fp32GflopsPerCore", fp32GflopsPerCore);
    }

    /**
     * Whether int8 kernels may use full 8-bit weights here: the CPU multiplies int8 pairs with
     * 32-bit accumulation (AVX-512 VNNI, AVX-VNNI, AMX, Arm SDOT). Without such instructions x86
     * kernels pair products into 16-bit sums that saturate (vpmaddubsw), so weights must stay
     * within 7 bits. An entry whose VNNI is not on every host it may run on ("not on ... hosts")
     * counts as without, and so does an unknown ISA.
     */
    public boolean int8FullRange() {
      if (int8DotIsa == null) {
        return false;
      }
      String isa = int8DotIsa.toLowerCase(java.util.Locale.ROOT);
      if (isa.startsWith("none") || isa.contains("not on")) {
        return false;
      }
      return isa.contains("vnni") || isa.contains("amx") || isa.contains("sdot");
    }
  }

  /**
   * The GPUs of an entry; per-GPU figures, multiplied by {@code count} for the machine. Dense
   * (non-sparse) datasheet peaks.
   *
   * @param name the part ({@code T4}, {@code A100 40GB SXM})
   * @param count GPUs in the machine
   * @param memoryGb memory per GPU in GB (10⁹ bytes), or null
   * @param fp32Tflops fp32 peak per GPU in TFLOP/s, or null
   * @param fp16Tflops fp16/bf16 tensor peak per GPU in TFLOP/s, or null
   * @param int8Tops int8 tensor peak per GPU in TOP/s, or null
   * @param memoryBandwidthGbPerS memory bandwidth per GPU in GB/s, or null
   * @param tdpW board power per GPU in W, or null
   * @param derivedFields names of the figures above that were copied from another part rather than
   *     read from this part's own datasheet (see {@code note})
   * @param note why figures are derived or missing, conflicting sources
   * @param source where the figures come from
   */
  public record Accelerator(
      String name,
      int count,
      Double memoryGb,
      Double fp32Tflops,
      Double fp16Tflops,
      Double int8Tops,
      Double memoryBandwidthGbPerS,
      Double tdpW,
      List<String> derivedFields,
      String note,
      String source) {
    /** The figure names {@link #derivedFields} may hold. */
    public static final Set<String> FIGURES =
        Set.of("memoryGb", "fp32Tflops", "fp16Tflops", "int8Tops", "memoryBandwidthGbPerS", "tdpW");

    public Accelerator {
      Checks.nonBlank("accelerator.name", name);
      if (count < 1) {
        throw new IllegalArgumentException("accelerator.count must be >= 1, got " + count);
      }
      Checks.positiveOrNull("accelerator.memoryGb", memoryGb);
      Checks.positiveOrNull("accelerator.fp32Tflops", fp32Tflops);
      Checks.positiveOrNull("accelerator.fp16Tflops", fp16Tflops);
      Checks.positiveOrNull("accelerator.int8Tops", int8Tops);
      Checks.positiveOrNull("accelerator.memoryBandwidthGbPerS", memoryBandwidthGbPerS);
      Checks.positiveOrNull("accelerator.tdpW", tdpW);
      derivedFields = List.copyOf(derivedFields == null ? List.of() : derivedFields);
      for (String f : derivedFields) {
        if (!FIGURES.contains(f)) {
          throw new IllegalArgumentException(
              "accelerator.derivedFields holds '" + f + "'; use figure names " + FIGURES);
        }
      }
      if (!derivedFields.isEmpty() && (note == null || note.isBlank())) {
        throw new IllegalArgumentException(
            "accelerator.note is required when derivedFields is not empty (say where they come"
                + " from)");
      }
    }

    /** Whether the named figure was copied from another part. */
    public boolean isDerived(String figure) {
      return derivedFields.contains(figure);
    }
  }

  /**
   * Where a price comes from.
   *
   * @param source the document or data set, in words
   * @param commit the commit of a versioned source, or null
   * @param url a link, or null
   * @param date when the price was read ({@code 2023-05}), or {@code catalog snapshot} for a
   *     versioned data file whose date is unknown
   */
  public record PriceSource(String source, String commit, String url, String date) {
    public PriceSource {
      Checks.nonBlank("priceSource.source", source);
      Checks.nonBlank("priceSource.date", date);
    }
  }

  /**
   * A number with its source.
   *
   * @param value the number
   * @param source where it comes from (or {@code example value ...} for templates)
   */
  public record Sourced(double value, String source) {
    public Sourced {
      Checks.finite("value", value);
      Checks.nonBlank("source", source);
    }
  }

  /**
   * The figures that price an on-premises machine; see {@link CostModel#onPremHourly}.
   *
   * @param purchaseUsd purchase price in USD (> 0)
   * @param lifeYears years over which the purchase is amortized (> 0)
   * @param powerW electrical draw of the machine in W (>= 0)
   * @param pue power usage effectiveness of the facility (>= 1)
   * @param usdPerKwh electricity price in USD per kWh (>= 0)
   * @param opsShareYearly yearly operations cost (support, staff, space) as a share of the purchase
   *     price (>= 0; 0.2 = 20 % of the purchase per year)
   */
  public record OnPrem(
      Sourced purchaseUsd,
      Sourced lifeYears,
      Sourced powerW,
      Sourced pue,
      Sourced usdPerKwh,
      Sourced opsShareYearly) {
    public OnPrem {
      Checks.positive("onPrem.purchaseUsd", require("purchaseUsd", purchaseUsd).value());
      Checks.positive("onPrem.lifeYears", require("lifeYears", lifeYears).value());
      Checks.nonNegative("onPrem.powerW", require("powerW", powerW).value());
      double p = require("pue", pue).value();
      if (!(p >= 1)) {
        throw new IllegalArgumentException("onPrem.pue must be >= 1, got " + Checks.fmt(p));
      }
      Checks.nonNegative("onPrem.usdPerKwh", require("usdPerKwh", usdPerKwh).value());
      Checks.nonNegative(
          "onPrem.opsShareYearly", require("opsShareYearly", opsShareYearly).value());
    }

    private static Sourced require(String field, Sourced s) {
      if (s == null) {
        throw new IllegalArgumentException("onPrem." + field + " is required");
      }
      return s;
    }
  }
}
