package dev.parley.soak;

import dev.parley.local.LocalRuntime;
import dev.parley.model.config.Setting;
import java.nio.file.Path;

/**
 * {@code parley local --port P --data DIR} with the soak's faults injected, run by {@link Soak} in a
 * process of its own so that it can be killed with SIGKILL and started again on the same data.
 * Prints the {@code PARLEY READY} line, then a {@code SOAKFAULTS} line of fault counters every
 * second (the driver keeps the last one of each run).
 *
 * <p>Usage: {@code SoakRuntime PORT DATA_DIRECTORY SEED}
 */
public final class SoakRuntime {
    private SoakRuntime() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        long seed = Long.parseLong(args[2]);
        SoakFaults faults = new SoakFaults(seed);
        LocalRuntime runtime = LocalRuntime.start(LocalRuntime.Options.builder().port(port)
                .dataDirectory(data)
                .setting(Setting.LOG_LEVEL, "ERROR")
                .dynamoInterceptor(faults.throttling()).build());
        faults.attach(runtime);
        faults.startDropping();
        System.out.println(runtime.readyLine());
        System.out.flush();
        while (true) {
            Thread.sleep(1_000);
            System.out.println("SOAKFAULTS " + faults.counters());
            System.out.flush();
        }
    }
}
