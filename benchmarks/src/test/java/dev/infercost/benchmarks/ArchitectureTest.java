package dev.infercost.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The module boundaries, checked on the main classes of every module (this module's test classpath
 * holds them all: benchmarks depends on workflows and gate, and on cli for tests). Packages are
 * {@code dev.infercost.<module>} (public API) and {@code dev.infercost.<module>.internal}.
 *
 * <p>Adding a rule: declare another {@code @ArchTest static final ArchRule} field (or an
 * {@code @ArchTest static void name(JavaClasses classes)} method); the ArchUnit JUnit 5 engine runs
 * every one on the classes imported below. Two rules are planned once issue 10's refactor lands:
 *
 * <ul>
 *   <li><b>A workflow class does not call another {@code *Workflow} class.</b> A custom condition,
 *       since "another" is relative to the class checked:
 *       <pre>{@code
 * @ArchTest
 * static final ArchRule WORKFLOWS_DO_NOT_CALL_WORKFLOWS =
 *     classes().that().haveSimpleNameEndingWith("Workflow")
 *         .should(new ArchCondition<JavaClass>("not call another *Workflow class") {
 *           public void check(JavaClass c, ConditionEvents events) {
 *             for (JavaCall<?> call : c.getCallsFromSelf()) {
 *               JavaClass target = call.getTargetOwner();
 *               if (target.getSimpleName().endsWith("Workflow") && !target.equals(c)) {
 *                 events.add(SimpleConditionEvent.violated(c, call.getDescription()));
 *               }
 *             }
 *           }
 *         });
 * }</pre>
 *   <li><b>No variant-name string literal outside the variant type.</b> ArchUnit's model has no
 *       string constants (javac inlines them into the constant pool), so this one is a plain source
 *       scan, added here as an {@code @ArchTest static void} method: walk {@code ../*}{@code
 *       /src/main/java} (the test runs in {@code benchmarks/}) and fail on any line with {@code
 *       "fp32"}, {@code "fp16"}, {@code "int8-dynamic"} or {@code "int8-qdq"} outside the variant
 *       type's file and the CLI converters.
 * </ul>
 */
@AnalyzeClasses(packages = "dev.infercost", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** Every module, in dependency order. */
  static final List<String> MODULES =
      List.of(
          "base",
          "models",
          "compress",
          "profile",
          "cost",
          "gate",
          "workflows",
          "cli",
          "benchmarks");

  /** The rules below pass vacuously if a module is missing: check all were imported. */
  @ArchTest
  static void everyModuleIsImported(JavaClasses classes) {
    Set<String> seen = new TreeSet<>();
    for (JavaClass c : classes) {
      String rest = c.getPackageName().substring("dev.infercost.".length());
      seen.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
    }
    assertEquals(new TreeSet<>(MODULES), seen);
  }

  /** No class uses another module's {@code internal} package. */
  @ArchTest
  static final ArchRule NO_FOREIGN_INTERNALS =
      CompositeArchRule.of(
              MODULES.stream()
                  .map(
                      m ->
                          noClasses()
                              .that()
                              .resideOutsideOfPackage("dev.infercost." + m + "..")
                              .should()
                              .dependOnClassesThat()
                              .resideInAPackage("dev.infercost." + m + ".internal.."))
                  .map(ArchRule.class::cast)
                  .toList())
          .as("no class uses another module's dev.infercost.<module>.internal package");

  /**
   * {@code base}, {@code cost} and {@code gate} are plain Java: no native runtime, no ONNX, and
   * none of the modules that bring them, so their math is testable anywhere.
   */
  @ArchTest
  static final ArchRule PLAIN_MODULES_STAY_PLAIN =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.infercost.base..", "dev.infercost.cost..", "dev.infercost.gate..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "ai.onnxruntime..",
              "ai.djl..",
              "ai.onnx..",
              "org.tribuo..",
              "dev.infercost.models..",
              "dev.infercost.compress..",
              "dev.infercost.profile..",
              "dev.infercost.workflows..",
              "dev.infercost.cli..",
              "dev.infercost.benchmarks..");

  /** Modules depend on each other without cycles. */
  @ArchTest
  static final ArchRule NO_MODULE_CYCLES =
      slices().matching("dev.infercost.(*)..").should().beFreeOfCycles();
}
