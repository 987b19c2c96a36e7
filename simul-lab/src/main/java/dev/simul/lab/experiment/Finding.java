package dev.simul.lab.experiment;

import java.util.List;

/**
 * What an experiment found. Its record components are its JSON (under the experiment's name, in snake_case, as the
 * rest of the lab's JSON); {@link #render()} is its section of the printed report, and {@link #verdicts()} the
 * sentences that answer the seeds' claims from the numbers.
 */
public interface Finding {

    /** The section of the report: a title line, the measurements as a table, then the verdicts. */
    String render();

    /** The answers to the seeds' claims, a sentence or two each, computed from the measurements. */
    List<String> verdicts();
}
