package evil;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * Stands for a deserialization gadget: a class outside the allow-list whose readObject has side effects. Tests
 * check that the pool's filter refuses it before its readObject runs.
 */
public final class Gadget implements Serializable {

    /** Set when any instance is deserialized; must stay false. */
    public static volatile boolean readObjectRan;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        readObjectRan = true;
        in.defaultReadObject();
    }
}
