package dev.simul.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * A submitter's word to a member about jobs it sent: stop them ({@link Host#stop}), interrupting those that run if
 * asked. It runs on the member's control executor, never queued behind tasks. Answers, per id, whether that job
 * will now never begin. Public for Hazelcast, which makes one to read it; not API.
 */
public final class Control implements Callable<boolean[]>, DataSerializable, HazelcastInstanceAware {

    private String[] ids;
    private boolean interrupt;
    private transient HazelcastInstance instance;

    /** For Hazelcast, which reads the fields in. */
    public Control() {
    }

    Control(String[] ids, boolean interrupt) {
        this.ids = ids;
        this.interrupt = interrupt;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
        this.instance = instance;
    }

    @Override
    public boolean[] call() {
        Host host = Host.of(instance);
        boolean[] neverBegins = new boolean[ids.length];
        if (host != null) {
            for (int i = 0; i < ids.length; i++) {
                neverBegins[i] = host.stop(ids[i], interrupt);
            }
        }
        return neverBegins;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeStringArray(ids);
        out.writeBoolean(interrupt);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        ids = in.readStringArray();
        interrupt = in.readBoolean();
    }
}
