// SPDX-License-Identifier: Apache-2.0
/*
 * Batched baseline: the least a batch of generic netlink requests costs from
 * user space, the C twin of org.vnetnl.genl.GenlBatch. --batch N requests
 * (the same ones rt-raw sends, each with its own sequence number) built once
 * side by side in one buffer and sent with one sendto(); the kernel answers
 * each in turn while that call runs, so one recvmmsg() (MSG_WAITFORONE: the
 * first datagram may block, the rest do not) collects all N replies, each in
 * its own slot; each reply is checked against its request's sequence number
 * and its attribute read. A round trip in the report is one whole batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vnet_nl.h>

#include "roundtrip.h"

#define CLIENT "c-batch"
#define REQUEST_SIZE 64		/* one request: headers and attributes, aligned */
#define SLOT_SIZE 8192		/* one reply datagram */

struct batch_client {
	int fd;
	uint32_t port;
	uint16_t family;
	uint16_t reply_attr;	/* the attribute read from each reply */
	uint32_t value_offset;	/* where the echoed VALUE sits in a request, 0 if none */
	uint32_t request_length;	/* of one request, aligned */
	long batch;
	struct sockaddr_nl kernel;
	unsigned char *requests;	/* batch requests, request_length bytes apart */
	unsigned char *slots;		/* batch reply slots of SLOT_SIZE bytes */
	struct mmsghdr *messages;
	struct iovec *iov;
};

/* Writes one request for command of family at to; returns its aligned length. */
static uint32_t put_request(struct batch_client *c, unsigned char *to, enum rt_target target, uint16_t family)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)to;
	struct genlmsghdr *genl = (struct genlmsghdr *)(to + NLMSG_HDRLEN);
	unsigned char *at = to + NLMSG_HDRLEN + GENL_HDRLEN;

	memset(to, 0, REQUEST_SIZE);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_pid = c->port;
	if (target == RT_TARGET_NLCTRL || family == GENL_ID_CTRL) {
		const char *name = family == GENL_ID_CTRL && target == RT_TARGET_VNET ? VNET_NL_FAMILY_NAME
										     : RT_NLCTRL_FAMILY;

		genl->cmd = CTRL_CMD_GETFAMILY;
		genl->version = 1;
		at = rt_put_attr(at, CTRL_ATTR_FAMILY_NAME, name, (uint16_t)(strlen(name) + 1));
		c->reply_attr = CTRL_ATTR_FAMILY_ID;
		c->value_offset = 0;
	} else {
		uint32_t value = 0;
		uint8_t flag = RT_ECHO_FLAG;

		genl->cmd = VNET_NL_CMD_ECHO;
		genl->version = VNET_NL_FAMILY_VERSION;
		at = rt_put_attr(at, VNET_NL_ATTR_MSG, RT_ECHO_MESSAGE, sizeof(RT_ECHO_MESSAGE));
		c->value_offset = (uint32_t)(at - to) + NLA_HDRLEN;
		at = rt_put_attr(at, VNET_NL_ATTR_VALUE, &value, sizeof(value));
		at = rt_put_attr(at, VNET_NL_ATTR_FLAG, &flag, sizeof(flag));
		c->reply_attr = VNET_NL_ATTR_VALUE;
	}
	nlh->nlmsg_len = (uint32_t)(at - to);
	if (nlh->nlmsg_len > REQUEST_SIZE)
		rt_fail(CLIENT, "request of %u bytes exceeds %d", nlh->nlmsg_len, REQUEST_SIZE);
	return NLMSG_ALIGN(nlh->nlmsg_len);
}

/* The payload of attribute c->reply_attr of the reply to seq in slot i. */
static const unsigned char *reply_attr(struct batch_client *c, long i, uint32_t length, uint32_t seq)
{
	const unsigned char *slot = c->slots + (size_t)i * SLOT_SIZE;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)slot;
	long remaining;

	if (c->messages[i].msg_hdr.msg_flags & MSG_TRUNC || length < NLMSG_HDRLEN || nlh->nlmsg_len > length)
		rt_fail(CLIENT, "truncated reply of %u bytes", length);
	if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != c->port)
		rt_fail(CLIENT, "reply to seq %u port %u, expected seq %u port %u", nlh->nlmsg_seq, nlh->nlmsg_pid,
			seq, c->port);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = NLMSG_DATA(nlh);

		rt_fail(CLIENT, "the kernel answered seq %u with error %d (%s)", seq, err->error,
			strerror(-err->error));
	}
	remaining = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (const struct nlattr *attr = (const void *)(slot + NLMSG_HDRLEN + GENL_HDRLEN);
	     remaining >= NLA_HDRLEN && attr->nla_len >= NLA_HDRLEN && attr->nla_len <= remaining;
	     remaining -= NLA_ALIGN(attr->nla_len),
	     attr = (const void *)((const unsigned char *)attr + NLA_ALIGN(attr->nla_len))) {
		if ((attr->nla_type & NLA_TYPE_MASK) == c->reply_attr)
			return (const unsigned char *)attr + NLA_HDRLEN;
	}
	rt_fail(CLIENT, "reply to seq %u carries no attribute %u", seq, c->reply_attr);
}

/* Sends c->batch requests (sequence numbers first..) in one datagram and receives their replies. */
static void exchange(struct batch_client *c, long count, uint32_t first, uint32_t *values_out)
{
	size_t length = (size_t)count * c->request_length;
	long got = 0;

	for (long i = 0; i < count; i++)
		((struct nlmsghdr *)(c->requests + (size_t)i * c->request_length))->nlmsg_seq = first + (uint32_t)i;
	if (sendto(c->fd, c->requests, length, 0, (const struct sockaddr *)&c->kernel, sizeof(c->kernel))
	    != (ssize_t)length)
		rt_fail(CLIENT, "sendto: %s", strerror(errno));
	while (got < count) {
		int received = recvmmsg(c->fd, c->messages + got, (unsigned int)(count - got),
					MSG_WAITFORONE | MSG_TRUNC, NULL);

		if (received < 0 && errno == EINTR)
			continue;
		if (received < 0)
			rt_fail(CLIENT, "recvmmsg: %s", strerror(errno));
		for (long i = got; i < got + received; i++) {
			const unsigned char *value = reply_attr(c, i, c->messages[i].msg_len, first + (uint32_t)i);

			if (c->reply_attr == CTRL_ATTR_FAMILY_ID) {
				uint16_t id;

				memcpy(&id, value, sizeof(id));
				values_out[i] = id;
			} else {
				memcpy(&values_out[i], value, sizeof(values_out[i]));
			}
		}
		got += received;
	}
}

static void prepare(struct batch_client *c, enum rt_target target, long batch)
{
	uint32_t id;

	c->batch = batch;
	c->requests = calloc((size_t)batch, REQUEST_SIZE);
	c->slots = malloc((size_t)batch * SLOT_SIZE);
	c->messages = calloc((size_t)batch, sizeof(*c->messages));
	c->iov = calloc((size_t)batch, sizeof(*c->iov));
	if (!c->requests || !c->slots || !c->messages || !c->iov)
		rt_fail(CLIENT, "cannot allocate a batch of %ld", batch);
	for (long i = 0; i < batch; i++) {
		c->iov[i].iov_base = c->slots + (size_t)i * SLOT_SIZE;
		c->iov[i].iov_len = SLOT_SIZE;
		c->messages[i].msg_hdr.msg_iov = &c->iov[i];
		c->messages[i].msg_hdr.msg_iovlen = 1;
	}
	/* The family id, with a batch of one through the same path; sequence 1. */
	c->request_length = put_request(c, c->requests, target, GENL_ID_CTRL);
	exchange(c, 1, 1, &id);
	c->family = (uint16_t)id;
	for (long i = 0; i < batch; i++)
		c->request_length = put_request(c, c->requests + (size_t)i * REQUEST_SIZE, target, c->family);
	if (c->request_length != REQUEST_SIZE) {
		/* Pack the requests: the kernel reads one after the other, NLMSG_ALIGN apart. */
		for (long i = 1; i < batch; i++)
			memmove(c->requests + (size_t)i * c->request_length, c->requests + (size_t)i * REQUEST_SIZE,
				c->request_length);
	}
}

static void round_trip(void *state, uint32_t n)
{
	struct batch_client *c = state;
	static uint32_t values[1024];
	/* Sequence 1 was the family resolution; each round trip takes batch numbers. */
	uint32_t first = 2 + (n - 1) * (uint32_t)c->batch;

	if (c->value_offset) {
		for (long i = 0; i < c->batch; i++) {
			uint32_t value = first + (uint32_t)i;

			memcpy(c->requests + (size_t)i * c->request_length + c->value_offset, &value, sizeof(value));
		}
	}
	exchange(c, c->batch, first, values);
	for (long i = 0; i < c->batch; i++) {
		uint32_t expected = c->value_offset ? first + (uint32_t)i : c->family;

		if (values[i] != expected)
			rt_fail(CLIENT, "reply %ld of the batch carried %u, expected %u", i, values[i], expected);
	}
}

int main(int argc, char **argv)
{
	static struct batch_client client;
	struct rt_options options;

	rt_parse_args(argc, argv, CLIENT, &options);
	if (options.target == RT_TARGET_ETHTOOL)
		rt_fail(CLIENT, "--target ethtool is measured by rt-raw only");
	if (options.batch == 0)
		options.batch = 16;
	if (options.batch > 1024)
		rt_fail(CLIENT, "--batch is at most 1024 (recvmmsg's UIO_MAXIOV)");
	client.fd = rt_open_socket(CLIENT, &client.port, &client.kernel);
	prepare(&client, options.target, options.batch);
	rt_run(&options, round_trip, &client);
	close(client.fd);
	return 0;
}
