package org.vnetnl.ynl;

import java.util.List;
import java.util.Set;

/**
 * One operation: a request the kernel answers ({@code do}, {@code dump}) or a message it sends on its own
 * ({@code notify}, {@code event}).
 *
 * @param name          its name
 * @param requestValue  the command number of requests, or -1 when it has none (an event in the directional model)
 * @param replyValue    the command number of replies and notifications, or -1 when it has none
 * @param attributeSet  the attribute set of its messages, or null for a reserved number
 * @param fixedHeader   the struct before the attributes, or null
 * @param doMode        the {@code do} form, or null
 * @param dumpMode      the {@code dump} form, or null
 * @param notifies      the operation whose reply this notification repeats, or null
 * @param event         the attributes of an event, or null
 * @param mcgrp         the multicast group of a notification or event, or null
 * @param flags         {@code admin-perm}, {@code uns-admin-perm}
 * @param dontValidate  the kernel validation it skips ({@code strict}, {@code dump}, {@code dump-strict})
 * @param line          its line in the spec file
 */
public record SpecOperation(String name, int requestValue, int replyValue, String attributeSet, String fixedHeader,
                            Mode doMode, Mode dumpMode, String notifies, List<String> event, String mcgrp,
                            Set<String> flags, Set<String> dontValidate, int line) {

    /**
     * A {@code do} or {@code dump} form: which attributes its request and reply carry, and under which message
     * numbers (in the directional model a {@code do} and a {@code dump} may each name their own).
     *
     * @param request      the request's attribute names, or null when the form declares no request
     * @param reply        the reply's attribute names, or null when it has no reply
     * @param requestValue the request's command or message type, or -1 for the operation's
     * @param replyValue   the reply's command or message type, or -1 for the operation's
     */
    public record Mode(List<String> request, List<String> reply, int requestValue, int replyValue) {
        public Mode {
            request = request == null ? null : List.copyOf(request);
            reply = reply == null ? null : List.copyOf(reply);
        }

        /** A form whose numbers are the operation's. */
        public Mode(List<String> request, List<String> reply) {
            this(request, reply, -1, -1);
        }
    }

    public SpecOperation {
        event = event == null ? null : List.copyOf(event);
        flags = Set.copyOf(flags);
        dontValidate = Set.copyOf(dontValidate);
    }

    /** Whether a request can be sent ({@code do} or {@code dump}). */
    public boolean isCall() {
        return doMode != null || dumpMode != null;
    }

    /** Whether the kernel sends it unasked ({@code notify} or {@code event}). */
    public boolean isAsync() {
        return notifies != null || event != null;
    }

    /** Whether it needs CAP_NET_ADMIN ({@code admin-perm}) or CAP_NET_ADMIN in the user namespace ({@code uns-admin-perm}). */
    public boolean needsAdmin() {
        return flags.contains("admin-perm") || flags.contains("uns-admin-perm");
    }

    /** The command or message type of the request of {@code mode} ({@code do} or {@code dump}). */
    public int requestValue(Mode mode) {
        return mode != null && mode.requestValue() >= 0 ? mode.requestValue() : requestValue;
    }

    /** The command or message type of the reply of {@code mode} ({@code do} or {@code dump}). */
    public int replyValue(Mode mode) {
        return mode != null && mode.replyValue() >= 0 ? mode.replyValue() : replyValue;
    }

    /** The modes present, in the order do, dump, notify, event. */
    public List<String> modes() {
        List<String> modes = new java.util.ArrayList<>();
        if (doMode != null) modes.add("do");
        if (dumpMode != null) modes.add("dump");
        if (notifies != null) modes.add("notify");
        if (event != null) modes.add("event");
        return modes;
    }
}
