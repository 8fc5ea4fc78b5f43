package dev.parley.model.domain;

import dev.parley.model.errors.BadRequestException;
import java.util.regex.Pattern;

/**
 * Device ids name one installation of a client: chosen by the client at {@code $connect} (or
 * carried in its token) and used to register push notifications. The one rule for both.
 */
public final class DeviceIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private DeviceIds() {}

    public static boolean isValid(String deviceId) {
        return deviceId != null && VALID.matcher(deviceId).matches();
    }

    public static String require(String deviceId) {
        if (!isValid(deviceId)) {
            throw new BadRequestException("deviceId must be 1-64 characters of [A-Za-z0-9_.:-]");
        }
        return deviceId;
    }
}
