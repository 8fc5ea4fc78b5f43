package dev.parley.client.internal;

import dev.parley.client.Backoff;
import dev.parley.client.CursorStore;
import dev.parley.client.MessageListener;
import dev.parley.client.TokenSupplier;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/** Everything a client was built with (see ParleyClient.Builder for the meaning and defaults). */
public record ClientConfig(
        String websocketUrl,
        TokenSupplier tokens,
        String deviceId,
        Duration heartbeatInterval,
        Duration requestTimeout,
        Duration connectTimeout,
        String httpUrl,
        Backoff backoff,
        CursorStore cursorStore,
        MessageListener listener,
        Duration gapWait,
        Duration maxGapWait,
        int maxBuffered,
        int syncPageSize,
        Duration ackInterval,
        Duration resyncInterval,
        Duration tick,
        Clock clock,
        HttpClient httpClient) {}
