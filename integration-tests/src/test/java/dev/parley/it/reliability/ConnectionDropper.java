package dev.parley.it.reliability;

import dev.parley.local.LocalRuntime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway incident in miniature: a background thread that, every 100-300 ms, closes one live
 * connection of a randomly chosen user from the gateway side (as API Gateway does on a
 * deployment of its own, an idle timeout or a network fault). The choices come from a seeded
 * random source; their timing depends on the run.
 */
final class ConnectionDropper implements AutoCloseable {
    private final LocalRuntime runtime;
    private final OwnDynamo dynamo;
    private final List<String> users;
    private final Random random;
    private final AtomicInteger dropped = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    ConnectionDropper(LocalRuntime runtime, List<String> users, long seed) {
        this.runtime = runtime;
        this.dynamo = new OwnDynamo(runtime);
        this.users = List.copyOf(users);
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "connection-dropper");
        thread.setDaemon(true);
    }

    ConnectionDropper start() {
        thread.start();
        return this;
    }

    int dropped() {
        return dropped.get();
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(100 + random.nextInt(200));
                String user = users.get(random.nextInt(users.size()));
                List<String> live = List.copyOf(dynamo.connectionsOf(user).keySet());
                if (!live.isEmpty() && runtime.gateway().disconnect(live.get(random.nextInt(live.size())))) {
                    dropped.incrementAndGet();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    System.err.println("connection-dropper: " + e);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
