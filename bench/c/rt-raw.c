// SPDX-License-Identifier: Apache-2.0
/*
 * Raw-socket baseline: the least a generic netlink round trip can cost from
 * user space. One socket(AF_NETLINK), the request built once in a reused
 * buffer (only the sequence number and the echoed value change), then per
 * round trip exactly one sendto() and one recv() into a reused buffer, and a
 * walk of the reply's attributes to read the one we want.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vnet_nl.h>

#include "roundtrip.h"

#define CLIENT "c-raw"

struct raw_client {
	int fd;
	uint32_t port;
	uint16_t family;
	uint8_t command;
	uint16_t reply_attr;	/* the attribute read from each reply */
	uint32_t value_offset;	/* where the echoed VALUE sits in the request, 0 if none */
	uint32_t request_length;
	struct sockaddr_nl kernel;
	/* Aligned for the headers; the receive buffer holds the largest GETFAMILY reply with room to spare. */
	unsigned char request[256] __attribute__((aligned(8)));
	unsigned char reply[32768] __attribute__((aligned(8)));
};

/* Writes the headers for command of family; returns where the attributes go. */
static unsigned char *put_headers(struct raw_client *c, uint16_t family, uint8_t command, uint8_t version)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)c->request;
	struct genlmsghdr *genl = (struct genlmsghdr *)(c->request + NLMSG_HDRLEN);

	memset(c->request, 0, sizeof(c->request));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_pid = c->port;
	genl->cmd = command;
	genl->version = version;
	return c->request + NLMSG_HDRLEN + GENL_HDRLEN;
}

static void finish_request(struct raw_client *c, unsigned char *end)
{
	c->request_length = (uint32_t)(end - c->request);
	((struct nlmsghdr *)c->request)->nlmsg_len = c->request_length;
}

/*
 * Sends the prepared request with sequence seq, receives one datagram and
 * returns the payload of attribute c->reply_attr of the reply.
 */
static const struct nlattr *exchange(struct raw_client *c, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)c->reply;
	ssize_t received;
	long remaining;

	((struct nlmsghdr *)c->request)->nlmsg_seq = seq;
	if (sendto(c->fd, c->request, c->request_length, 0, (const struct sockaddr *)&c->kernel,
		   sizeof(c->kernel)) != (ssize_t)c->request_length)
		rt_fail(CLIENT, "sendto: %s", strerror(errno));
	do
		received = recv(c->fd, c->reply, sizeof(c->reply), 0);
	while (received < 0 && errno == EINTR);
	if (received < 0)
		rt_fail(CLIENT, "recv: %s", strerror(errno));
	if (received < NLMSG_HDRLEN || nlh->nlmsg_len > (uint32_t)received)
		rt_fail(CLIENT, "truncated reply of %zd bytes", received);
	if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != c->port)
		rt_fail(CLIENT, "reply to seq %u port %u, expected seq %u port %u", nlh->nlmsg_seq,
			nlh->nlmsg_pid, seq, c->port);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = NLMSG_DATA(nlh);

		rt_fail(CLIENT, "the kernel answered with error %d (%s)", err->error, strerror(-err->error));
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		rt_fail(CLIENT, "reply of %u bytes has no generic netlink header", nlh->nlmsg_len);

	remaining = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (const struct nlattr *attr = (const void *)(c->reply + NLMSG_HDRLEN + GENL_HDRLEN);
	     remaining >= NLA_HDRLEN && attr->nla_len >= NLA_HDRLEN && attr->nla_len <= remaining;
	     remaining -= NLA_ALIGN(attr->nla_len),
	     attr = (const void *)((const unsigned char *)attr + NLA_ALIGN(attr->nla_len))) {
		if ((attr->nla_type & NLA_TYPE_MASK) == c->reply_attr)
			return attr;
	}
	rt_fail(CLIENT, "reply carries no attribute %u", c->reply_attr);
}

static uint16_t attr_u16(const struct nlattr *attr)
{
	uint16_t value;

	if (attr->nla_len != NLA_HDRLEN + sizeof(value))
		rt_fail(CLIENT, "attribute %u has %u bytes, expected a u16", attr->nla_type, attr->nla_len);
	memcpy(&value, (const unsigned char *)attr + NLA_HDRLEN, sizeof(value));
	return value;
}

static uint32_t attr_u32(const struct nlattr *attr)
{
	uint32_t value;

	if (attr->nla_len != NLA_HDRLEN + sizeof(value))
		rt_fail(CLIENT, "attribute %u has %u bytes, expected a u32", attr->nla_type, attr->nla_len);
	memcpy(&value, (const unsigned char *)attr + NLA_HDRLEN, sizeof(value));
	return value;
}

/* Resolves a family id with one CTRL_CMD_GETFAMILY, through the same code path as the measured requests. */
static uint16_t resolve_family(struct raw_client *c, const char *name)
{
	unsigned char *at = put_headers(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);

	finish_request(c, rt_put_attr(at, CTRL_ATTR_FAMILY_NAME, name, (uint16_t)(strlen(name) + 1)));
	c->reply_attr = CTRL_ATTR_FAMILY_ID;
	return attr_u16(exchange(c, 1));
}

static void prepare(struct raw_client *c, enum rt_target target)
{
	unsigned char *at;

	c->family = resolve_family(c, rt_family_name(target));
	if (target == RT_TARGET_NLCTRL) {
		at = put_headers(c, c->family, CTRL_CMD_GETFAMILY, 1);
		at = rt_put_attr(at, CTRL_ATTR_FAMILY_NAME, RT_NLCTRL_FAMILY, sizeof(RT_NLCTRL_FAMILY));
		c->reply_attr = CTRL_ATTR_FAMILY_ID;
		c->value_offset = 0;
	} else {
		uint32_t value = 0;
		uint8_t flag = RT_ECHO_FLAG;

		at = put_headers(c, c->family, VNET_NL_CMD_ECHO, VNET_NL_FAMILY_VERSION);
		at = rt_put_attr(at, VNET_NL_ATTR_MSG, RT_ECHO_MESSAGE, sizeof(RT_ECHO_MESSAGE));
		c->value_offset = (uint32_t)(at - c->request) + NLA_HDRLEN;
		at = rt_put_attr(at, VNET_NL_ATTR_VALUE, &value, sizeof(value));
		at = rt_put_attr(at, VNET_NL_ATTR_FLAG, &flag, sizeof(flag));
		c->reply_attr = VNET_NL_ATTR_VALUE;
	}
	finish_request(c, at);
}

static void round_trip(void *state, uint32_t n)
{
	struct raw_client *c = state;
	/* Sequence 1 was the family resolution. */
	uint32_t seq = n + 1;

	if (c->value_offset) {
		memcpy(c->request + c->value_offset, &n, sizeof(n));
		uint32_t echoed = attr_u32(exchange(c, seq));

		if (echoed != n)
			rt_fail(CLIENT, "ECHO returned value %u, sent %u", echoed, n);
	} else {
		uint16_t id = attr_u16(exchange(c, seq));

		if (id != c->family)
			rt_fail(CLIENT, "GETFAMILY returned family id %u, expected %u", id, c->family);
	}
}

int main(int argc, char **argv)
{
	static struct raw_client client;
	struct rt_options options;

	rt_parse_args(argc, argv, CLIENT, &options);
	client.fd = rt_open_socket(CLIENT, &client.port, &client.kernel);
	prepare(&client, options.target);
	rt_run(&options, round_trip, &client);
	close(client.fd);
	return 0;
}
