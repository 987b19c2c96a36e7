package dev.simul.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simul.testing.LogCapture;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which kind of strand a loop gets, and the warning when that is the slow fallback. The test JVM exports
 * {@code jdk.internal.vm}; loops built with {@code new EventLoop(clock, false)} choose as if it did not.
 */
@Timeout(30)
class StrandTest {

    private final VirtualClock clock = new VirtualClock();

    @BeforeEach
    @AfterEach
    void startAfresh() {
        Strand.FALLBACK_WARNED.set(false);
        System.clearProperty(Strand.WARN_PROPERTY);
        System.clearProperty(Strand.KIND_PROPERTY);
    }

    /** Runs {@code loops} loops, twice each, that choose as if the export were there, or not. */
    private void start(boolean exported, int loops) throws Exception {
        for (int i = 0; i < loops; i++) {
            try (EventLoop loop = new EventLoop(clock, exported)) {
                loop.run(() -> 1);
                loop.run(() -> 2);
            }
        }
    }

    private static Strand.Kind defaultKind() {
        try (EventLoop loop = new EventLoop()) {
            return loop.strandKind;
        }
    }

    @Test
    void withTheExportCoroutinesRunOnContinuationsAndNothingIsLogged() throws Exception {
        assertThat(defaultKind()).isEqualTo(Strand.Kind.CONTINUATION);
        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            start(true, 2);
            assertThat(log.records()).isEmpty();
        }
    }

    @Test
    void theFirstLoopToStartOnTheFallbackWarnsOncePerJvmNamingTheFlag() throws Exception {
        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            try (EventLoop built = new EventLoop(clock, false)) {
                assertThat(built.strandKind).isEqualTo(Strand.Kind.VIRTUAL_THREAD);
            }
            assertThat(log.records()).as("built, never started").isEmpty();
            start(false, 3);
            assertThat(log.records()).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getMessage()).contains("--add-exports java.base/jdk.internal.vm=ALL-UNNAMED",
                        "-Dsimul.loop.warnSlowCoroutines=false");
            });
        }
    }

    @Test
    void aLoopThatRunsOnlyCallbacksNeverWarns() {
        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            try (EventLoop loop = new EventLoop(clock, false)) {
                loop.callSoon(loop::stop);
                loop.runForever(); // the process pool's loop: callbacks and I/O, no coroutine
            }
            assertThat(log.records()).isEmpty();
        }
    }

    @Test
    void thePropertySilencesTheWarning() throws Exception {
        System.setProperty(Strand.WARN_PROPERTY, "false");
        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            start(false, 2);
            assertThat(log.records()).isEmpty();
        }
    }

    @Test
    void aFallbackAskedForIsNoCauseForWarning() throws Exception {
        System.setProperty(Strand.KIND_PROPERTY, "thread");
        assertThat(defaultKind()).isEqualTo(Strand.Kind.VIRTUAL_THREAD);
        try (LogCapture log = LogCapture.of(EventLoop.class)) {
            start(false, 2);
            assertThat(log.records()).isEmpty();
        }
    }
}
