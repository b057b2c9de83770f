package org.vnetnl.genl;

/**
 * Thrown when bytes violate the netlink wire format: an attribute header shorter than itself, an
 * attribute running past its enclosing message or nest, a payload of the wrong size for the requested
 * type, a string without its NUL terminator, and so on.
 *
 * <p>The exception is unchecked, like {@link java.nio.BufferUnderflowException}: it reports corrupt or
 * unexpected input, not a failure of the operating system. Failures of the socket or errors returned by
 * the kernel are reported with the checked {@link NetlinkException} instead.
 *
 * <p>The message names what was being decoded, the absolute offset in the decoded memory segment and the
 * problem, for example {@code "attribute type 3 at offset 40: payload of 2 bytes, expected 4 for u32"}.
 */
public class MalformedMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String problem;

    /**
     * Creates an exception for a problem found in the element {@code subject} starting at {@code offset}.
     *
     * @param subject what was being decoded, for example {@code "attribute type 3"} or
     *                {@code "netlink message"}
     * @param offset  absolute offset of that element in the decoded segment
     * @param problem what is wrong with it, for example {@code "payload of 2 bytes, expected 4 for u32"}
     */
    public MalformedMessageException(String subject, long offset, String problem) {
        super(subject + " at offset " + offset + ": " + problem);
        this.offset = offset;
        this.problem = problem;
    }

    /**
     * Creates an exception for a problem found at {@code offset}, when the problem itself names what was
     * being decoded.
     *
     * @param offset  absolute offset of the offending element in the decoded segment
     * @param problem what is wrong, for example {@code "netlink header declares 40 bytes but the message has
     *                36"}
     */
    public MalformedMessageException(long offset, String problem) {
        super(problem + " (at offset " + offset + ")");
        this.offset = offset;
        this.problem = problem;
    }

    /**
     * Returns the absolute offset, in the decoded segment, of the element the problem was found in (for an
     * attribute: the offset of its header).
     *
     * @return the offset in bytes
     */
    public long offset() {
        return offset;
    }

    /**
     * Returns the problem alone, without the subject and offset that the full message adds.
     *
     * @return a short description such as {@code "payload of 2 bytes, expected 4 for u32"}
     */
    public String problem() {
        return problem;
    }
}
