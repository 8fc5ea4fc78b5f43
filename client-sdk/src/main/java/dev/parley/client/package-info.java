/**
 * The Parley Java client. {@link dev.parley.client.ParleyClient} is the entry point; the types
 * beside it are its configuration ({@link dev.parley.client.Backoff},
 * {@link dev.parley.client.TokenSupplier}, {@link dev.parley.client.CursorStore}) and what it
 * hands to the application ({@link dev.parley.client.MessageListener} and the records it
 * receives). {@code dev.parley.client.internal} is not API.
 */
package dev.parley.client;
