package dev.infercost.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EncoderSuiteTest {
  @Test
  void mcNemarIsTheExactTwoSidedBinomialTail() {
    assertEquals(1.0, EncoderSuite.Paired.mcNemar(0, 0), 0.0);
    assertEquals(1.0, EncoderSuite.Paired.mcNemar(3, 3), 0.0);
    assertEquals(2.0 / 32, EncoderSuite.Paired.mcNemar(0, 5), 1e-12);
    assertEquals(2.0 * 11 / 1024, EncoderSuite.Paired.mcNemar(9, 1), 1e-12);
  }

  @Test
  void pairedCountsOnlyTheSentencesWhereTheTwoDiffer() {
    boolean[] peer = {true, true, false, false, true};
    boolean[] ours = {true, false, true, false, false};
    EncoderSuite.Paired d = EncoderSuite.Paired.of(peer, ours);
    assertEquals(2, d.onlyPeer());
    assertEquals(1, d.onlyOurs());
    assertEquals(1.0, d.p(), 1e-12);
  }
}
