package foreign;

import java.io.Serializable;

/** A plain serializable class outside the JDK's and simul's packages, as a user's own would be. */
public record Parcel(int value) implements Serializable {
}
