package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.HardwareEntry;
import java.util.Locale;

/**
 * The hardware a compressed model is built for, which decides the recipe: GPUs get fp16 and int8 in
 * QDQ form; CPUs get integer-kernel int8 with 8-bit weights where the CPU multiplies int8 pairs
 * without saturating (VNNI, AMX, Arm SDOT) and 7-bit weights elsewhere — whatever CPU runs the
 * compression.
 *
 * @param id a catalog id, or {@code host} for the machine running infercost
 * @param gpu whether it is a GPU target
 * @param int8Isa the int8 instructions it has, for reports
 * @param reducedRange whether int8 weights must stay within 7 bits there
 */
public record Target(String id, boolean gpu, String int8Isa, boolean reducedRange) {
  /** The id that names the machine running infercost. */
  public static final String HOST = "host";

  /** This machine's CPU. */
  public static Target host() {
    return new Target(
        HOST, false, CpuFeatures.int8InstructionSet(), CpuFeatures.needsReducedRange());
  }

  /** {@code idOrHost} in {@code catalog}: a catalog id or alias, or {@code host}. */
  public static Target of(Catalog catalog, String idOrHost) throws InfercostException {
    if (idOrHost.toLowerCase(Locale.ROOT).equals(HOST)) {
      return host();
    }
    HardwareEntry e;
    try {
      e = catalog.require(idOrHost);
    } catch (InfercostException x) {
      throw new InfercostException(x.getMessage() + "; or use host", Parameter.TARGET, x);
    }
    if (e.kind() != HardwareEntry.Kind.CPU) {
      String gpu = e.accelerator() == null ? "unknown accelerator" : e.accelerator().name();
      return new Target(e.id(), true, gpu, false);
    }
    String isa = e.cpu().int8Isa() == null ? "unknown" : e.cpu().int8Isa().label();
    return new Target(e.id(), false, isa, !e.cpu().int8FullRange());
  }

  /** For reports: {@code aws-c6a.large (CPU, avx2, 7-bit int8 weights)}. */
  public String describe() {
    return id
        + (gpu
            ? " (GPU, " + int8Isa + ")"
            : " (CPU, " + int8Isa + ", " + (reducedRange ? "7" : "8") + "-bit int8 weights)");
  }
}
