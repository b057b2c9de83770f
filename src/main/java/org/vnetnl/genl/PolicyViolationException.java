package org.vnetnl.genl;

/**
 * Thrown by {@link AttributePolicy#validate(AttributeReader)} when a well-formed attribute does not match
 * the declared policy: wrong payload size, a value out of range, a string too long, an unknown type under
 * a strict policy, and so on.
 *
 * <p>The message names the attribute, its type, the absolute offset of its header and the problem, for
 * example {@code "VNET_NL_ATTR_FLAG (type 3) at offset 36: value 2 out of range 0..1"}.
 */
public class PolicyViolationException extends MalformedMessageException {

    private static final long serialVersionUID = 1L;

    private final int attributeType;
    private final String attributeName;

    /**
     * Creates an exception for the attribute {@code attributeName} whose header starts at {@code offset}.
     *
     * @param attributeName the attribute's name from the policy, or {@code "type N"} when it has none
     * @param attributeType the attribute type, without the {@code NLA_F_*} flags
     * @param offset        absolute offset of the attribute header in the decoded segment
     * @param problem       what is wrong with it, for example {@code "value 2 out of range 0..1"}
     */
    public PolicyViolationException(String attributeName, int attributeType, long offset, String problem) {
        super(describe(attributeName, attributeType), offset, problem);
        this.attributeType = attributeType;
        this.attributeName = attributeName;
    }

    private static String describe(String attributeName, int attributeType) {
        String anonymous = "type " + attributeType;
        return attributeName.equals(anonymous) ? anonymous : attributeName + " (" + anonymous + ")";
    }

    /**
     * Returns the type of the offending attribute, without the {@code NLA_F_*} flags.
     *
     * @return the attribute type
     */
    public int attributeType() {
        return attributeType;
    }

    /**
     * Returns the name of the offending attribute as declared in the policy, or {@code "type N"} for a
     * type the policy does not declare.
     *
     * @return the attribute name
     */
    public String attributeName() {
        return attributeName;
    }
}
