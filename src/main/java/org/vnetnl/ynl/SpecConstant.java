package org.vnetnl.ynl;

/**
 * A {@code type: const} definition: a number, or (rarely, e.g. team's option names) a string.
 *
 * @param name   its name
 * @param text   its value as written
 * @param number its value as a number, or null when it is a string
 */
public record SpecConstant(String name, String text, Long number) {}
