package dev.parley.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./parley local [--port N] [--data DIR]}: starts the local runtime and prints the
 * {@code PARLEY READY} line once it accepts connections.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        LocalRuntime.Options options = LocalRuntime.Options.defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> options = options.withPort(Integer.parseInt(value(args, ++i, arg)));
                case "--data" -> options = options.withDataDirectory(Path.of(value(args, ++i, arg)));
                case "-h", "--help" -> {
                    System.out.println(usage());
                    return;
                }
                default -> {
                    System.err.println("unknown option " + arg + "\n" + usage());
                    System.exit(2);
                }
            }
        }
        LocalRuntime runtime = LocalRuntime.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runtime.close();
            } catch (Exception e) {
                System.err.println("shutdown: " + e);
            }
            stopped.countDown();
        }, "parley-shutdown"));
        System.out.println(runtime.readyLine());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            System.err.println(option + " needs a value\n" + usage());
            System.exit(2);
        }
        return args[index];
    }

    private static String usage() {
        return "usage: parley local [--port N] [--data DIR]\n"
                + "  --port N    port of the WebSocket, HTTP and @connections endpoints (default 8080; 0 picks a free one)\n"
                + "  --data DIR  keep tables, issuer key and stream checkpoints in DIR (default: in memory)";
    }
}
