package dev.simul.http;

import java.util.ArrayList;
import java.util.List;

/** HTTP header fields in arrival order; names compare case-insensitively. */
public final class Headers {

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    /** Adds a field (repeated names are kept, in order). */
    public Headers add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                all.add(values.get(i));
            }
        }
        return all;
    }

    /** Whether a comma-separated field {@code name} lists {@code token} (case-insensitive), as Connection does. */
    public boolean hasToken(String name, String token) {
        for (String value : all(name)) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many fields. */
    public int size() {
        return names.size();
    }

    /** The name of field {@code i}. */
    public String name(int i) {
        return names.get(i);
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return values.get(i);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            s.append(names.get(i)).append(": ").append(values.get(i)).append('\n');
        }
        return s.toString();
    }
}
