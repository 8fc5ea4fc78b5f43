package dev.parley.client;

/** The push service a device's token belongs to. */
public enum Platform {
    APNS("apns"),
    FCM("fcm");

    private final String wire;

    Platform(String wire) {
        this.wire = wire;
    }

    /** The value the HTTP API takes. */
    public String wire() {
        return wire;
    }
}
