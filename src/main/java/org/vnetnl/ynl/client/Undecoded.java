package org.vnetnl.ynl.client;

/**
 * A reply attribute the spec describes but whose bytes do not fit its description (a wrong size, say): kept as
 * raw bytes and marked, never dropped. Attributes the spec does not describe at all appear under the key
 * {@code UnknownAttr(N)}, as the kernel's YNL names them.
 *
 * @param hex     the payload in hex
 * @param problem why it was not decoded
 */
public record Undecoded(String hex, String problem) {}
