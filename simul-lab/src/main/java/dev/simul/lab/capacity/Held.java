package dev.simul.lab.capacity;

/**
 * What one step of a model did: how many units it asked for and got sleeping, how long that and their release took,
 * and what they cost.
 *
 * @param requested the units the step asked for
 * @param started   the units started; fewer than requested when {@code stop} is set
 * @param startS    from the first unit's creation to all started units sleeping, in seconds
 * @param releaseS  from waking them to the last one ended (joined, or its process gone), in seconds
 * @param memory    what they held while sleeping, or null if they never all slept
 * @param stop      why the step ended early, or null if all {@code requested} slept
 */
record Held(int requested, int started, double startS, double releaseS, Meter.Sample memory, Stop stop) {
}
