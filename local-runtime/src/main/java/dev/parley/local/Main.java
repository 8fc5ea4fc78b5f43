package dev.parley.local;

import dev.parley.local.gateway.GatewayLimits;
import dev.parley.model.config.Setting;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./parley local [--port N] [--data DIR]}: starts the local runtime and prints the
 * {@code PARLEY READY} line once it accepts connections.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        LocalRuntime.Options.Builder options = LocalRuntime.Options.builder();
        int maxConnections = GatewayLimits.DEFAULTS.maxConnections();
        int connectRate = GatewayLimits.DEFAULTS.connectRate();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> options.port(Integer.parseInt(value(args, ++i, arg)));
                case "--data" -> options.dataDirectory(Path.of(value(args, ++i, arg)));
                case "--log-level" -> options.setting(Setting.LOG_LEVEL, logLevel(value(args, ++i, arg)));
                case "--log-file" -> options.setting(Setting.LOG_FILE,
                        Path.of(value(args, ++i, arg)).toAbsolutePath().toString());
                case "--send-rate" -> options.setting(Setting.SEND_RATE, positive(value(args, ++i, arg), arg));
                case "--send-burst" -> options.setting(Setting.SEND_BURST, positive(value(args, ++i, arg), arg));
                case "--max-connections" -> maxConnections = Integer.parseInt(positive(value(args, ++i, arg), arg));
                case "--connect-rate" -> connectRate = Integer.parseInt(positive(value(args, ++i, arg), arg));
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
        LocalRuntime runtime = LocalRuntime.start(options.admission(maxConnections, connectRate).build());
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

    private static String logLevel(String value) {
        String level = value.toUpperCase();
        if (!java.util.List.of("DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            System.err.println("--log-level is DEBUG, INFO, WARN or ERROR, not '" + value + "'\n" + usage());
            System.exit(2);
        }
        return level;
    }

    private static String positive(String value, String option) {
        try {
            if (Integer.parseInt(value) > 0) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        System.err.println(option + " needs a positive whole number, not '" + value + "'\n" + usage());
        System.exit(2);
        return value;
    }

    private static String usage() {
        return "usage: parley local [--port N] [--data DIR] [--send-rate N] [--send-burst N] [--max-connections N]"
                + " [--connect-rate N] [--log-level L] [--log-file FILE] [--watch]\n"
                + "  --port N             port of the WebSocket, HTTP and @connections endpoints (default 8080; 0 picks a free one)\n"
                + "  --data DIR           keep tables, issuer key and stream checkpoints in DIR (default: in memory)\n"
                + "  --send-rate N        sends per second per user, sustained (default 20)\n"
                + "  --send-burst N       sends per user at once (default 50)\n"
                + "  --max-connections N  open connections before $connect answers 429 (default 10000)\n"
                + "  --connect-rate N     new connections per second before $connect answers 429 (default 500)\n"
                + "  --log-level L        DEBUG, INFO, WARN or ERROR: the functions' log lines to write (default INFO)\n"
                + "  --log-file FILE      append the functions' log lines to FILE instead of standard error\n"
                + "  --watch              (./parley only) rebuild functions/ on a source change and reload them";
    }
}
