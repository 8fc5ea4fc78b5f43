package dev.parley.functions.notify;

/** Hands fan-out's offline notices to the notification function (one queue message per call). */
@FunctionalInterface
public interface NotificationQueue {
    void enqueue(String body);
}
