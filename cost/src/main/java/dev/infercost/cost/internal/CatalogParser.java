package dev.infercost.cost.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.infercost.base.StrictJson;
import dev.infercost.cost.CatalogException;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.HardwareEntry.Accelerator;
import dev.infercost.cost.HardwareEntry.Cpu;
import dev.infercost.cost.HardwareEntry.Int8Isa;
import dev.infercost.cost.HardwareEntry.Kind;
import dev.infercost.cost.HardwareEntry.Match;
import dev.infercost.cost.HardwareEntry.OnPrem;
import dev.infercost.cost.HardwareEntry.PriceSource;
import dev.infercost.cost.HardwareEntry.Sourced;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads catalog JSON (schema 1) into entries. Every failure is a one-line {@link CatalogException}
 * naming the file, the entry (number and id) and the field. Keys starting with {@code $} are
 * comments and ignored; any other unknown key is an error, so a misspelt field is never silently
 * dropped.
 */
public final class CatalogParser {
  /** The schema version this parser reads. */
  public static final int SCHEMA = 1;

  private static final String HINT = "see cost/README.md for the catalog schema";
  private static final Set<String> TOP = Set.of("schema", "description", "extends", "entries");
  private static final Set<String> ENTRY =
      Set.of(
          "id",
          "aliases",
          "provider",
          "region",
          "kind",
          "instanceType",
          "vcpus",
          "memoryGib",
          "cpu",
          "accelerator",
          "priceUsdPerHour",
          "priceSource",
          "onPrem",
          "example",
          "notes");
  private static final Set<String> CPU =
      Set.of(
          "family",
          "vcpusPerCore",
          "allCoreGhz",
          "fp32GflopsPerCore",
          "int8Isa",
          "int8Factor",
          "simd",
          "source",
          "match");
  private static final Set<String> MATCH = Set.of("cpuFamily", "cpuModels", "modelName");
  private static final Set<String> ACCELERATOR =
      Set.of(
          "name",
          "count",
          "memoryGb",
          "fp32Tflops",
          "fp16Tflops",
          "int8Tops",
          "memoryBandwidthGbPerS",
          "tdpW",
          "derivedFields",
          "note",
          "source");
  private static final Set<String> PRICE_SOURCE = Set.of("source", "commit", "url", "date");
  private static final List<String> ON_PREM =
      List.of("purchaseUsd", "lifeYears", "powerW", "pue", "usdPerKwh", "opsShareYearly");
  private static final Set<String> SOURCED = Set.of("value", "source");

  private static final ObjectReader READER =
      StrictJson.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private CatalogParser() {}

  /**
   * A parsed file.
   *
   * @param extendsBuiltin whether the file said {@code "extends": "builtin"}
   * @param entries the entries in file order
   */
  public record Parsed(boolean extendsBuiltin, List<HardwareEntry> entries) {
    public Parsed {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Parses {@code json}; {@code file} names the source in messages. Checks the schema, the fields
   * and their types, each entry's values (through the records' constructors), and that ids and
   * aliases are unique within the file (case-insensitively).
   */
  public static Parsed parse(byte[] json, String file) throws CatalogException {
    JsonNode root;
    try {
      root = READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CatalogException(StrictJson.notValid(file, e) + "; fix the syntax", e);
    } catch (IOException e) {
      throw new CatalogException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (root == null || root.isMissingNode()) {
      throw new CatalogException(file + ": empty file; write a catalog object, " + HINT);
    }
    if (!root.isObject()) {
      throw new CatalogException(
          file + ": the top level must be a JSON object with \"schema\" and \"entries\"; " + HINT);
    }
    Ctx top = new Ctx(file, null);
    top.unknownKeys(root, TOP, "");
    JsonNode schema = root.get("schema");
    if (schema == null || schema.isNull()) {
      throw new CatalogException(
          file + ": missing field 'schema'; add \"schema\": " + SCHEMA + " at the top level");
    }
    if (!schema.canConvertToExactIntegral() || schema.asInt() != SCHEMA) {
      throw new CatalogException(
          file
              + ": field 'schema' is "
              + schema
              + "; this version reads schema "
              + SCHEMA
              + ", write \"schema\": "
              + SCHEMA);
    }
    boolean extendsBuiltin = false;
    JsonNode ext = root.get("extends");
    if (ext != null && !ext.isNull()) {
      if (!ext.isTextual() || !ext.asText().equals("builtin")) {
        throw new CatalogException(
            file
                + ": field 'extends' is "
                + ext
                + "; the only value is \"builtin\" (or leave it out to replace the built-in"
                + " catalog)");
      }
      extendsBuiltin = true;
    }
    JsonNode list = root.get("entries");
    if (list == null || list.isNull()) {
      throw new CatalogException(file + ": missing field 'entries'; add an array of entries");
    }
    if (!list.isArray()) {
      throw new CatalogException(file + ": field 'entries' must be an array of entry objects");
    }
    List<HardwareEntry> entries = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>();
    int n = 0;
    for (JsonNode node : list) {
      n++;
      HardwareEntry e = entry(node, file, n);
      Integer previous = ids.putIfAbsent(e.id().toLowerCase(Locale.ROOT), n);
      if (previous != null) {
        throw new CatalogException(
            file
                + ": entry #"
                + n
                + ": duplicate id '"
                + e.id()
                + "' (also entry #"
                + previous
                + "); give each entry a unique id");
      }
      entries.add(e);
    }
    checkAliases(file, entries, "; aliases must be unique");
    return new Parsed(extendsBuiltin, entries);
  }

  private static HardwareEntry entry(JsonNode node, String file, int n) throws CatalogException {
    Ctx c = new Ctx(file, "entry #" + n);
    if (!node.isObject()) {
      throw c.fail("must be an object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    String id = c.text(node, "id", true);
    c = new Ctx(file, "entry #" + n + " '" + id + "'");
    c.unknownKeys(node, ENTRY, "");
    String kindText = c.text(node, "kind", true);
    Kind kind;
    try {
      kind = Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw c.fail("field 'kind' is '" + kindText + "'; use one of cpu, gpu, onprem");
    }
    String provider = c.text(node, "provider", true);
    String region = c.text(node, "region", true);
    JsonNode ps = c.object(node, "priceSource", true);
    c.unknownKeys(ps, PRICE_SOURCE, "priceSource.");
    try {
      PriceSource priceSource =
          new PriceSource(
              c.text(ps, "source", true, "priceSource."),
              c.text(ps, "commit", false, "priceSource."),
              c.text(ps, "url", false, "priceSource."),
              c.text(ps, "date", true, "priceSource."));
      return new HardwareEntry(
          id,
          c.strings(node, "aliases"),
          provider,
          region,
          kind,
          c.text(node, "instanceType", false),
          c.integer(node, "vcpus", ""),
          c.number(node, "memoryGib", ""),
          cpu(node, c),
          accelerator(node, c),
          c.number(node, "priceUsdPerHour", ""),
          priceSource,
          onPrem(node, c),
          c.bool(node, "example"),
          c.strings(node, "notes"));
    } catch (IllegalArgumentException e) {
      throw c.fail(e.getMessage());
    }
  }

  private static Cpu cpu(JsonNode entry, Ctx c) throws CatalogException {
    JsonNode n = c.object(entry, "cpu", false);
    if (n == null) {
      return null;
    }
    c.unknownKeys(n, CPU, "cpu.");
    String isaText = c.text(n, "int8Isa", false, "cpu.");
    Int8Isa isa = null;
    if (isaText != null) {
      isa =
          Int8Isa.parse(isaText)
              .orElseThrow(
                  () ->
                      c.fail(
                          "field 'cpu.int8Isa' is '"
                              + isaText
                              + "'; use one of "
                              + java.util.Arrays.stream(Int8Isa.values())
                                  .map(Int8Isa::label)
                                  .toList()
                              + " (or null where unknown)"));
    }
    Sourced factor = null;
    JsonNode f = c.object(n, "int8Factor", false, "cpu.");
    if (f != null) {
      c.unknownKeys(f, SOURCED, "cpu.int8Factor.");
      Double value = c.number(f, "value", "cpu.int8Factor.");
      if (value == null) {
        throw c.fail("missing field 'cpu.int8Factor.value'; add the number");
      }
      factor = new Sourced(value, c.text(f, "source", true, "cpu.int8Factor."));
    }
    Match match = null;
    JsonNode m = c.object(n, "match", false, "cpu.");
    if (m != null) {
      c.unknownKeys(m, MATCH, "cpu.match.");
      List<Integer> models = new ArrayList<>();
      JsonNode list = m.get("cpuModels");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          throw c.fail("field 'cpu.match.cpuModels' must be an array of whole numbers");
        }
        for (JsonNode x : list) {
          if (!x.canConvertToExactIntegral() || !x.canConvertToInt()) {
            throw c.fail("field 'cpu.match.cpuModels' must hold whole numbers, got " + x);
          }
          models.add(x.intValue());
        }
      }
      match =
          new Match(
              c.integer(m, "cpuFamily", "cpu.match."),
              models,
              c.text(m, "modelName", false, "cpu.match."));
    }
    return new Cpu(
        c.text(n, "family", false, "cpu."),
        c.integer(n, "vcpusPerCore", "cpu."),
        c.number(n, "allCoreGhz", "cpu."),
        c.number(n, "fp32GflopsPerCore", "cpu."),
        isa,
        factor,
        c.text(n, "simd", false, "cpu."),
        c.text(n, "source", false, "cpu."),
        match);
  }

  private static Accelerator accelerator(JsonNode entry, Ctx c) throws CatalogException {
    JsonNode n = c.object(entry, "accelerator", false);
    if (n == null) {
      return null;
    }
    String p = "accelerator.";
    c.unknownKeys(n, ACCELERATOR, p);
    Integer count = c.integer(n, "count", p);
    if (count == null) {
      throw c.fail("missing field 'accelerator.count'; add the number of GPUs");
    }
    return new Accelerator(
        c.text(n, "name", true, p),
        count,
        c.number(n, "memoryGb", p),
        c.number(n, "fp32Tflops", p),
        c.number(n, "fp16Tflops", p),
        c.number(n, "int8Tops", p),
        c.number(n, "memoryBandwidthGbPerS", p),
        c.number(n, "tdpW", p),
        c.strings(n, "derivedFields", p),
        c.text(n, "note", false, p),
        c.text(n, "source", false, p));
  }

  private static OnPrem onPrem(JsonNode entry, Ctx c) throws CatalogException {
    JsonNode n = c.object(entry, "onPrem", false);
    if (n == null) {
      return null;
    }
    c.unknownKeys(n, Set.copyOf(ON_PREM), "onPrem.");
    Sourced[] v = new Sourced[ON_PREM.size()];
    for (int i = 0; i < v.length; i++) {
      String f = ON_PREM.get(i);
      String p = "onPrem." + f + ".";
      JsonNode s = c.object(n, f, true, "onPrem.");
      c.unknownKeys(s, SOURCED, p);
      Double value = c.number(s, "value", p);
      if (value == null) {
        throw c.fail("missing field '" + p + "value'; add the number");
      }
      String source = c.text(s, "source", true, p);
      v[i] = new Sourced(value, source);
    }
    return new OnPrem(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  /** Jackson's message without its source-location decorations, on one line. */
  /** Message context: the file and the entry being read. */
  private record Ctx(String file, String where) {
    CatalogException fail(String detail) {
      String at = where == null ? "" : where + ": ";
      return new CatalogException(file + ": " + at + detail + "; " + HINT);
    }

    void unknownKeys(JsonNode node, Set<String> known, String prefix) throws CatalogException {
      Iterator<String> it = node.fieldNames();
      while (it.hasNext()) {
        String k = it.next();
        if (!k.startsWith("$") && !known.contains(k)) {
          throw fail(
              "unknown field '" + prefix + k + "' (misspelt? keys starting with $ are comments)");
        }
      }
    }

    JsonNode object(JsonNode node, String field, boolean required) throws CatalogException {
      return object(node, field, required, "");
    }

    JsonNode object(JsonNode node, String field, boolean required, String prefix)
        throws CatalogException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          throw fail("missing field '" + prefix + field + "'");
        }
        return null;
      }
      if (!v.isObject()) {
        throw fail("field '" + prefix + field + "' must be an object, got " + v);
      }
      return v;
    }

    String text(JsonNode node, String field, boolean required) throws CatalogException {
      return text(node, field, required, "");
    }

    String text(JsonNode node, String field, boolean required, String prefix)
        throws CatalogException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        if (required) {
          throw fail("missing field '" + prefix + field + "'");
        }
        return null;
      }
      if (!v.isTextual()) {
        throw fail("field '" + prefix + field + "' must be a string, got " + v);
      }
      if (required && v.asText().isBlank()) {
        throw fail("field '" + prefix + field + "' is empty");
      }
      return v.asText();
    }

    Double number(JsonNode node, String field, String prefix) throws CatalogException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isNumber()) {
        throw fail("field '" + prefix + field + "' must be a number, got " + v);
      }
      double d = v.doubleValue();
      if (!Double.isFinite(d)) {
        throw fail("field '" + prefix + field + "' is out of range: " + v);
      }
      return d;
    }

    Integer integer(JsonNode node, String field, String prefix) throws CatalogException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToInt()) {
        throw fail("field '" + prefix + field + "' must be a whole number, got " + v);
      }
      return v.intValue();
    }

    boolean bool(JsonNode node, String field) throws CatalogException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return false;
      }
      if (!v.isBoolean()) {
        throw fail("field '" + field + "' must be true or false, got " + v);
      }
      return v.booleanValue();
    }

    List<String> strings(JsonNode node, String field) throws CatalogException {
      return strings(node, field, "");
    }

    List<String> strings(JsonNode node, String field, String prefix) throws CatalogException {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return List.of();
      }
      if (!v.isArray()) {
        throw fail("field '" + prefix + field + "' must be an array of strings, got " + v);
      }
      List<String> out = new ArrayList<>();
      for (JsonNode s : v) {
        if (!s.isTextual()) {
          throw fail("field '" + prefix + field + "' must hold only strings, got " + s);
        }
        out.add(s.asText());
      }
      return out;
    }
  }

  /**
   * Refuses an alias that is another entry's id or alias (case-insensitive), naming {@code file}
   * and ending the message with {@code advice} (what to do).
   */
  public static void checkAliases(String file, List<HardwareEntry> entries, String advice)
      throws CatalogException {
    Map<String, String> owner = new HashMap<>();
    for (HardwareEntry e : entries) {
      owner.put(e.id().toLowerCase(Locale.ROOT), e.id());
    }
    for (HardwareEntry e : entries) {
      for (String a : e.aliases()) {
        String o = owner.putIfAbsent(a.toLowerCase(Locale.ROOT), e.id());
        if (o != null && !o.equals(e.id())) {
          throw new CatalogException(
              file
                  + ": entry '"
                  + e.id()
                  + "': alias '"
                  + a
                  + "' is already the id or an alias of '"
                  + o
                  + "'"
                  + advice);
        }
      }
    }
  }
}
