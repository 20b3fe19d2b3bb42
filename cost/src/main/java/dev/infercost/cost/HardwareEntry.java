package dev.infercost.cost;

import com.fasterxml.jackson.annotation.JsonValue;
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

    /** The lower-case name used in catalog files and reports (JSON included). */
    @JsonValue
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
   * @param int8Isa the best int8 instructions every host of this type has (an entry whose hosts
   *     differ gives the weakest), or null where not found
   * @param int8Factor int8 throughput ÷ fp32 throughput of the same model on this CPU (ONNX Runtime
   *     integer kernels vs fp32 kernels), with its source; null where not measured or derived
   * @param simd the vector units, free text
   * @param source where these facts come from
   * @param match how a measuring host is recognised as this entry's CPU, or null (never matched
   *     automatically)
   */
  public record Cpu(
      String family,
      Integer vcpusPerCore,
      Double allCoreGhz,
      Double fp32GflopsPerCore,
      Int8Isa int8Isa,
      Sourced int8Factor,
      String simd,
      String source,
      Match match) {
    static final Cpu UNKNOWN = new Cpu(null, null, null, null, null, null, null, null, null);

    public Cpu {
      if (vcpusPerCore != null && vcpusPerCore < 1) {
        throw new IllegalArgumentException("cpu.vcpusPerCore must be >= 1, got " + vcpusPerCore);
      }
      Checks.positiveOrNull("cpu.allCoreGhz", allCoreGhz);
      Checks.positiveOrNull("cpu.fp32GflopsPerCore", fp32GflopsPerCore);
      if (int8Factor != null) {
        Checks.positive("cpu.int8Factor.value", int8Factor.value());
      }
    }

    /**
     * Whether int8 kernels may use full 8-bit weights here: the CPU multiplies int8 pairs with
     * 32-bit accumulation (VNNI, AMX, Arm SDOT/I8MM). Without such instructions x86 kernels pair
     * products into 16-bit sums that saturate (vpmaddubsw), so weights must stay within 7 bits. An
     * unknown ISA counts as without.
     */
    public boolean int8FullRange() {
      return int8Isa != null && int8Isa.fullRange();
    }
  }

  /**
   * The instructions int8 kernels use on a CPU, weakest first within each architecture. Instruction
   * sets without a 32-bit-accumulating int8 dot product saturate on full-range weights ({@link
   * #fullRange()} false).
   */
  public enum Int8Isa {
    /** x86 AVX2 without VNNI: {@code vpmaddubsw} pairs into saturating 16-bit sums. */
    AVX2("avx2", false),
    /** x86 AVX-512BW without VNNI (Skylake-SP): {@code vpmaddubsw} at 512 bits, saturating. */
    AVX512BW("avx512bw", false),
    /** x86 AVX-VNNI (256-bit {@code vpdpbusd}, Alder Lake and later clients). */
    AVX_VNNI("avx-vnni", true),
    /** x86 AVX-512 VNNI ({@code vpdpbusd}; Cascade Lake, Ice Lake, Zen 4 and later). */
    AVX512_VNNI("avx512-vnni", true),
    /** x86 AMX tiles (Sapphire Rapids and later), besides AVX-512 VNNI. */
    AMX("amx", true),
    /** Arm dot product {@code SDOT}/{@code UDOT} (Neoverse N1, Graviton2 and later). */
    ARM_SDOT("arm-sdot", true),
    /** Arm int8 matrix multiply {@code SMMLA} (Neoverse V1, Graviton3 and later), besides SDOT. */
    ARM_I8MM("arm-i8mm", true);

    private final String label;
    private final boolean fullRange;

    Int8Isa(String label, boolean fullRange) {
      this.label = label;
      this.fullRange = fullRange;
    }

    /** The name catalog files and reports (JSON included) use: {@code avx512-vnni}. */
    @JsonValue
    public String label() {
      return label;
    }

    /** Whether full 8-bit weights are multiplied without saturating. */
    public boolean fullRange() {
      return fullRange;
    }

    /** The ISA named {@code label}, or empty. */
    public static java.util.Optional<Int8Isa> parse(String label) {
      for (Int8Isa i : values()) {
        if (i.label.equals(label)) {
          return java.util.Optional.of(i);
        }
      }
      return java.util.Optional.empty();
    }

    /**
     * The best int8 ISA among CPU {@code flags} as {@code /proc/cpuinfo} spells them ({@code
     * amx_int8}, {@code avx512_vnni}, {@code avx_vnni}, {@code avx512bw}, {@code avx2}; Arm {@code
     * i8mm}, {@code asimddp}), or empty when none of them is there.
     */
    public static java.util.Optional<Int8Isa> fromFlags(java.util.Collection<String> flags) {
      String[][] order = {
        {"amx_int8", "AMX"},
        {"avx512_vnni", "AVX512_VNNI"},
        {"avx_vnni", "AVX_VNNI"},
        {"avx512bw", "AVX512BW"},
        {"avx2", "AVX2"},
        {"i8mm", "ARM_I8MM"},
        {"asimddp", "ARM_SDOT"}
      };
      for (String[] o : order) {
        if (flags.contains(o[0])) {
          return java.util.Optional.of(valueOf(o[1]));
        }
      }
      return java.util.Optional.empty();
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * What a measuring host's CPU must report to be this entry's CPU (every given part must hold). On
   * x86 the numbers are {@code /proc/cpuinfo}'s {@code cpu family} and {@code model}; on Arm its
   * {@code CPU implementer} and {@code CPU part} (see {@link HostCpu}).
   *
   * @param cpuFamily the family number ({@code 25} for AMD Zen 3 and Zen 4, {@code 6} for Intel
   *     Core/Xeon), or null for any
   * @param cpuModels the model numbers, or empty for any model of the family
   * @param modelName a regular expression found (case-insensitively) in the model name, or null
   */
  public record Match(Integer cpuFamily, List<Integer> cpuModels, String modelName) {
    public Match {
      cpuModels = List.copyOf(cpuModels == null ? List.of() : cpuModels);
      if (cpuFamily == null && cpuModels.isEmpty() && modelName == null) {
        throw new IllegalArgumentException(
            "cpu.match needs cpuFamily, cpuModels or modelName (an empty match would take any CPU)");
      }
      if (!cpuModels.isEmpty() && cpuFamily == null) {
        throw new IllegalArgumentException("cpu.match.cpuModels needs cpu.match.cpuFamily");
      }
      if (modelName != null) {
        try {
          java.util.regex.Pattern.compile(modelName);
        } catch (java.util.regex.PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "cpu.match.modelName is not a regular expression: " + e.getDescription());
        }
      }
    }

    /** Whether a CPU with these family and model numbers and this model name is this one. */
    public boolean matches(Integer family, Integer model, String name) {
      if (cpuFamily != null && !cpuFamily.equals(family)) {
        return false;
      }
      if (!cpuModels.isEmpty() && !cpuModels.contains(model)) {
        return false;
      }
      return modelName == null
          || name != null
              && java.util.regex.Pattern.compile(
                      modelName, java.util.regex.Pattern.CASE_INSENSITIVE)
                  .matcher(name)
                  .find();
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
