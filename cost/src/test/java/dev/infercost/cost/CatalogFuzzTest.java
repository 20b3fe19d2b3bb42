package dev.infercost.cost;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.ReaderFuzz;
import java.nio.file.Path;

/**
 * Fuzz test of the hardware catalog reader (see {@code dev.infercost.base.ReaderFuzz}): strict
 * JSON, the schema, every field check and the merge with the built-in catalog; a loaded catalog is
 * also asked for one entry by id. Seeds and past findings are in {@code
 * CatalogFuzzTestInputs/catalog/}.
 */
class CatalogFuzzTest {
  @FuzzTest
  void catalog(byte[] json) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), "catalog.json", json);
    ReaderFuzz.check(
        () -> {
          Catalog c = Catalog.load(f);
          for (HardwareEntry e : c.entries()) {
            c.require(e.id());
          }
        });
  }
}
