package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.compress.CpuFeatures;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.HardwareEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which variants choose builds for which hardware, before anything is built. */
class ChooseVariantsTest {
  private static List<HardwareEntry> entries(String... ids) throws Exception {
    Catalog c = Catalog.builtin();
    List<HardwareEntry> out = new ArrayList<>();
    for (String id : ids) {
      out.add(c.require(id));
    }
    return out;
  }

  private static ChooseRequest.Builder request() throws Exception {
    return ChooseRequest.builder(ModelRef.resolve("digits-cnn"), Bound.maxAccuracyDrop(0.01));
  }

  @Test
  void eachIntMethodIsBuiltOncePerWeightRangeAndPricedOnlyWhereItWasBuiltFor() throws Exception {
    Set<String> notes = new LinkedHashSet<>();
    Map<ChooseVariants.Family, List<String>> families =
        ChooseVariants.families(
            entries("aws-c6a.large", "aws-c7i.large", "aws-g4dn.xlarge"), notes);
    List<ChooseVariants.Plan> plans =
        ChooseVariants.plan(
            request().optMethods(List.of(Method.FP32, Method.INT8_STATIC, Method.FP16)).build(),
            families);
    Map<String, List<String>> pricedOn = new java.util.LinkedHashMap<>();
    plans.forEach(p -> pricedOn.put(p.label(), p.hardware()));
    if (CpuFeatures.needsReducedRange()) {
      // 8-bit weights cannot be checked on this host: every CPU gets 7-bit ones, one build.
      assertEquals(List.of("fp32", "int8-static", "fp16"), List.copyOf(pricedOn.keySet()));
      assertTrue(
          notes.stream().anyMatch(n -> n.contains("this host has no 32-bit int8")),
          notes.toString());
      return;
    }
    assertEquals(
        Map.of(
            "fp32", List.of("aws-c7i.large", "aws-c6a.large", "aws-g4dn.xlarge"),
            "int8-static", List.of("aws-c7i.large", "aws-g4dn.xlarge"),
            "int8-static-7bit", List.of("aws-c6a.large"),
            "fp16", List.of("aws-c7i.large", "aws-c6a.large", "aws-g4dn.xlarge")),
        pricedOn);
    assertTrue(
        plans.stream()
            .filter(p -> p.label().startsWith("int8"))
            .allMatch(p -> p.recipe().orElseThrow().reducedRange() == p.label().endsWith("-7bit")));
    assertTrue(notes.stream().anyMatch(n -> n.contains("built twice")), notes.toString());
  }

  @Test
  void oneFamilyKeepsPlainNamesAndTheSearchIsCalledAuto() throws Exception {
    Map<ChooseVariants.Family, List<String>> families =
        ChooseVariants.families(entries("aws-c6a.large", "azure-f2s_v2"), new LinkedHashSet<>());
    assertEquals(
        List.of("fp32", "int8-dynamic"),
        ChooseVariants.plan(
                request().optMethods(List.of(Method.FP32, Method.INT8_DYNAMIC)).build(), families)
            .stream()
            .map(ChooseVariants.Plan::label)
            .toList());
    List<ChooseVariants.Plan> search =
        ChooseVariants.plan(request().optPrune(List.of(0.2)).build(), families);
    assertEquals(
        List.of("fp32", "auto", "pruned-0.2"),
        search.stream().map(ChooseVariants.Plan::label).toList());
    assertEquals(ChooseVariants.Family.CPU_7BIT, search.get(1).search().orElseThrow());
    assertEquals(List.of("aws-c6a.large", "azure-f2s_v2"), search.get(1).hardware());
  }
}
