package dev.parley.functions.service;

import dev.parley.functions.notify.Notification;
import dev.parley.functions.notify.NotificationQueue;
import dev.parley.functions.notify.OfflineNotice;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Offline push notifications. After a message was pushed, every registered device of every
 * member but the sender that has no live connection gets one notification, with a preview and
 * the user's total unread as badge; a device with a live connection got the push frame instead.
 * A member who muted the conversation gets none, unless the message mentions them (protocol v2).
 * Best effort by design: a failing notification is logged and never fails, delays or loses the
 * message's delivery (fan-out retries only what its pushes need). Fan-out hands each batch's
 * notices to a queue when one is configured ({@code NOTIFY_QUEUE_URL}); the notification function
 * ({@code NotifyHandler}) then reads devices and badges once per user per batch.
 */
public final class NotificationService {
    public static final int PREVIEW_CHARS = 100;
    private static final Pattern PUSH_TOKEN = Pattern.compile("[\\x21-\\x7E]{8,4096}");

    private final DeviceStore devices;
    private final Unread unread;
    private final dev.parley.functions.store.InboxStore inbox;
    private final Supplier<PushNotifier> notifier;
    private final Clock clock;
    /** Null: notices are delivered inline by fan-out. */
    private final Supplier<NotificationQueue> queue;

    private final Budget registrations;

    public NotificationService(DeviceStore devices, Unread unread, dev.parley.functions.store.InboxStore inbox,
                               Supplier<PushNotifier> notifier, Clock clock) {
        this(devices, unread, inbox, notifier, clock, null, Budget.unlimited("devices"));
    }

    /** @param queue where fan-out's notices go; null: delivered inline by fan-out */
    public NotificationService(DeviceStore devices, Unread unread, dev.parley.functions.store.InboxStore inbox,
                               Supplier<PushNotifier> notifier, Clock clock, Supplier<NotificationQueue> queue) {
        this(devices, unread, inbox, notifier, clock, queue, Budget.unlimited("devices"));
    }

    /**
     * @param queue where fan-out's notices go; null: delivered inline by fan-out
     * @param registrations the per-user budget of device registrations and removals
     */
    public NotificationService(DeviceStore devices, Unread unread, dev.parley.functions.store.InboxStore inbox,
                               Supplier<PushNotifier> notifier, Clock clock, Supplier<NotificationQueue> queue,
                               Budget registrations) {
        this.queue = queue;
        this.registrations = registrations;
        this.devices = devices;
        this.unread = unread;
        this.inbox = inbox;
        this.notifier = notifier;
        this.clock = clock;
    }

    /**
     * {@code PUT /devices/{deviceId}}: the caller's device, and only the caller's. For the user's
     * first device the badge counter is recounted at the next notification (it did not move while
     * the user had no device).
     */
    public void register(String userId, String deviceId, String platform, String pushToken) {
        registrations.spend(userId);
        DeviceIds.require(deviceId);
        if (!"apns".equals(platform) && !"fcm".equals(platform)) {
            throw new BadRequestException("platform must be apns or fcm");
        }
        if (pushToken == null || !PUSH_TOKEN.matcher(pushToken).matches()) {
            throw new BadRequestException("pushToken must be 8-4096 printable characters without spaces");
        }
        if (devices.register(new Device(userId, deviceId, platform, pushToken), clock.millis())) {
            // The user's first device, now in the live item: fan-outs that read it from now on move
            // the badge; those that read it before did not (a re-registration changes nothing).
            inbox.deviceRegistered(userId, clock.millis());
        }
    }

    /** {@code DELETE /devices/{deviceId}}: the registration and the device's ack positions go. */
    public void unregister(String userId, String deviceId) {
        registrations.spend(userId);
        DeviceIds.require(deviceId);
        devices.unregister(userId, deviceId);
        inbox.removeDevice(userId, deviceId);
    }

    /**
     * After a fan-out batch's pushes: one notice per message (its recipients but the sender, each
     * with the devices the push reached). With a queue the notices go to the notification
     * function, so fan-out's time does not depend on how many recipients are offline or have
     * devices; without one (no {@code NOTIFY_QUEUE_URL}) they are delivered here. Never throws;
     * returns the notifications sent here (0 when queued).
     */
    public int afterBatch(List<Message> messages, Map<String, List<String>> recipientsByMessage,
                          Map<String, List<Connection>> live) {
        List<OfflineNotice> notices = new ArrayList<>();
        for (Message message : messages) {
            Map<String, List<String>> recipients = new LinkedHashMap<>();
            for (String member : recipientsByMessage.getOrDefault(key(message), List.of())) {
                if (!member.equals(message.senderId())) {
                    recipients.put(member, live.getOrDefault(member, List.of()).stream().map(Connection::deviceId).toList());
                }
            }
            if (!recipients.isEmpty()) {
                Set<String> mentioned = InboxWriter.mentions(message.bodyJson());
                mentioned.retainAll(recipients.keySet());
                notices.add(new OfflineNotice(message.conversationId(), message.seq(), message.senderId(),
                        preview(message.bodyJson()), recipients, mentioned));
            }
        }
        if (notices.isEmpty()) {
            return 0;
        }
        if (queue != null) {
            try {
                for (OfflineNotice notice : notices) {
                    for (OfflineNotice part : notice.split(OfflineNotice.MAX_RECIPIENTS_PER_MESSAGE)) {
                        queue.get().enqueue(OfflineNotice.encode(List.of(part)));
                    }
                }
            } catch (RuntimeException failed) {
                Telemetry.event("notification").field("outcome", "not-queued").field("error", failed.toString())
                        .emit(Telemetry.Level.WARN);
            }
            return 0;
        }
        return deliver(notices);
    }

    /** The key of a message in {@link #afterBatch}'s recipient map. */
    public static String key(Message message) {
        return message.conversationId() + '#' + message.seq();
    }

    /**
     * Sends the notifications of a batch of notices, in order. Per user, the registered devices are
     * read once and the badge (their total unread, from the sync store) once, however many messages
     * the batch holds for them; every offline device gets one notification per message. Never
     * throws for one user's failure; returns the number sent.
     */
    public int deliver(List<OfflineNotice> notices) {
        Map<String, List<Device>> devicesByUser = new HashMap<>();
        Map<String, Long> badges = new HashMap<>();
        Map<String, Boolean> mutedByUserAndConversation = new HashMap<>();
        int sent = 0;
        for (OfflineNotice notice : notices) {
            for (Map.Entry<String, List<String>> recipient : notice.onlineDevicesByRecipient().entrySet()) {
                String member = recipient.getKey();
                try {
                    List<Device> registered = devicesByUser.computeIfAbsent(member, this::registeredDevices);
                    Set<String> online = new HashSet<>(recipient.getValue());
                    for (Device device : registered) {
                        if (online.contains(device.deviceId())) {
                            continue;
                        }
                        // Read only for a user with a device to notify, once per conversation per batch.
                        if (!notice.mentioned().contains(member) && mutedByUserAndConversation.computeIfAbsent(
                                member + '\n' + notice.conversationId(), k -> inbox.muted(member, notice.conversationId()))) {
                            Telemetry.event("notification").field("userId", member).field("deviceId", device.deviceId())
                                    .field("conversationId", notice.conversationId()).field("seq", notice.seq())
                                    .field("outcome", "muted").emit(Telemetry.Level.DEBUG);
                            continue;
                        }
                        long badge = badges.computeIfAbsent(member, unread::total);
                        Notification notification = new Notification(member, device.deviceId(), device.platform(),
                                device.pushToken(), notice.conversationId(), notice.seq(), notice.senderId(),
                                notice.preview(), badge);
                        PushNotifier.Outcome outcome = notifier.get().send(notification);
                        if (outcome == PushNotifier.Outcome.TOKEN_INVALID) {
                            devices.unregister(member, device.deviceId());
                            devicesByUser.put(member, registered.stream()
                                    .filter(other -> !other.deviceId().equals(device.deviceId())).toList());
                        }
                        sent += outcome == PushNotifier.Outcome.SENT ? 1 : 0;
                        Telemetry.event("notification").field("userId", member).field("deviceId", device.deviceId())
                                .field("conversationId", notice.conversationId()).field("seq", notice.seq())
                                .field("outcome", outcome.name()).emit(Telemetry.Level.INFO);
                    }
                } catch (RuntimeException failed) {
                    Telemetry.event("notification").field("userId", member).field("conversationId", notice.conversationId())
                            .field("seq", notice.seq()).field("outcome", "failed")
                            .field("error", failed.toString()).emit(Telemetry.Level.WARN);
                }
            }
        }
        return sent;
    }

    /**
     * The user's registered devices. A user with none was handed on because fan-out did not know
     * their devices (the live item did not name them yet): recording that they have none spares
     * their next messages the notice and this read.
     */
    private List<Device> registeredDevices(String userId) {
        List<Device> registered = devices.forUser(userId);
        if (registered.isEmpty()) {
            devices.noneRegistered(userId);
        }
        return registered;
    }

    /**
     * At most 100 characters of {@code body.text}, cut on a code point boundary; without text, the
     * kind of the first attachment ("Photo", "Video", "Audio", "File"; the send path stored its
     * verified content type); else empty.
     */
    static String preview(String bodyJson) {
        try {
            if (JsonTree.parse(bodyJson) instanceof Map<?, ?> body && body.get("text") instanceof String text) {
                return text.codePointCount(0, text.length()) <= PREVIEW_CHARS
                        ? text
                        : text.substring(0, text.offsetByCodePoints(0, PREVIEW_CHARS));
            }
            if (JsonTree.parse(bodyJson) instanceof Map<?, ?> body && body.get("attachments") instanceof List<?> files
                    && !files.isEmpty() && files.get(0) instanceof Map<?, ?> first) {
                return attachmentKind(first.get("contentType") instanceof String type ? type : "");
            }
        } catch (java.io.IOException unreadable) {
            // stored bodies are valid JSON; no preview otherwise
        }
        return "";
    }

    /** How a notification names an attachment without text. */
    static String attachmentKind(String contentType) {
        if (contentType.startsWith("image/")) {
            return "Photo";
        }
        if (contentType.startsWith("video/")) {
            return "Video";
        }
        if (contentType.startsWith("audio/")) {
            return "Audio";
        }
        return "File";
    }
}
