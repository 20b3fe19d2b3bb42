package dev.infercost.benchmarks;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The module boundaries, checked on the main classes of every module (this module's test classpath
 * holds them all: benchmarks depends on workflows and gate, and on cli for tests). Packages are
 * {@code dev.infercost.<module>} (public API) and {@code dev.infercost.<module>.internal}.
 *
 * <p>Adding a rule: declare another {@code @ArchTest static final ArchRule} field (or an
 * {@code @ArchTest static void name(JavaClasses classes)} method); the ArchUnit JUnit 5 engine runs
 * every one on the classes imported below.
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

  /**
   * A flow never runs another flow to get one of its by-products: a workflow class calls no other
   * {@code *Workflow} class (they share library calls such as {@code Variants.build} instead).
   */
  @ArchTest
  static final ArchRule WORKFLOWS_DO_NOT_CALL_WORKFLOWS =
      classes()
          .that()
          .haveSimpleNameEndingWith("Workflow")
          .should(
              new ArchCondition<JavaClass>("not use another *Workflow class") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                  for (JavaAccess<?> call : c.getAccessesFromSelf()) {
                    JavaClass target = call.getTargetOwner();
                    if (target.getSimpleName().endsWith("Workflow") && !target.equals(c)) {
                      events.add(SimpleConditionEvent.violated(c, call.getDescription()));
                    }
                  }
                }
              });

  /**
   * Variant names are spelled once, in {@code workflows.Method}, and parsed at the edge; every
   * other class of the modules that see that type holds a {@code Method}. ArchUnit's model has no
   * string constants (javac inlines them), so this reads the sources. ({@code compress} names its
   * passes {@code fp16} and {@code int8-qdq}: a pass vocabulary of a module below the variant
   * type.)
   */
  @ArchTest
  static void variantNamesAreSpelledOnlyInTheVariantType(JavaClasses classes) throws IOException {
    Pattern literal = Pattern.compile("\"(fp32|fp16|int8-dynamic|int8-qdq)\"");
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> found = new ArrayList<>();
    for (String module : List.of("workflows", "cli", "benchmarks")) {
      Path src = root.resolve(module).resolve("src/main/java");
      assertTrue(Files.isDirectory(src), src + " not found (the test runs in benchmarks/)");
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          if (f.endsWith(Path.of("dev/infercost/workflows/Method.java"))) {
            continue;
          }
          List<String> lines = Files.readAllLines(f);
          for (int i = 0; i < lines.size(); i++) {
            if (literal.matcher(lines.get(i)).find()) {
              found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
            }
          }
        }
      }
    }
    assertEquals(List.of(), found, "variant names outside workflows.Method");
  }
}
