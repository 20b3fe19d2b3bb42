package dev.infercost.profile;

/**
 * Memory figures of one profiling run, in bytes. RSS figures come from {@code /proc/self/status} on
 * Linux and are {@code null} where that is unavailable ({@code source} says which).
 *
 * @param modelBytes model file size on disk (external data included)
 * @param rssAfterLoad resident set size after the session was created
 * @param peakRss peak resident set size during the measured run ({@code VmHWM}, reset before the
 *     run when the kernel allows, see {@code source})
 * @param source how the RSS figures were obtained
 */
public record MemoryReport(long modelBytes, Long rssAfterLoad, Long peakRss, String source) {}
