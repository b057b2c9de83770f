package org.vnetnl.vnet;

import org.vnetnl.genl.NetlinkException;
import org.vnetnl.internal.Errno;

/**
 * The vnet_nl family this client was opened on is gone: the module was unloaded (and maybe loaded again, under
 * a new family id). The client cannot be used for requests any more; close it and open a new one once the
 * module is loaded.
 */
public final class ModuleUnloadedException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    ModuleUnloadedException(String operation, int sequence, String detail, NetlinkException cause) {
        super(Errno.ENOENT, operation, sequence, detail);
        initCause(cause);
    }
}
