package dev.parley.model.config;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Settings resolved from an environment (System.getenv() on Lambda, a map on the local runtime). */
public final class ParleyConfig {
    private final Map<Setting, String> values;

    private ParleyConfig(Map<Setting, String> values) {
        this.values = values;
    }

    public static ParleyConfig fromEnvironment(Map<String, String> environment) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting setting : Setting.values()) {
            String value = environment.get(setting.name());
            if (value == null) {
                value = setting.defaultValue();
            }
            if (value != null) {
                values.put(setting, value);
            }
        }
        return new ParleyConfig(values);
    }

    public static ParleyConfig fromSystemEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** A copy with one setting changed. */
    public ParleyConfig with(Setting setting, String value) {
        Map<Setting, String> copy = new EnumMap<>(values);
        copy.put(setting, Objects.requireNonNull(value));
        return new ParleyConfig(copy);
    }

    /** Throws with the variable's name when a required setting is missing. */
    public String get(Setting setting) {
        String value = values.get(setting);
        if (value == null) {
            throw new IllegalStateException("environment variable " + setting.name() + " is not set");
        }
        return value;
    }

    public int getInt(Setting setting) {
        return Integer.parseInt(get(setting));
    }

    public boolean isSet(Setting setting) {
        String value = values.get(setting);
        return value != null && !value.isEmpty();
    }

    /** The settings as environment variables, for a function definition. */
    public Map<String, String> toEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        values.forEach((setting, value) -> environment.put(setting.name(), value));
        return environment;
    }
}
