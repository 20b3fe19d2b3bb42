package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemandProfileTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    Path f = dir.resolve("demand.csv");
    Files.write(f, text.getBytes(StandardCharsets.UTF_8));
    return f;
  }

  @Test
  void readsPeriodsHoursAndComments() throws Exception {
    List<FleetPlanner.Period> p =
        DemandProfile.load(
            csv("\uFEFF# a comment\nperiod,hours,qps\nnight,8,10.5\n\nday , 16 , 200\n"));
    assertEquals(2, p.size());
    assertEquals(new FleetPlanner.Period("night", 8, 10.5), p.get(0));
    assertEquals(new FleetPlanner.Period("day", 16, 200), p.get(1));
  }

  @Test
  void defaultsToHourlyPeriodsNumberedByRow() throws Exception {
    List<FleetPlanner.Period> p = DemandProfile.load(csv("qps\r\n1\r\n0\r\n"));
    assertEquals(new FleetPlanner.Period("#1", 1, 1), p.get(0));
    assertEquals(new FleetPlanner.Period("#2", 1, 0), p.get(1));
  }

  private void refused(String text, String expected) throws IOException {
    Path f = csv(text);
    InfercostException e = assertThrows(InfercostException.class, () -> DemandProfile.load(f));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertEquals(Parameter.DEMAND, e.hint().orElseThrow());
  }

  @Test
  void refusesBadRowsNamingTheRow() throws IOException {
    refused("period,qps\na,1\nb,abc\n", "row 3: qps 'abc' is not a number");
    refused("period,qps\na,-1\n", "row 2: qps must be >= 0, got -1");
    refused("period,qps\na,NaN\n", "row 2: qps 'NaN' is not a finite decimal number");
    refused("period,qps\na,Infinity\n", "row 2: qps 'Infinity' is not a finite");
    refused("period,qps\na,1d\n", "row 2: qps '1d' is not a finite");
    refused("period,qps\na,1,2\n", "row 2: 3 fields but the header has 2");
    refused("period,qps\n,1\n", "row 2: empty period label");
    refused("period,hours,qps\na,0,1\n", "row 2: hours must be > 0, got 0");
    refused("period,qps\na,\n", "row 2: qps '' is not a number");
  }

  @Test
  void refusesBadHeadersAndEmptyProfiles() throws IOException {
    refused("period,load\na,1\n", "row 1: unknown column 'load'");
    refused("period,hours\na,1\n", "row 1: no 'qps' column");
    refused("qps,QPS\n1,1\n", "row 1: column 'qps' appears twice");
    refused("", "empty: no header row");
    refused("# only a comment\n\n", "empty: no header row");
    refused("period,qps\n", "no periods after the header");
  }

  @Test
  void refusesMissingAndBinaryFiles() throws IOException {
    Path missing = dir.resolve("none.csv");
    InfercostException e =
        assertThrows(InfercostException.class, () -> DemandProfile.load(missing));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    Path bin = dir.resolve("bin.csv");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    e = assertThrows(InfercostException.class, () -> DemandProfile.load(bin));
    assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
  }

  @Test
  void constantDemand() throws InfercostException {
    assertEquals(List.of(new FleetPlanner.Period("constant", 24, 5)), DemandProfile.constant(5));
    assertThrows(InfercostException.class, () -> DemandProfile.constant(0));
    assertThrows(InfercostException.class, () -> DemandProfile.constant(Double.NaN));
  }
}
