// SPDX-License-Identifier: GPL-2.0
/*
 * The vnet_nl family struct, next to the code generated from vnet_nl.yaml.
 *
 * The spec is genetlink-legacy (for uns-admin-perm), for which ynl-gen-c
 * generates the policies, the op table and a static multicast group array but
 * no family struct: the struct is written here, in the same translation unit
 * as that array, which is why the generated source is included rather than
 * compiled on its own.
 */
#include "vnet_nl-genl-gen.c"

/*
 * Per-op policies in struct genl_ops (5.10), GENL_REQ_ATTR_CHECK (6.1): 6.1,
 * Debian 12's kernel, is the oldest supported and tested (README.md).
 */
#ifndef GENL_REQ_ATTR_CHECK
#error "vnet_nl needs Linux 6.1 or newer"
#endif

#include <linux/module.h>

#include "vnet.h"

/*
 * .resv_start_op stays 0: the core checks the generic netlink header
 * (reserved field, nlmsg_flags) of every command strictly, as it does for
 * every new family. .parallel_ops: the handlers take the locks they need
 * (RTNL for SET_LINK), never the global genl mutex.
 */
struct genl_family vnet_nl_family __ro_after_init = {
	.name		= VNET_NL_FAMILY_NAME,
	.version	= VNET_NL_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= vnet_nl_nl_ops,
	.n_ops		= ARRAY_SIZE(vnet_nl_nl_ops),
	.mcgrps		= vnet_nl_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vnet_nl_nl_mcgrps),
};
