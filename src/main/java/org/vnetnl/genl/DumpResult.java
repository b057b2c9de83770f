package org.vnetnl.genl;

/**
 * How a dump ended.
 *
 * @param messages messages delivered by the last attempt
 * @param attempts how many times the dump ran
 * @param interrupted whether the delivered result is marked inconsistent (only with
 *                    {@link DumpInterruptPolicy#ACCEPT_PARTIAL})
 */
public record DumpResult(int messages, int attempts, boolean interrupted) {}
