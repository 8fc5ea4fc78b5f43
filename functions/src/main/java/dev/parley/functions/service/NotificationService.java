package dev.parley.functions.service;

import dev.parley.functions.notify.Notification;
import dev.parley.functions.notify.PushNotifier;
import dev.parley.functions.observability.Telemetry;
import dev.parley.functions.store.Connection;
import dev.parley.functions.store.Device;
import dev.parley.functions.store.DeviceStore;
import dev.parley.model.domain.DeviceIds;
import dev.parley.model.domain.Message;
import dev.parley.model.errors.BadRequestException;
import dev.parley.model.protocol.JsonTree;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Offline push notifications. After a message was pushed, every registered device of every
 * member but the sender that has no live connection gets one notification, with a preview and
 * the user's total unread as badge; a device with a live connection got the push frame instead.
 * Best effort by design: a failing notification is logged and never fails, delays or loses the
 * message's delivery (fan-out retries only what its pushes need).
 */
public final class NotificationService {
    public static final int PREVIEW_CHARS = 100;
    private static final Pattern PUSH_TOKEN = Pattern.compile("[\\x21-\\x7E]{8,4096}");

    private final DeviceStore devices;
    private final Unread unread;
    private final dev.parley.functions.store.InboxStore inbox;
    private final Supplier<PushNotifier> notifier;
    private final Clock clock;

    public NotificationService(DeviceStore devices, Unread unread, dev.parley.functions.store.InboxStore inbox,
                               Supplier<PushNotifier> notifier, Clock clock) {
        this.devices = devices;
        this.unread = unread;
        this.inbox = inbox;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** {@code PUT /devices/{deviceId}}: the caller's device, and only the caller's. */
    public void register(String userId, String deviceId, String platform, String pushToken) {
        DeviceIds.require(deviceId);
        if (!"apns".equals(platform) && !"fcm".equals(platform)) {
            throw new BadRequestException("platform must be apns or fcm");
        }
        if (pushToken == null || !PUSH_TOKEN.matcher(pushToken).matches()) {
            throw new BadRequestException("pushToken must be 8-4096 printable characters without spaces");
        }
        devices.register(new Device(userId, deviceId, platform, pushToken), clock.millis());
    }

    /** {@code DELETE /devices/{deviceId}}: the registration and the device's ack positions go. */
    public void unregister(String userId, String deviceId) {
        DeviceIds.require(deviceId);
        devices.unregister(userId, deviceId);
        inbox.removeDevice(userId, deviceId);
    }

    /**
     * Notifies the offline devices of the members of a message just pushed. {@code live} holds the
     * connections the push reached (gone ones excluded). Never throws; returns the number of
     * notifications sent.
     */
    public int afterDelivery(Message message, List<String> members, Map<String, List<Connection>> live) {
        int sent = 0;
        for (String member : members) {
            if (member.equals(message.senderId())) {
                continue;
            }
            try {
                sent += notifyMember(message, member, live.getOrDefault(member, List.of()));
            } catch (RuntimeException failed) {
                Telemetry.event("notification").field("userId", member).field("conversationId", message.conversationId())
                        .field("seq", message.seq()).field("outcome", "failed")
                        .field("error", failed.toString()).emit(Telemetry.Level.WARN);
            }
        }
        return sent;
    }

    private int notifyMember(Message message, String member, List<Connection> connections) {
        List<Device> registered = devices.forUser(member);
        if (registered.isEmpty()) {
            return 0;
        }
        Set<String> online = new HashSet<>();
        connections.forEach(connection -> online.add(connection.deviceId()));
        List<Device> offline = registered.stream().filter(device -> !online.contains(device.deviceId())).toList();
        if (offline.isEmpty()) {
            return 0;
        }
        long badge = unread.total(member);
        String preview = preview(message.bodyJson());
        int sent = 0;
        for (Device device : offline) {
            Notification notification = new Notification(member, device.deviceId(), device.platform(), device.pushToken(),
                    message.conversationId(), message.seq(), message.senderId(), preview, badge);
            PushNotifier.Outcome outcome = notifier.get().send(notification);
            if (outcome == PushNotifier.Outcome.TOKEN_INVALID) {
                devices.unregister(member, device.deviceId());
            }
            sent += outcome == PushNotifier.Outcome.SENT ? 1 : 0;
            Telemetry.event("notification").field("userId", member).field("deviceId", device.deviceId())
                    .field("conversationId", message.conversationId()).field("seq", message.seq())
                    .field("outcome", outcome.name()).emit(Telemetry.Level.INFO);
        }
        return sent;
    }

    /** At most 100 characters of {@code body.text}, cut on a code point boundary; empty without text. */
    static String preview(String bodyJson) {
        try {
            if (JsonTree.parse(bodyJson) instanceof Map<?, ?> body && body.get("text") instanceof String text) {
                return text.codePointCount(0, text.length()) <= PREVIEW_CHARS
                        ? text
                        : text.substring(0, text.offsetByCodePoints(0, PREVIEW_CHARS));
            }
        } catch (java.io.IOException unreadable) {
            // stored bodies are valid JSON; no preview otherwise
        }
        return "";
    }
}
