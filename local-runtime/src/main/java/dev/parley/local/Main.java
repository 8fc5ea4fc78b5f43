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
        String logLevel = null;
        boolean json = false;
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> {
                    port = port(value(args, ++i, arg));
                    options.port(port);
                }
                case "--data" -> options.dataDirectory(Path.of(value(args, ++i, arg)));
                case "--log-level" -> logLevel = logLevel(value(args, ++i, arg));
                case "--log-format" -> json = logFormat(value(args, ++i, arg));
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
        options.admission(maxConnections, connectRate);
        if (json) {
            options.setting(Setting.LOG_LEVEL, logLevel == null ? "INFO" : logLevel);
        } else {
            // Quiet: the functions' JSON lines only for warnings and errors, and the gateway's one
            // human-readable line per connect, disconnect and message.
            options.setting(Setting.LOG_LEVEL, logLevel == null ? "WARN" : logLevel);
            System.setProperty("org.slf4j.simpleLogger.log.parley.activity", "info");
            // "12:00:01.234 INFO activity - connected alice/laptop (1 open)": no thread names.
            System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
            System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        }
        quietenLibraries();
        LocalRuntime runtime;
        try {
            runtime = LocalRuntime.start(options.build());
        } catch (Exception | Error failed) {
            System.err.println("parley: could not start: " + reason(failed, port));
            // DynamoDB Local's threads would keep the JVM alive: end it.
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runtime.close();
            } catch (Exception e) {
                System.err.println("shutdown: " + e);
            }
            stopped.countDown();
        }, "parley-shutdown"));
        endWithParent();
        System.out.println(runtime.readyLine());
        System.out.flush();
        stopped.await();
    }

    /**
     * {@code ./parley local --watch} runs this JVM beside its rebuild loop and names itself in
     * {@code -Dparley.parent=PID}: when that script ends, even by {@code kill -9} (which runs no
     * trap), the runtime ends too rather than hold the port.
     */
    private static void endWithParent() {
        String parent = System.getProperty("parley.parent");
        if (parent == null || parent.isBlank()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent.strip())).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> System.exit(0)),
                () -> System.exit(0));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            System.err.println(option + " needs a value\n" + usage());
            System.exit(2);
        }
        return args[index];
    }

    /** Keeps a reference: java.util.logging holds its loggers weakly. */
    private static final java.util.logging.Logger AWS_SDK_V1 = java.util.logging.Logger.getLogger("com.amazonaws");
    private static final java.util.List<String> BANNER = java.util.List.of("Initializing DynamoDB Local with the following",
            "Port:\t", "InMemory:\t", "Version:\t", "DbPath:\t", "SharedDb:\t", "shouldDelayTransientStatuses:\t",
            "CorsParams:\t");

    /**
     * Nothing a user must learn to ignore: DynamoDB Local's configuration banner and the JAXB
     * notice of the AWS SDK v1 inside it (both printed on every start) are left out.
     */
    private static void quietenLibraries() {
        AWS_SDK_V1.setLevel(java.util.logging.Level.SEVERE);
        java.io.PrintStream stderr = System.err;
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            private boolean afterBanner;

            @Override
            public synchronized void write(int b) {
                line.write(b);
                if (b == '\n') {
                    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                    line.reset();
                    boolean banner = BANNER.stream().anyMatch(text::startsWith) || (afterBanner && text.isBlank());
                    afterBanner = text.startsWith("CorsParams:\t");
                    if (!banner) {
                        stderr.print(text);
                    }
                }
            }

            @Override
            public synchronized void flush() {
                stderr.flush();
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** One line a newcomer can act on, for the usual start-up failures. */
    static String reason(Throwable failed, int port) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.BindException) {
                return "port " + port + " is already in use (another ./parley local?); stop it or pick another with --port N";
            }
        }
        Throwable root = failed;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return failed.getMessage() + (root != failed ? " (" + root + ")" : "");
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        System.err.println("--port needs a number from 0 to 65535, not '" + value + "'\n" + usage());
        System.exit(2);
        return 0;
    }

    private static boolean logFormat(String value) {
        if (!value.equals("text") && !value.equals("json")) {
            System.err.println("--log-format is text or json, not '" + value + "'\n" + usage());
            System.exit(2);
        }
        return value.equals("json");
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
                + " [--connect-rate N] [--log-format text|json] [--log-level L] [--log-file FILE] [--watch]\n"
                + "  --port N             port of the WebSocket, HTTP and @connections endpoints (default 8080; 0 picks a free one)\n"
                + "  --data DIR           keep tables, issuer key and stream checkpoints in DIR (default: in memory)\n"
                + "  --send-rate N        sends per second per user, sustained (default 20)\n"
                + "  --send-burst N       sends per user at once (default 50)\n"
                + "  --max-connections N  open connections before $connect answers 429 (default 10000)\n"
                + "  --connect-rate N     new connections per second before $connect answers 429 (default 500)\n"
                + "  --log-format F       text (default: one line per connect, disconnect and message) or json\n"
                + "                       (the functions' JSON lines with CloudWatch EMF metrics, as on Lambda)\n"
                + "  --log-level L        DEBUG, INFO, WARN or ERROR: the functions' log lines to write\n"
                + "                       (default WARN in text format, INFO in json)\n"
                + "  --log-file FILE      append the functions' log lines to FILE instead of standard error\n"
                + "  --watch              (./parley only) rebuild functions/ on a source change and reload them";
    }
}
