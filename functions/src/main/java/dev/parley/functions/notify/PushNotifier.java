package dev.parley.functions.notify;

/** Delivers offline push notifications to APNs / FCM devices (through SNS on AWS, a sink locally). */
public interface PushNotifier {

    enum Outcome {
        SENT,
        /** The platform refused the token for good (uninstalled app, disabled endpoint): unregister the device. */
        TOKEN_INVALID,
        /** Nothing is configured to reach this platform. */
        SKIPPED
    }

    Outcome send(Notification notification);
}
