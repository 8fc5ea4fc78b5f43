/** The Parley Java client. */
package dev.parley.client;
