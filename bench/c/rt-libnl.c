// SPDX-License-Identifier: Apache-2.0
/*
 * libnl baselines, built twice from this file:
 *
 * rt-libnl-default (LIBNL_TUNED=0): libnl as the original sample application
 *   uses it, with libnl's defaults. Per round trip a fresh nl_msg
 *   (nlmsg_alloc, genlmsg_put, nla_put_*), nl_send_auto, which adds NLM_F_ACK
 *   (auto-ack), then nl_recvmsgs_default for the reply, handed to a
 *   callback, and once more for the acknowledgement. Every receive first
 *   peeks (MSG_PEEK) to size its buffer: five system calls per round trip.
 *
 * rt-libnl-tuned (LIBNL_TUNED=1): the same calls with auto-ack off, MSG_PEEK
 *   off and a receive buffer large enough for any reply: one sendmsg, one
 *   recvmsg.
 *
 * The callback reads the reply the way libnl applications do: genlmsg_parse
 * into an attribute table, then one nla_get_*.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/vnet_nl.h>

#include "roundtrip.h"

#ifndef LIBNL_TUNED
#error "build with -DLIBNL_TUNED=0 (libnl defaults) or -DLIBNL_TUNED=1"
#endif

#if LIBNL_TUNED
#define CLIENT "c-libnl-tuned"
#else
#define CLIENT "c-libnl-default"
#endif

/* Large enough for the biggest CTRL_CMD_GETFAMILY reply. */
#define TUNED_RECEIVE_BUFFER 32768

struct libnl_client {
	struct nl_sock *socket;
	enum rt_target target;
	int family;
	/* Set by the callback: the value read from the last reply, and whether one came. */
	uint32_t received;
	int replied;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct libnl_client *c = arg;
	struct nlattr *attrs[VNET_NL_ATTR_MAX > CTRL_ATTR_MAX ? VNET_NL_ATTR_MAX + 1 : CTRL_ATTR_MAX + 1];
	int reply_attr = c->target == RT_TARGET_VNET ? VNET_NL_ATTR_VALUE : CTRL_ATTR_FAMILY_ID;
	int max_attr = c->target == RT_TARGET_VNET ? VNET_NL_ATTR_MAX : CTRL_ATTR_MAX;
	int err = genlmsg_parse(nlmsg_hdr(msg), 0, attrs, max_attr, NULL);

	if (err < 0)
		rt_fail(CLIENT, "malformed reply: %s", nl_geterror(err));
	if (!attrs[reply_attr])
		rt_fail(CLIENT, "reply carries no attribute %d", reply_attr);
	c->received = c->target == RT_TARGET_VNET ? nla_get_u32(attrs[reply_attr]) : nla_get_u16(attrs[reply_attr]);
	c->replied = 1;
	return NL_OK;
}

static void receive(struct libnl_client *c, const char *what)
{
	int err = nl_recvmsgs_default(c->socket);

	if (err < 0)
		rt_fail(CLIENT, "receiving the %s failed: %s", what, nl_geterror(err));
}

static void round_trip(void *state, uint32_t n)
{
	struct libnl_client *c = state;
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!msg)
		rt_fail(CLIENT, "nlmsg_alloc failed");
	if (c->target == RT_TARGET_VNET) {
		if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, 0, VNET_NL_CMD_ECHO,
				 VNET_NL_FAMILY_VERSION) ||
		    nla_put_string(msg, VNET_NL_ATTR_MSG, RT_ECHO_MESSAGE) < 0 ||
		    nla_put_u32(msg, VNET_NL_ATTR_VALUE, n) < 0 ||
		    nla_put_u8(msg, VNET_NL_ATTR_FLAG, RT_ECHO_FLAG) < 0)
			rt_fail(CLIENT, "the ECHO request does not fit in a netlink message");
	} else {
		if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, 0, CTRL_CMD_GETFAMILY, 1) ||
		    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, RT_NLCTRL_FAMILY) < 0)
			rt_fail(CLIENT, "the GETFAMILY request does not fit in a netlink message");
	}
	c->replied = 0;
	err = nl_send_auto(c->socket, msg);
	nlmsg_free(msg);
	if (err < 0)
		rt_fail(CLIENT, "nl_send_auto: %s", nl_geterror(err));
	receive(c, "reply");
#if !LIBNL_TUNED
	/* auto-ack asked for an acknowledgement after the reply; libnl's default ACK handler stops there. */
	receive(c, "acknowledgement");
#endif
	if (!c->replied)
		rt_fail(CLIENT, "no reply to request %u", n);
	if (c->target == RT_TARGET_VNET ? c->received != n : c->received != (uint32_t)c->family)
		rt_fail(CLIENT, "reply carries %u, expected %u", c->received,
			c->target == RT_TARGET_VNET ? n : (uint32_t)c->family);
}

int main(int argc, char **argv)
{
	static struct libnl_client client;
	struct rt_options options;
	int err;

	rt_parse_args(argc, argv, CLIENT, &options);
	/* The ethtool target is the raw client's anchor for a lighter doit; the libnl paths are measured on the others. */
	if (options.target == RT_TARGET_ETHTOOL)
		rt_fail(CLIENT, "--target ethtool is measured by rt-raw only");
	client.target = options.target;
	client.socket = nl_socket_alloc();
	if (!client.socket)
		rt_fail(CLIENT, "nl_socket_alloc failed");
	err = genl_connect(client.socket);
	if (err < 0)
		rt_fail(CLIENT, "genl_connect: %s", nl_geterror(err));
	client.family = genl_ctrl_resolve(client.socket, rt_family_name(options.target));
	if (client.family < 0)
		rt_fail(CLIENT, "cannot resolve family %s: %s", rt_family_name(options.target),
			nl_geterror(client.family));
#if LIBNL_TUNED
	nl_socket_disable_auto_ack(client.socket);
	nl_socket_disable_msg_peek(client.socket);
	err = nl_socket_set_msg_buf_size(client.socket, TUNED_RECEIVE_BUFFER);
	if (err < 0)
		rt_fail(CLIENT, "nl_socket_set_msg_buf_size: %s", nl_geterror(err));
#endif
	err = nl_socket_modify_cb(client.socket, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &client);
	if (err < 0)
		rt_fail(CLIENT, "nl_socket_modify_cb: %s", nl_geterror(err));

	rt_run(&options, round_trip, &client);
	nl_socket_free(client.socket);
	return 0;
}
