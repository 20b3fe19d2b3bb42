package dev.infercost.cost;

import dev.infercost.cost.internal.CatalogParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The hardware catalog: machine types with their prices, sources and hardware facts, read from JSON
 * (schema 1, described in {@code cost/README.md}).
 *
 * <p>{@link #builtin()} is the catalog shipped in this jar (resource {@code
 * dev/infercost/cost/catalog.json}). {@link #load(Path)} reads a user file: without {@code
 * "extends"} it is a catalog of its own; with {@code "extends": "builtin"} its entries replace the
 * built-in entries of the same id (whole entries, not single fields) and add the others after them.
 *
 * <p>{@link #find} accepts an id or an alias, case-insensitively. A catalog is immutable.
 */
public final class Catalog {
  private static final String RESOURCE = "catalog.json";

  private final String origin;
  private final List<HardwareEntry> entries;
  private final Map<String, HardwareEntry> byName;

  private Catalog(String origin, List<HardwareEntry> entries) {
    this.origin = origin;
    this.entries = List.copyOf(entries);
    Map<String, HardwareEntry> names = new HashMap<>();
    for (HardwareEntry e : this.entries) {
      names.put(key(e.id()), e);
    }
    for (HardwareEntry e : this.entries) {
      for (String a : e.aliases()) {
        names.putIfAbsent(key(a), e);
      }
    }
    this.byName = Collections.unmodifiableMap(names);
  }

  /** The catalog shipped with infercost. */
  public static Catalog builtin() {
    return Builtin.CATALOG;
  }

  /**
   * Reads a user catalog file. With {@code "extends": "builtin"} the result is the built-in catalog
   * with this file's entries replacing those of the same id and the rest appended; otherwise the
   * file alone.
   *
   * @throws CatalogException when the file cannot be read, is not valid JSON, has the wrong schema,
   *     an unknown or malformed field, a missing required field, a negative price, an unknown kind,
   *     a duplicate id, or an alias that another entry already uses
   */
  public static Catalog load(Path file) throws CatalogException {
    String name = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CatalogException(name + ": no such file; check the path", e);
    } catch (IOException e) {
      throw new CatalogException(name + ": cannot read (" + e + "); check the path", e);
    }
    CatalogParser.Parsed parsed = CatalogParser.parse(bytes, name);
    if (!parsed.extendsBuiltin()) {
      return new Catalog(name, parsed.entries());
    }
    Map<String, HardwareEntry> merged = new LinkedHashMap<>();
    for (HardwareEntry e : builtin().entries) {
      merged.put(key(e.id()), e);
    }
    for (HardwareEntry e : parsed.entries()) {
      merged.put(key(e.id()), e);
    }
    List<HardwareEntry> all = new ArrayList<>(merged.values());
    CatalogParser.checkAliases(
        name, all, " in the built-in catalog; drop the alias or override that entry");
    return new Catalog(name + " (extends builtin)", all);
  }

  /** Where the catalog came from: {@code builtin}, or the file (and whether it extends builtin). */
  public String origin() {
    return origin;
  }

  /** All entries, in file order (built-in entries first when a file extends builtin). */
  public List<HardwareEntry> entries() {
    return entries;
  }

  /** The entry whose id or alias is {@code idOrAlias}, ignoring case. */
  public Optional<HardwareEntry> find(String idOrAlias) {
    return idOrAlias == null ? Optional.empty() : Optional.ofNullable(byName.get(key(idOrAlias)));
  }

  /**
   * Like {@link #find}, but a missing entry is a {@link CatalogException} naming the catalog.
   *
   * @throws CatalogException when no entry has that id or alias
   */
  public HardwareEntry require(String idOrAlias) throws CatalogException {
    Optional<HardwareEntry> e = find(idOrAlias);
    if (e.isEmpty()) {
      throw new CatalogException(
          origin
              + ": no entry with id or alias '"
              + idOrAlias
              + "'; list the entries or add one in a catalog file with \"extends\": \"builtin\"");
    }
    return e.get();
  }

  @Override
  public String toString() {
    return "Catalog[" + origin + ", " + entries.size() + " entries]";
  }

  private static String key(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** Parses the built-in catalog once, on first use. */
  private static final class Builtin {
    static final Catalog CATALOG = read();

    private static Catalog read() {
      try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("built-in catalog resource missing: " + RESOURCE);
        }
        CatalogParser.Parsed parsed = CatalogParser.parse(in.readAllBytes(), "builtin");
        if (parsed.extendsBuiltin()) {
          throw new IllegalStateException("built-in catalog cannot extend itself");
        }
        return new Catalog("builtin", parsed.entries());
      } catch (IOException | CatalogException e) {
        throw new IllegalStateException("built-in catalog is broken: " + e.getMessage(), e);
      }
    }
  }
}
