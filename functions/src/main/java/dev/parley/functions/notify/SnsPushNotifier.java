package dev.parley.functions.notify;

import dev.parley.model.protocol.JsonTree;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;

/**
 * {@link PushNotifier} through Amazon SNS mobile push: a platform endpoint per registered token
 * (created on first use; SNS returns the existing endpoint for a known token), one publish per
 * notification with per-platform payloads. A disabled endpoint (APNs/FCM rejected the token) is
 * deleted and reported, so the device registration is removed.
 */
public final class SnsPushNotifier implements PushNotifier {
    private final SnsClient sns;
    private final String apnsApplicationArn;
    private final String fcmApplicationArn;

    public SnsPushNotifier(SnsClient sns, String apnsApplicationArn, String fcmApplicationArn) {
        this.sns = sns;
        this.apnsApplicationArn = apnsApplicationArn;
        this.fcmApplicationArn = fcmApplicationArn;
    }

    @Override
    public Outcome send(Notification notification) {
        String application = "apns".equals(notification.platform()) ? apnsApplicationArn : fcmApplicationArn;
        if (application == null || application.isEmpty()) {
            return Outcome.SKIPPED;
        }
        String endpoint = sns.createPlatformEndpoint(create -> create.platformApplicationArn(application)
                .token(notification.pushToken())).endpointArn();
        try {
            sns.publish(publish -> publish.targetArn(endpoint).messageStructure("json").message(payload(notification)));
            return Outcome.SENT;
        } catch (EndpointDisabledException | InvalidParameterException disabled) {
            sns.deleteEndpoint(delete -> delete.endpointArn(endpoint));
            return Outcome.TOKEN_INVALID;
        }
    }

    static String payload(Notification notification) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("conversationId", notification.conversationId());
        data.put("seq", notification.seq());
        data.put("senderId", notification.senderId());
        Map<String, Object> aps = new LinkedHashMap<>();
        aps.put("alert", Map.of("title", notification.senderId(), "body", notification.preview()));
        aps.put("badge", notification.badge());
        aps.put("sound", "default");
        Map<String, Object> apns = new LinkedHashMap<>(data);
        apns.put("aps", aps);
        Map<String, Object> fcm = Map.of(
                "notification", Map.of("title", notification.senderId(), "body", notification.preview()),
                "data", Map.of("conversationId", notification.conversationId(), "seq", Long.toString(notification.seq()),
                        "senderId", notification.senderId(), "badge", Long.toString(notification.badge())));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("default", notification.preview());
        message.put("APNS", JsonTree.write(apns));
        message.put("APNS_SANDBOX", JsonTree.write(apns));
        message.put("GCM", JsonTree.write(fcm));
        return JsonTree.write(message);
    }
}
