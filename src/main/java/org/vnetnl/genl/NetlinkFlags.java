package org.vnetnl.genl;

import org.vnetnl.internal.NativeAccess;
import org.vnetnl.internal.libnl.LibNl;

/** The netlink header flags (NLM_F_*) a caller may pass to {@link GenlConnection#prepare}. */
public final class NetlinkFlags {

    static {
        // Before the generated bindings below are loaded (see NativeAccess); the open methods report the outcome.
        NativeAccess.checkEarly();
    }

    /** Ask the kernel to acknowledge the request even when it succeeds. */
    public static final int ACK = LibNl.NLM_F_ACK();
    /** Ask the kernel to echo the request (used with notifications). */
    public static final int ECHO = LibNl.NLM_F_ECHO();
    /** Dump every object (NLM_F_ROOT | NLM_F_MATCH); use {@link GenlConnection#prepareDump} instead. */
    public static final int DUMP = LibNl.NLM_F_DUMP();
    /** Set by the kernel on parts of a multi-part message. */
    public static final int MULTI = LibNl.NLM_F_MULTI();
    /** Set by the kernel on a dump part when the dumped set changed during the dump. */
    public static final int DUMP_INTR = LibNl.NLM_F_DUMP_INTR();


    // The flags of new requests, which generic netlink families do not use; netlink-raw families such as
    // rtnetlink read them.
    /** Replace an existing object (NLM_F_REPLACE). */
    public static final int REPLACE = LibNl.NLM_F_REPLACE();
    /** Fail if the object exists already (NLM_F_EXCL). */
    public static final int EXCL = LibNl.NLM_F_EXCL();
    /** Create the object if it does not exist (NLM_F_CREATE). */
    public static final int CREATE = LibNl.NLM_F_CREATE();
    /** Add to the end of the object's list (NLM_F_APPEND). */
    public static final int APPEND = LibNl.NLM_F_APPEND();

    private NetlinkFlags() {}
}
