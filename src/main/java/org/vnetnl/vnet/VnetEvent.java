package org.vnetnl.vnet;

/**
 * A notification of the vnet_nl "events" multicast group, received with {@link VnetClient#nextEvent}: an
 * {@link Echo} for every ECHO request any client sent, a {@link LinkEvent} for every link state change of a vnet
 * device, or an {@link UnknownEvent} for a command a newer module publishes that this client does not know.
 */
public sealed interface VnetEvent permits Echo, LinkEvent, UnknownEvent {}
