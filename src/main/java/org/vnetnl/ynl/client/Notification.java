package org.vnetnl.ynl.client;

import java.util.Map;

/**
 * A multicast notification decoded by its spec.
 *
 * @param name  the notification's operation name (e.g. {@code channels-ntf})
 * @param msg   its attributes as named values (the key the kernel's YNL uses)
 */
public record Notification(String name, Map<String, Object> msg) {}
