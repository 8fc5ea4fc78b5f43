package dev.parley.functions.snapstart;

import dev.parley.functions.observability.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * One function family's SnapStart runtime hooks: steps run before Lambda takes the snapshot
 * (priming: whatever the first request would otherwise load, link or fetch) and steps run right
 * after an execution environment is restored from it (refreshing what must not be shared by every
 * environment restored from one snapshot, or may be stale by then).
 *
 * <p>A failing step is logged and skipped, never thrown: a failed priming only leaves work to the
 * first request (as without SnapStart), whereas a thrown hook fails the version's publication, and
 * a failed refresh after a restore is retried by the first request that needs it.
 *
 * <p>{@code org.crac} holds registered resources through weak references; {@link #register} keeps
 * them reachable for the life of the JVM.
 */
public final class SnapStartHooks implements Resource {
    /** One named, idempotent piece of work. */
    public record Step(String name, Action action) {}

    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Lambda's variable naming how it initializes an execution environment: {@code snap-start} when
     * the init runs to take a snapshot, {@code on-demand} or {@code provisioned-concurrency} otherwise
     * (docs/architecture.md, "Priming and SnapStart").
     */
    public static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";

    private static final List<SnapStartHooks> REGISTERED = new CopyOnWriteArrayList<>();

    private final String family;
    private final List<Step> beforeCheckpoint;
    private final List<Step> afterRestore;
    private final List<String> primed = new CopyOnWriteArrayList<>();
    private final List<String> refreshed = new CopyOnWriteArrayList<>();
    private final List<String> failed = new CopyOnWriteArrayList<>();

    public SnapStartHooks(String family, List<Step> beforeCheckpoint, List<Step> afterRestore) {
        this.family = family;
        this.beforeCheckpoint = List.copyOf(beforeCheckpoint);
        this.afterRestore = List.copyOf(afterRestore);
    }

    /**
     * Whether Lambda runs this init to take a SnapStart snapshot, the only kind of init whose hooks
     * ever run: an on-demand init of a SnapStart function (its unpublished version, or the function
     * with SnapStart off) registers nothing and loads no priming code.
     */
    public static boolean snapStartInit() {
        return snapStartInit(System.getenv(INITIALIZATION_TYPE));
    }

    /** Whether an {@link #INITIALIZATION_TYPE} value is SnapStart's. */
    public static boolean snapStartInit(String initializationType) {
        return "snap-start".equals(initializationType);
    }

    /** Registers the hooks with the CRaC global context (a no-op on a JVM without CRaC support). */
    public static SnapStartHooks register(SnapStartHooks hooks) {
        REGISTERED.add(hooks);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    /** Every hooks object registered in this JVM, in order. */
    public static List<SnapStartHooks> registered() {
        return List.copyOf(REGISTERED);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        run("snapstart-prime", beforeCheckpoint, primed);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        run("snapstart-restore", afterRestore, refreshed);
    }

    public String family() {
        return family;
    }

    /** The steps run before the checkpoint, in order, that succeeded. */
    public List<String> primed() {
        return List.copyOf(primed);
    }

    /** The steps run after a restore, in order, that succeeded. */
    public List<String> refreshed() {
        return List.copyOf(refreshed);
    }

    /** The steps that failed (logged at WARN), in order. */
    public List<String> failed() {
        return List.copyOf(failed);
    }

    public List<String> beforeCheckpointSteps() {
        return beforeCheckpoint.stream().map(Step::name).toList();
    }

    public List<String> afterRestoreSteps() {
        return afterRestore.stream().map(Step::name).toList();
    }

    private void run(String phase, List<Step> steps, List<String> done) {
        List<String> names = new ArrayList<>();
        long started = System.nanoTime();
        for (Step step : steps) {
            try {
                step.action().run();
                done.add(step.name());
                names.add(step.name());
            } catch (Exception | LinkageError failure) {
                failed.add(step.name());
                Telemetry.event(phase).field("family", family).field("step", step.name()).failure(failure)
                        .emit(Telemetry.Level.WARN);
            }
        }
        Telemetry.event(phase).field("family", family).field("steps", String.join(",", names))
                .field("ms", (System.nanoTime() - started) / 1_000_000).emit(Telemetry.Level.INFO);
    }
}
