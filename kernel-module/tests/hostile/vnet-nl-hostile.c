// SPDX-License-Identifier: GPL-2.0
/*
 * vnet-nl-hostile: sends malformed and hostile generic netlink messages to the
 * vnet_nl family over a raw netlink socket and checks how each one is answered.
 *
 * Every message is generated from (seed, index) alone, so any single message of
 * a run can be regenerated with --first INDEX --count 1 and the same seed. The
 * categories follow what a hostile or broken client can send: broken netlink
 * and generic netlink headers, attribute lengths that are too short or run past
 * the message, wrong types and sizes, out-of-range values, unknown attributes
 * and commands, oversize and unterminated strings, nesting where none is
 * expected, dump requests for commands without a dump, valid requests with a
 * reserved genlmsghdr field or netlink flags set (genl-header-strict), valid
 * attributes a command does not take (attr-per-op), random bytes behind a
 * valid header, several bad messages in one datagram, and datagrams larger than
 * the socket accepts.
 *
 * What each message must get:
 *   error    an NLMSG_ERROR with a negative error, and nothing else
 *   silent   nothing at all: the netlink core discards a datagram whose
 *            netlink header is truncated or whose length field is inconsistent,
 *            and a message that is not a request (netlink_rcv_skb); the kernel
 *            processes a datagram before sendto() returns, so an answer that
 *            is not queued by then never comes
 *   answer   anything well formed that ends in an NLMSG_ERROR (error or ACK)
 *            or NLMSG_DONE: random bytes may happen to form a valid request
 *   refused  sendto() fails: EMSGSIZE for a datagram larger than the send
 *            buffer, ENODATA for an empty one
 * A missing answer is detected with a receive timeout. Every --probe-every
 * messages, and at the end on a fresh socket, a valid ECHO must come back with
 * exactly the attributes sent.
 *
 * Exit status: 0 when every message got what it must and the ECHO checks
 * passed, 1 otherwise, 2 on a usage error, 3 when vnet_nl cannot be resolved.
 */
#define _GNU_SOURCE /* strerrorname_np */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vnet_nl.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_SETUP 3

/* Larger than any netlink socket's default send buffer (net.core.wmem_max is ~208 KiB). */
#define OVERSIZE_DATAGRAM (1024 * 1024)
#define MAX_BATCH 8
#define RECV_BUFFER (256 * 1024)
#define MAX_ERRNO 256
#define MAX_REPORTED_FAILURES 20

static const char *prog = "vnet-nl-hostile";

/* ---- Deterministic pseudo-random numbers ------------------------------------ */

/* SplitMix64: tiny, fast, good enough for test input, and seedable per message. */
struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct rng rng_for_message(uint64_t seed, uint64_t index)
{
	struct rng r = { .state = seed };

	/* Decorrelates neighbouring indexes: message i never depends on message i-1. */
	r.state ^= rng_next(&(struct rng){ .state = index * 0xd1b54a32d192ed03ULL });
	return r;
}

/* Uniform in [lo, hi]. */
static uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rng_next(r) % ((uint64_t)hi - lo + 1));
}

static bool rng_chance(struct rng *r, unsigned int one_in)
{
	return rng_next(r) % one_in == 0;
}

static void rng_fill(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		uint64_t v = rng_next(r);
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

/* Bytes from 1 to 255: text with no NUL anywhere. */
static void rng_fill_nonzero(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)rng_range(r, 1, 255);
}

/* ---- Building messages -------------------------------------------------------- */

enum expectation {
	EXPECT_ERROR,
	EXPECT_SILENT,
	EXPECT_ANSWER,
	EXPECT_REFUSED,
};

/* One datagram: one or more netlink messages, each with the answer it must get. */
struct datagram {
	unsigned char *buf;
	size_t len, cap;
	int n_msgs;
	uint32_t seq[MAX_BATCH];
	enum expectation expect[MAX_BATCH];
	/* With EXPECT_REFUSED: the error sendto() must fail with. */
	int refused_errno;
	/* Short description of the variant, for reports. */
	char what[96];
};

struct context {
	uint16_t family;
	uint32_t next_seq;
};

static void *dg_put(struct datagram *d, size_t len)
{
	void *p;

	if (d->len + len > d->cap) {
		fprintf(stderr, "%s: internal error: datagram of %zu bytes exceeds %zu\n", prog,
			d->len + len, d->cap);
		exit(EXIT_FAILED);
	}
	p = d->buf + d->len;
	memset(p, 0, len);
	d->len += len;
	return p;
}

static void dg_align(struct datagram *d)
{
	size_t pad = NLMSG_ALIGN(d->len) - d->len;

	if (pad)
		dg_put(d, pad);
}

/*
 * Starts a netlink message and its generic netlink header; returns the offset
 * of the netlink header, for msg_end(). Flags always include NLM_F_ACK so that
 * a request the kernel accepts is answered too, never left silent.
 */
static size_t msg_begin(struct context *ctx, struct datagram *d, uint8_t cmd, uint16_t flags,
			enum expectation expect)
{
	size_t start;
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	dg_align(d);
	start = d->len;
	nlh = dg_put(d, NLMSG_HDRLEN);
	nlh->nlmsg_type = ctx->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++ctx->next_seq;
	gh = dg_put(d, GENL_HDRLEN);
	gh->cmd = cmd;
	gh->version = VNET_NL_FAMILY_VERSION;

	d->seq[d->n_msgs] = nlh->nlmsg_seq;
	d->expect[d->n_msgs] = expect;
	d->n_msgs++;
	return start;
}

static void msg_end(struct datagram *d, size_t start)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(d->buf + start);

	nlh->nlmsg_len = (uint32_t)(d->len - start);
}

/* An attribute whose header says declared_len while data_len bytes follow. */
static void attr_put_raw(struct datagram *d, uint16_t type, uint16_t declared_len,
			 const void *data, size_t data_len)
{
	struct nlattr *nla;

	dg_align(d);
	nla = dg_put(d, NLA_HDRLEN);
	nla->nla_type = type;
	nla->nla_len = declared_len;
	if (data_len)
		memcpy(dg_put(d, data_len), data, data_len);
}

static void attr_put(struct datagram *d, uint16_t type, const void *data, size_t len)
{
	attr_put_raw(d, type, (uint16_t)(NLA_HDRLEN + len), data, len);
	dg_align(d);
}

static void attr_put_u32(struct datagram *d, uint16_t type, uint32_t v)
{
	attr_put(d, type, &v, sizeof(v));
}

static void attr_put_u8(struct datagram *d, uint16_t type, uint8_t v)
{
	attr_put(d, type, &v, sizeof(v));
}

static void attr_put_str(struct datagram *d, uint16_t type, const char *s)
{
	attr_put(d, type, s, strlen(s) + 1);
}

/* Commands that take a request, and the ones that change state. */
static const uint8_t request_cmds[] = {
	VNET_NL_CMD_ECHO, VNET_NL_CMD_GET_STATS, VNET_NL_CMD_SET_LINK, VNET_NL_CMD_RESET_STATS,
};

static uint8_t any_request_cmd(struct rng *r)
{
	return request_cmds[rng_range(r, 0, sizeof(request_cmds) - 1)];
}

/*
 * Zero to two well-formed attributes that ECHO and GET_STATS accept, so that
 * the hostile part is not always first.
 */
static void put_valid_prefix(struct rng *r, struct datagram *d)
{
	int n = (int)rng_range(r, 0, 2);

	for (int i = 0; i < n; i++) {
		switch (rng_range(r, 0, 2)) {
		case 0:
			attr_put_u32(d, VNET_NL_ATTR_VALUE, (uint32_t)rng_next(r));
			break;
		case 1:
			attr_put_u8(d, VNET_NL_ATTR_FLAG, (uint8_t)rng_range(r, 0, 1));
			break;
		default:
			attr_put_str(d, VNET_NL_ATTR_MSG, "prefix");
			break;
		}
	}
}

/* ---- Categories ----------------------------------------------------------------- */

struct category {
	const char *name;
	/* How often it appears in the schedule, relative to the others. */
	unsigned int weight;
	/* Its messages all get errors, so batches may be made of them. */
	bool batchable;
	/* Appends one or more messages (or a deliberately broken datagram) to d. */
	void (*build)(struct context *ctx, struct rng *r, struct datagram *d);
};

/*
 * Netlink header broken: datagram shorter than a netlink header, length field
 * below the header size or beyond the datagram, or not a request at all.
 * The netlink core drops these without a word.
 */
static void build_nlmsg_header(struct context *ctx, struct rng *r, struct datagram *d)
{
	struct nlmsghdr *nlh;
	uint32_t variant = rng_range(r, 0, 4);

	d->seq[0] = ++ctx->next_seq;
	d->expect[0] = EXPECT_SILENT;
	d->n_msgs = 1;

	if (variant == 0) {
		size_t len = rng_range(r, 0, NLMSG_HDRLEN - 1);

		rng_fill(r, dg_put(d, len), len);
		snprintf(d->what, sizeof(d->what), "datagram of %zu bytes", len);
		if (len == 0) {
			/* netlink_sendmsg() refuses an empty datagram outright. */
			d->expect[0] = EXPECT_REFUSED;
			d->refused_errno = ENODATA;
		}
		return;
	}

	nlh = dg_put(d, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = ctx->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = d->seq[0];
	((struct genlmsghdr *)NLMSG_DATA(nlh))->cmd = VNET_NL_CMD_ECHO;
	((struct genlmsghdr *)NLMSG_DATA(nlh))->version = VNET_NL_FAMILY_VERSION;
	{
		size_t extra = rng_range(r, 0, 64);

		rng_fill(r, dg_put(d, extra), extra);
	}

	switch (variant) {
	case 1:
		nlh->nlmsg_len = rng_range(r, 0, NLMSG_HDRLEN - 1);
		snprintf(d->what, sizeof(d->what), "nlmsg_len %u below the header", nlh->nlmsg_len);
		break;
	case 2:
		nlh->nlmsg_len = (uint32_t)d->len + rng_range(r, 1, 65536);
		if (rng_chance(r, 8))
			nlh->nlmsg_len = UINT32_MAX;
		snprintf(d->what, sizeof(d->what), "nlmsg_len %u beyond the %zu-byte datagram",
			 nlh->nlmsg_len, d->len);
		break;
	case 3:
		/* Not a request, no ACK wanted: nothing to answer. */
		nlh->nlmsg_len = (uint32_t)d->len;
		nlh->nlmsg_flags = (uint16_t)(rng_next(r) & ~(NLM_F_REQUEST | NLM_F_ACK));
		snprintf(d->what, sizeof(d->what), "not a request (flags 0x%x)", nlh->nlmsg_flags);
		break;
	default:
		/* Netlink control types (NOOP, ERROR, DONE, OVERRUN) as if sent to the kernel. */
		nlh->nlmsg_len = (uint32_t)d->len;
		nlh->nlmsg_type = (uint16_t)rng_range(r, 0, NLMSG_MIN_TYPE - 1);
		nlh->nlmsg_flags = NLM_F_REQUEST;
		snprintf(d->what, sizeof(d->what), "control type %u without ACK", nlh->nlmsg_type);
		break;
	}
}

/* Generic netlink header cut short: the family's handler must refuse it. */
static void build_genl_header(struct context *ctx, struct rng *r, struct datagram *d)
{
	size_t start = msg_begin(ctx, d, any_request_cmd(r), 0, EXPECT_ERROR);
	size_t keep = rng_range(r, 0, GENL_HDRLEN - 1);

	d->len = start + NLMSG_HDRLEN + keep;
	msg_end(d, start);
	snprintf(d->what, sizeof(d->what), "generic netlink header of %zu bytes", keep);
}

/* Attribute lengths below the attribute header, or running past the message. */
static void build_attr_length(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd = any_request_cmd(r);
	size_t start = msg_begin(ctx, d, cmd, 0, EXPECT_ERROR);
	uint16_t type = (uint16_t)rng_range(r, 1, VNET_NL_ATTR_MAX);
	unsigned char payload[64];
	size_t data_len = rng_range(r, 0, sizeof(payload));

	rng_fill(r, payload, sizeof(payload));
	put_valid_prefix(r, d);
	switch (rng_range(r, 0, 2)) {
	case 0: {
		uint16_t declared = (uint16_t)rng_range(r, 0, NLA_HDRLEN - 1);

		attr_put_raw(d, type, declared, payload, data_len);
		snprintf(d->what, sizeof(d->what), "cmd %u attr %u nla_len %u < 4", cmd, type, declared);
		break;
	}
	case 1: {
		uint16_t declared = (uint16_t)(NLA_HDRLEN + data_len + rng_range(r, 1, 4096));

		if (rng_chance(r, 8))
			declared = UINT16_MAX;
		attr_put_raw(d, type, declared, payload, data_len);
		snprintf(d->what, sizeof(d->what), "cmd %u attr %u nla_len %u past the message", cmd,
			 type, declared);
		break;
	}
	default: {
		/* 1 to 3 stray bytes after the last attribute: too short for any header. */
		size_t stray = rng_range(r, 1, NLA_HDRLEN - 1);

		rng_fill(r, dg_put(d, stray), stray);
		snprintf(d->what, sizeof(d->what), "cmd %u %zu stray trailing bytes", cmd, stray);
		break;
	}
	}
	msg_end(d, start);
}

/* Known attributes of the wrong size, or out of their range. */
static void build_attr_type(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd = any_request_cmd(r);
	size_t start = msg_begin(ctx, d, cmd, 0, EXPECT_ERROR);
	unsigned char payload[16];
	size_t len;
	uint16_t type;

	rng_fill(r, payload, sizeof(payload));
	put_valid_prefix(r, d);
	switch (rng_range(r, 0, 3)) {
	case 0: /* u32 attributes of any size but 4 */
		type = rng_chance(r, 2) ? VNET_NL_ATTR_VALUE : VNET_NL_ATTR_IFINDEX;
		do
			len = rng_range(r, 0, sizeof(payload));
		while (len == sizeof(uint32_t));
		attr_put(d, type, payload, len);
		snprintf(d->what, sizeof(d->what), "cmd %u u32 attr %u of %zu bytes", cmd, type, len);
		break;
	case 1: /* u8 attributes of any size but 1 */
		type = rng_chance(r, 2) ? VNET_NL_ATTR_FLAG : VNET_NL_ATTR_LINK_UP;
		do
			len = rng_range(r, 0, sizeof(payload));
		while (len == sizeof(uint8_t));
		attr_put(d, type, payload, len);
		snprintf(d->what, sizeof(d->what), "cmd %u u8 attr %u of %zu bytes", cmd, type, len);
		break;
	case 2: /* booleans above 1 */
		type = rng_chance(r, 2) ? VNET_NL_ATTR_FLAG : VNET_NL_ATTR_LINK_UP;
		payload[0] = (uint8_t)rng_range(r, VNET_NL_BOOL_MAX + 1, 255);
		attr_put(d, type, payload, 1);
		snprintf(d->what, sizeof(d->what), "cmd %u bool attr %u = %u", cmd, type, payload[0]);
		break;
	default: /* IFINDEX 0, below the policy's minimum */
		attr_put_u32(d, VNET_NL_ATTR_IFINDEX, 0);
		snprintf(d->what, sizeof(d->what), "cmd %u IFINDEX 0", cmd);
		break;
	}
	msg_end(d, start);
}

/* Attribute types the family does not define, or accepts only from the kernel. */
static void build_attr_unknown(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd = any_request_cmd(r);
	size_t start = msg_begin(ctx, d, cmd, 0, EXPECT_ERROR);
	unsigned char payload[32];
	size_t len = rng_range(r, 0, sizeof(payload));
	uint16_t type;

	rng_fill(r, payload, sizeof(payload));
	put_valid_prefix(r, d);
	switch (rng_range(r, 0, 2)) {
	case 0:
		type = VNET_NL_ATTR_UNSPEC;
		break;
	case 1:
		type = rng_chance(r, 2) ? VNET_NL_ATTR_STATS : VNET_NL_ATTR_PAD;
		break;
	default:
		type = (uint16_t)rng_range(r, VNET_NL_ATTR_MAX + 1, NLA_TYPE_MASK);
		break;
	}
	attr_put(d, type, payload, len);
	snprintf(d->what, sizeof(d->what), "cmd %u attr type %u (%zu bytes)", cmd, type, len);
	msg_end(d, start);
}

/* Nested garbage: NLA_F_NESTED where no attribute nests, or junk inside STATS. */
static void build_attr_nested(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd = any_request_cmd(r);
	size_t start = msg_begin(ctx, d, cmd, 0, EXPECT_ERROR);
	size_t nest_start;
	int depth = (int)rng_range(r, 1, 8);
	uint16_t outer = rng_chance(r, 3) ? VNET_NL_ATTR_STATS
					  : (uint16_t)rng_range(r, VNET_NL_ATTR_MSG, VNET_NL_ATTR_LINK_UP);

	put_valid_prefix(r, d);
	dg_align(d);
	nest_start = d->len;
	/* depth levels of nesting, the innermost holding random bytes. */
	for (int i = 0; i < depth; i++)
		attr_put_raw(d, (uint16_t)(NLA_F_NESTED | (i == 0 ? outer : rng_range(r, 0, 16))), 0,
			     NULL, 0);
	{
		size_t junk = rng_range(r, 0, 128);

		rng_fill(r, dg_put(d, junk), junk);
		dg_align(d);
	}
	/* Close the nests from the innermost out, each covering what follows it. */
	for (int i = depth - 1; i >= 0; i--) {
		struct nlattr *nla = (struct nlattr *)(d->buf + nest_start + (size_t)i * NLA_HDRLEN);

		nla->nla_len = (uint16_t)(d->len - (nest_start + (size_t)i * NLA_HDRLEN));
	}
	snprintf(d->what, sizeof(d->what), "cmd %u attr %u nested %d deep with junk", cmd, outer,
		 depth);
	msg_end(d, start);
}

/* Strings longer than the policy allows, with or without a terminating NUL. */
static void build_string_oversize(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd = any_request_cmd(r);
	size_t start = msg_begin(ctx, d, cmd, 0, EXPECT_ERROR);
	bool msg = rng_chance(r, 2);
	uint16_t type = msg ? VNET_NL_ATTR_MSG : VNET_NL_ATTR_IFNAME;
	size_t max = msg ? VNET_NL_MSG_MAX_LEN : 15; /* IFNAMSIZ - 1 */
	size_t len = rng_chance(r, 4) ? max + 1 : rng_range(r, (uint32_t)max + 1, 8000);
	unsigned char *s;

	put_valid_prefix(r, d);
	dg_align(d);
	{
		struct nlattr *nla = dg_put(d, NLA_HDRLEN);

		nla->nla_type = type;
		nla->nla_len = (uint16_t)(NLA_HDRLEN + len + 1);
	}
	s = dg_put(d, len + 1);
	rng_fill_nonzero(r, s, len);
	s[len] = '\0';
	dg_align(d);
	snprintf(d->what, sizeof(d->what), "cmd %u %s of %zu characters", cmd,
		 msg ? "MSG" : "IFNAME", len);
	msg_end(d, start);
}

/* Strings with no NUL where the policy finds it, or empty. */
static void build_string_unterminated(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd = any_request_cmd(r);
	size_t start = msg_begin(ctx, d, cmd, 0, EXPECT_ERROR);
	bool msg = rng_chance(r, 2);
	uint16_t type = msg ? VNET_NL_ATTR_MSG : VNET_NL_ATTR_IFNAME;
	size_t len = rng_chance(r, 8) ? 0 : rng_range(r, 1, msg ? 600 : 40);
	unsigned char s[600];

	put_valid_prefix(r, d);
	rng_fill_nonzero(r, s, len);
	attr_put(d, type, s, len);
	snprintf(d->what, sizeof(d->what), "cmd %u %s of %zu bytes without NUL", cmd,
		 msg ? "MSG" : "IFNAME", len);
	msg_end(d, start);
}

/* Commands the family does not have: 0, the notifications, all above them. */
static void build_command_unknown(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint8_t cmd;
	size_t start;

	switch (rng_range(r, 0, 3)) {
	case 0:
		cmd = VNET_NL_CMD_UNSPEC;
		break;
	case 1:
		cmd = VNET_NL_CMD_LINK_EVENT;
		break;
	case 2:
		cmd = VNET_NL_CMD_ECHO_EVENT;
		break;
	default:
		cmd = (uint8_t)rng_range(r, VNET_NL_CMD_MAX + 1, 255);
		break;
	}
	start = msg_begin(ctx, d, cmd, rng_chance(r, 4) ? NLM_F_DUMP : 0, EXPECT_ERROR);
	put_valid_prefix(r, d);
	snprintf(d->what, sizeof(d->what), "cmd %u", cmd);
	msg_end(d, start);
}

/* NLM_F_DUMP on commands without dumpit; GET_STATS dumps with invalid attributes. */
static void build_dump_flags(struct context *ctx, struct rng *r, struct datagram *d)
{
	static const uint8_t no_dump[] = {
		VNET_NL_CMD_ECHO, VNET_NL_CMD_SET_LINK, VNET_NL_CMD_RESET_STATS,
	};
	size_t start;

	if (rng_chance(r, 4)) {
		uint16_t type = (uint16_t)rng_range(r, VNET_NL_ATTR_MAX + 1, 1000);

		start = msg_begin(ctx, d, VNET_NL_CMD_GET_STATS, NLM_F_DUMP, EXPECT_ERROR);
		attr_put_u32(d, type, (uint32_t)rng_next(r));
		snprintf(d->what, sizeof(d->what), "GET_STATS dump with unknown attr %u", type);
	} else {
		uint8_t cmd = no_dump[rng_range(r, 0, sizeof(no_dump) - 1)];

		start = msg_begin(ctx, d, cmd, NLM_F_DUMP, EXPECT_ERROR);
		put_valid_prefix(r, d);
		snprintf(d->what, sizeof(d->what), "dump of cmd %u", cmd);
	}
	msg_end(d, start);
}

/*
 * A well-formed request that would succeed but for its generic netlink
 * header or netlink flags: genlmsghdr.reserved not 0, or nlmsg_flags bits
 * (CREATE, APPEND, EXCL, REPLACE, a half of DUMP) whose meaning the core
 * cannot enforce. The core checks both for every command of a family that
 * validates strictly (resv_start_op 0), before any handler runs.
 */
static void put_valid_body(struct datagram *d, uint8_t cmd)
{
	switch (cmd) {
	case VNET_NL_CMD_ECHO:
		attr_put_str(d, VNET_NL_ATTR_MSG, "strict header");
		break;
	case VNET_NL_CMD_SET_LINK:
		attr_put_str(d, VNET_NL_ATTR_IFNAME, VNET_NL_DEFAULT_IFNAME);
		attr_put_u8(d, VNET_NL_ATTR_LINK_UP, 1);
		break;
	default:
		attr_put_str(d, VNET_NL_ATTR_IFNAME, VNET_NL_DEFAULT_IFNAME);
		break;
	}
}

static void build_genl_header_strict(struct context *ctx, struct rng *r, struct datagram *d)
{
	static const uint16_t bad_flags[] = {
		NLM_F_CREATE | NLM_F_APPEND, NLM_F_CREATE, NLM_F_APPEND, NLM_F_EXCL,
		NLM_F_REPLACE, NLM_F_ROOT, NLM_F_MATCH, NLM_F_DUMP | NLM_F_CREATE,
	};
	uint8_t cmd = any_request_cmd(r);
	uint16_t flags = 0, reserved = 0;
	struct genlmsghdr *gh;
	size_t start;

	if (rng_chance(r, 2))
		reserved = (uint16_t)rng_range(r, 1, UINT16_MAX);
	else
		flags = bad_flags[rng_range(r, 0, sizeof(bad_flags) / sizeof(bad_flags[0]) - 1)];
	start = msg_begin(ctx, d, cmd, flags, EXPECT_ERROR);
	gh = (struct genlmsghdr *)(d->buf + start + NLMSG_HDRLEN);
	gh->reserved = reserved;
	put_valid_body(d, cmd);
	msg_end(d, start);
	snprintf(d->what, sizeof(d->what), "cmd %u, genlmsghdr.reserved 0x%x, nlmsg_flags 0x%x",
		 cmd, reserved, NLM_F_REQUEST | NLM_F_ACK | flags);
}

/*
 * Attributes of the family that are valid in themselves but not taken by
 * the command they come with (each operation has its own policy): ECHO with
 * a device, GET_STATS, SET_LINK or RESET_STATS with echo attributes,
 * RESET_STATS or GET_STATS with LINK_UP, the GET_STATS dump with a device.
 */
static void build_attr_per_op(struct context *ctx, struct rng *r, struct datagram *d)
{
	static const struct {
		uint8_t cmd;
		bool dump;
		uint16_t attr;
	} cases[] = {
		{ VNET_NL_CMD_ECHO, false, VNET_NL_ATTR_IFINDEX },
		{ VNET_NL_CMD_ECHO, false, VNET_NL_ATTR_IFNAME },
		{ VNET_NL_CMD_ECHO, false, VNET_NL_ATTR_LINK_UP },
		{ VNET_NL_CMD_GET_STATS, false, VNET_NL_ATTR_MSG },
		{ VNET_NL_CMD_GET_STATS, false, VNET_NL_ATTR_LINK_UP },
		{ VNET_NL_CMD_SET_LINK, false, VNET_NL_ATTR_VALUE },
		{ VNET_NL_CMD_SET_LINK, false, VNET_NL_ATTR_FLAG },
		{ VNET_NL_CMD_RESET_STATS, false, VNET_NL_ATTR_MSG },
		{ VNET_NL_CMD_RESET_STATS, false, VNET_NL_ATTR_VALUE },
		{ VNET_NL_CMD_RESET_STATS, false, VNET_NL_ATTR_LINK_UP },
		{ VNET_NL_CMD_GET_STATS, true, VNET_NL_ATTR_IFINDEX },
		{ VNET_NL_CMD_GET_STATS, true, VNET_NL_ATTR_IFNAME },
	};
	unsigned int i = rng_range(r, 0, sizeof(cases) / sizeof(cases[0]) - 1);
	size_t start = msg_begin(ctx, d, cases[i].cmd, cases[i].dump ? NLM_F_DUMP : 0,
				 EXPECT_ERROR);

	if (!cases[i].dump)
		put_valid_body(d, cases[i].cmd);
	switch (cases[i].attr) {
	case VNET_NL_ATTR_MSG:
		attr_put_str(d, VNET_NL_ATTR_MSG, "not taken here");
		break;
	case VNET_NL_ATTR_IFNAME:
		attr_put_str(d, VNET_NL_ATTR_IFNAME, VNET_NL_DEFAULT_IFNAME);
		break;
	case VNET_NL_ATTR_FLAG:
	case VNET_NL_ATTR_LINK_UP:
		attr_put_u8(d, cases[i].attr, 1);
		break;
	default: /* IFINDEX, VALUE: 1 is a valid value of both (lo's ifindex) */
		attr_put_u32(d, cases[i].attr, 1);
		break;
	}
	msg_end(d, start);
	snprintf(d->what, sizeof(d->what), "cmd %u%s with attribute %u it does not take",
		 cases[i].cmd, cases[i].dump ? " dump" : "", cases[i].attr);
}

/* One attribute of a known or nearby type with a plausible size and random content. */
static void put_random_attr(struct rng *r, struct datagram *d)
{
	static const uint16_t sizes[] = { 0, 1, 2, 4, 8, 16 };
	unsigned char payload[64];
	uint16_t type = (uint16_t)rng_range(r, 0, VNET_NL_ATTR_MAX + 1);
	size_t len = rng_chance(r, 4) ? rng_range(r, 0, sizeof(payload))
				      : sizes[rng_range(r, 0, sizeof(sizes) / sizeof(sizes[0]) - 1)];

	rng_fill(r, payload, len);
	if (len && rng_chance(r, 2))
		payload[len - 1] = '\0';	/* a string, sometimes */
	if (len == 1 && rng_chance(r, 2))
		payload[0] &= 1;	/* a valid boolean, sometimes */
	attr_put(d, type, payload, len);
}

/*
 * Random content behind a valid netlink header (always a request with ACK):
 * either random bytes for the generic netlink header and payload, or a valid
 * header followed by random attributes of the family's types. Both may form a
 * valid request, which must then be answered normally.
 */
static void build_random_bytes(struct context *ctx, struct rng *r, struct datagram *d)
{
	uint16_t flags = (uint16_t)(rng_next(r) & 0x0ff0); /* REQUEST and ACK stay set */
	size_t start = msg_begin(ctx, d, any_request_cmd(r), flags, EXPECT_ANSWER);
	struct genlmsghdr *gh = (struct genlmsghdr *)(d->buf + start + NLMSG_HDRLEN);

	if (rng_chance(r, 2)) {
		size_t len = rng_range(r, 0, 512);
		uint8_t cmd = gh->cmd;

		rng_fill(r, gh, GENL_HDRLEN);
		/* Aim at the real commands most of the time, anywhere otherwise. */
		if (!rng_chance(r, 4))
			gh->cmd = cmd;
		rng_fill(r, dg_put(d, len), len);
		snprintf(d->what, sizeof(d->what), "cmd %u version %u reserved %u flags 0x%x, "
			 "%zu random bytes", gh->cmd, gh->version, gh->reserved, flags, len);
	} else {
		int n = (int)rng_range(r, 0, 6);

		for (int i = 0; i < n; i++)
			put_random_attr(r, d);
		snprintf(d->what, sizeof(d->what), "cmd %u flags 0x%x, %d random attributes",
			 gh->cmd, flags, n);
	}
	msg_end(d, start);
}

/* Several bad messages in one datagram: each gets its own error. */
static void build_batch(struct context *ctx, struct rng *r, struct datagram *d);

/* A datagram larger than the socket's send buffer: sendto() refuses it. */
static void build_oversize_datagram(struct context *ctx, struct rng *r, struct datagram *d)
{
	size_t start;

	(void)r;
	start = msg_begin(ctx, d, VNET_NL_CMD_ECHO, 0, EXPECT_REFUSED);
	d->refused_errno = EMSGSIZE;
	d->len = OVERSIZE_DATAGRAM;
	msg_end(d, start);
	snprintf(d->what, sizeof(d->what), "datagram of %d bytes", OVERSIZE_DATAGRAM);
}

static const struct category categories[] = {
	{ "nlmsg-header",		4, false, build_nlmsg_header },
	{ "genl-header",		2, true,  build_genl_header },
	{ "attr-length",		6, true,  build_attr_length },
	{ "attr-type-size",		6, true,  build_attr_type },
	{ "attr-unknown",		4, true,  build_attr_unknown },
	{ "attr-nested",		4, true,  build_attr_nested },
	{ "string-oversize",		4, true,  build_string_oversize },
	{ "string-unterminated",	4, true,  build_string_unterminated },
	{ "command-unknown",		3, true,  build_command_unknown },
	{ "dump-flags",			3, true,  build_dump_flags },
	{ "genl-header-strict",		3, true,  build_genl_header_strict },
	{ "attr-per-op",		4, true,  build_attr_per_op },
	{ "random-bytes",		8, false, build_random_bytes },
	{ "batch",			2, false, build_batch },
	{ "oversize-datagram",		1, false, build_oversize_datagram },
};
#define N_CATEGORIES (sizeof(categories) / sizeof(categories[0]))

static void build_batch(struct context *ctx, struct rng *r, struct datagram *d)
{
	int members[N_CATEGORIES], n_members = 0;
	int n = (int)rng_range(r, 2, MAX_BATCH);
	char what[sizeof(d->what)] = "";
	size_t used = 0;

	for (size_t c = 0; c < N_CATEGORIES; c++)
		if (categories[c].batchable)
			members[n_members++] = (int)c;
	/* Each member adds at most one message of at most ~8 KiB. */
	for (int i = 0; i < n && d->len + 9000 < d->cap; i++) {
		const struct category *c = &categories[members[rng_range(r, 0, (uint32_t)n_members - 1)]];

		c->build(ctx, r, d);
		if (used < sizeof(what))
			used += (size_t)snprintf(what + used, sizeof(what) - used, "%s%s",
						 i ? "," : "", c->name);
	}
	snprintf(d->what, sizeof(d->what), "%d messages: %s", d->n_msgs, what);
}

/* Categories in proportion to their weights; message i takes schedule[i % len]. */
static int schedule[64];
static int schedule_len;

static void build_schedule(void)
{
	for (size_t c = 0; c < N_CATEGORIES; c++)
		for (unsigned int w = 0; w < categories[c].weight; w++)
			schedule[schedule_len++] = (int)c;
}

/* ---- Socket ------------------------------------------------------------------------ */

static struct sockaddr_nl kernel_addr = { .nl_family = AF_NETLINK };

static int open_socket(int timeout_ms)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	int one = 1, rcvbuf = 1 << 20;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0) {
		fprintf(stderr, "%s: socket(AF_NETLINK, NETLINK_GENERIC): %s\n", prog, strerror(errno));
		exit(EXIT_SETUP);
	}
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0 ||
	    /* Extended ACKs make the kernel build richer error replies: more code under test. */
	    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) < 0) {
		fprintf(stderr, "%s: setting up the netlink socket: %s\n", prog, strerror(errno));
		exit(EXIT_SETUP);
	}
	return fd;
}

static unsigned char recv_buf[RECV_BUFFER] __attribute__((aligned(8)));

/* One recv(); 0 on timeout or nothing queued (when dontwait), -1 on other errors. */
static ssize_t receive(int fd, bool dontwait)
{
	ssize_t n = recv(fd, recv_buf, sizeof(recv_buf), MSG_TRUNC | (dontwait ? MSG_DONTWAIT : 0));

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n > (ssize_t)sizeof(recv_buf)) {
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}

/* Resolves the family id with CTRL_CMD_GETFAMILY, as any client does. */
static uint16_t resolve_family(int fd)
{
	unsigned char buf[128] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct nlattr *nla = (struct nlattr *)((unsigned char *)gh + GENL_HDRLEN);
	ssize_t n;

	nla->nla_type = CTRL_ATTR_FAMILY_NAME;
	nla->nla_len = NLA_HDRLEN + sizeof(VNET_NL_FAMILY_NAME);
	memcpy((unsigned char *)nla + NLA_HDRLEN, VNET_NL_FAMILY_NAME, sizeof(VNET_NL_FAMILY_NAME));
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(nla->nla_len);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 2;

	if (sendto(fd, buf, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel_addr,
		   sizeof(kernel_addr)) < 0) {
		fprintf(stderr, "%s: sending CTRL_CMD_GETFAMILY: %s\n", prog, strerror(errno));
		exit(EXIT_SETUP);
	}
	n = receive(fd, false);
	if (n <= 0) {
		fprintf(stderr, "%s: no answer to CTRL_CMD_GETFAMILY%s%s\n", prog, n < 0 ? ": " : "",
			n < 0 ? strerror(errno) : "");
		exit(EXIT_SETUP);
	}
	for (struct nlmsghdr *h = (struct nlmsghdr *)recv_buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			fprintf(stderr, "%s: family %s not found: %s (is the module loaded?)\n", prog,
				VNET_NL_FAMILY_NAME, strerror(-e->error));
			exit(EXIT_SETUP);
		}
		if (h->nlmsg_type != GENL_ID_CTRL)
			continue;
		{
			unsigned char *p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
			int left = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

			for (struct nlattr *a = (struct nlattr *)p; left >= NLA_HDRLEN &&
			     a->nla_len >= NLA_HDRLEN && a->nla_len <= left;
			     left -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((unsigned char *)a + NLA_ALIGN(a->nla_len))) {
				if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
				    a->nla_len == NLA_HDRLEN + sizeof(uint16_t)) {
					uint16_t id;

					memcpy(&id, (unsigned char *)a + NLA_HDRLEN, sizeof(id));
					return id;
				}
			}
		}
	}
	fprintf(stderr, "%s: CTRL_CMD_GETFAMILY reply without CTRL_ATTR_FAMILY_ID\n", prog);
	exit(EXIT_SETUP);
}

/* ---- Checking answers ------------------------------------------------------------------ */

struct category_stats {
	uint64_t sent, errors, accepted, silent, refused, failed;
	uint64_t with_extack_msg;
	uint64_t errno_count[MAX_ERRNO];
};

static struct category_stats stats[N_CATEGORIES];
static uint64_t total_failures;

static void hex_dump(FILE *out, const unsigned char *p, size_t len)
{
	size_t shown = len < 96 ? len : 96;

	fprintf(out, "     bytes:");
	for (size_t i = 0; i < shown; i++)
		fprintf(out, "%s%02x", i % 4 ? "" : " ", p[i]);
	fprintf(out, "%s\n", shown < len ? " ..." : "");
}

static void __attribute__((format(printf, 5, 6)))
failure(int cat, uint64_t index, uint64_t seed, const struct datagram *d, const char *fmt, ...)
{
	va_list ap;

	stats[cat].failed++;
	if (++total_failures > MAX_REPORTED_FAILURES) {
		if (total_failures == MAX_REPORTED_FAILURES + 1)
			fprintf(stderr, "%s: further failures are counted, not shown\n", prog);
		return;
	}
	fprintf(stderr, "FAIL message %" PRIu64 " (%s: %s): ", index, categories[cat].name, d->what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n     reproduce: %s --seed %" PRIu64 " --first %" PRIu64 " --count 1\n",
		prog, seed, index);
	hex_dump(stderr, d->buf, d->len);
}

/*
 * Checks the extended ACK attributes that follow an error: well formed, inside
 * the message. Returns true when they are, and notes whether a text came along.
 */
static bool check_extack(const struct nlmsghdr *h, bool *has_msg)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t copied = (h->nlmsg_flags & NLM_F_CAPPED) ? NLMSG_HDRLEN : e->msg.nlmsg_len;
	size_t offset = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e) - NLMSG_HDRLEN + copied);
	const unsigned char *end = (const unsigned char *)h + h->nlmsg_len;
	const unsigned char *p = (const unsigned char *)h + offset;

	*has_msg = false;
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return true;
	if (offset > h->nlmsg_len)
		return false;
	while (p < end) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (end - p < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > end - p)
			return false;
		if (a->nla_type == NLMSGERR_ATTR_MSG) {
			const char *text = (const char *)a + NLA_HDRLEN;
			size_t len = a->nla_len - NLA_HDRLEN;

			/* The kernel sends its text NUL-terminated. */
			if (len == 0 || memchr(text, '\0', len) == NULL)
				return false;
			*has_msg = true;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return true;
}

struct pending {
	uint32_t seq;
	enum expectation expect;
	bool done;
	bool got_reply;
};

/*
 * Reads until every message of the datagram has its terminal answer (an
 * NLMSG_ERROR or NLMSG_DONE with its sequence number), then makes sure
 * nothing else is queued. Returns the number of failures found.
 */
static int collect_answers(int fd, uint16_t family, int cat, uint64_t index, uint64_t seed,
			   const struct datagram *d)
{
	struct pending pending[MAX_BATCH];
	int open = 0, failures = 0;
	bool draining = false;

	for (int i = 0; i < d->n_msgs; i++) {
		pending[i] = (struct pending){ .seq = d->seq[i], .expect = d->expect[i] };
		if (d->expect[i] == EXPECT_ERROR || d->expect[i] == EXPECT_ANSWER)
			open++;
		else
			pending[i].done = true;
		if (d->expect[i] == EXPECT_SILENT)
			stats[cat].silent++;
	}

	/* All answers are queued before sendto() returns; dumps continue on recv(). */
	for (;;) {
		ssize_t n = receive(fd, draining || open == 0);

		if (n < 0) {
			failure(cat, index, seed, d, "recv: %s", strerror(errno));
			return failures + 1;
		}
		if (n == 0) {
			if (open == 0)
				return failures;
			failure(cat, index, seed, d, "no answer within the receive timeout (%d of %d open)",
				open, d->n_msgs);
			return failures + 1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)recv_buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			struct pending *p = NULL;

			for (int i = 0; i < d->n_msgs; i++)
				if (pending[i].seq == h->nlmsg_seq)
					p = &pending[i];
			if (!p || p->done) {
				failure(cat, index, seed, d,
					"unexpected message type %u seq %u (%s)", h->nlmsg_type,
					h->nlmsg_seq,
					!p ? "unknown sequence number"
					   : p->expect == EXPECT_SILENT ? "message must get no answer"
									: "after its final answer");
				failures++;
				continue;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				bool has_msg;

				p->done = true;
				open--;
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					failure(cat, index, seed, d, "NLMSG_ERROR of %u bytes", h->nlmsg_len);
					failures++;
					continue;
				}
				if (e->msg.nlmsg_seq != p->seq) {
					failure(cat, index, seed, d, "NLMSG_ERROR quotes seq %u, not %u",
						e->msg.nlmsg_seq, p->seq);
					failures++;
				}
				if (!check_extack(h, &has_msg)) {
					failure(cat, index, seed, d, "malformed extended ACK attributes");
					failures++;
				}
				if (e->error < 0) {
					stats[cat].errors++;
					stats[cat].errno_count[-e->error < MAX_ERRNO ? -e->error : 0]++;
					if (has_msg)
						stats[cat].with_extack_msg++;
				} else if (e->error == 0 && p->expect == EXPECT_ANSWER) {
					stats[cat].accepted++;
				} else {
					failure(cat, index, seed, d, "%s (error %d): a hostile request was accepted",
						e->error == 0 ? "ACK" : "positive error", e->error);
					failures++;
				}
			} else if (h->nlmsg_type == NLMSG_DONE) {
				/* A dump refused by its handler ends with the error in DONE. */
				int done_error = h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)) ?
						 *(const int *)NLMSG_DATA(h) : 0;

				p->done = true;
				open--;
				if (done_error < 0) {
					stats[cat].errors++;
					stats[cat].errno_count[-done_error < MAX_ERRNO ? -done_error : 0]++;
				} else if (p->expect == EXPECT_ANSWER) {
					stats[cat].accepted++;
				} else {
					failure(cat, index, seed, d, "NLMSG_DONE: a hostile dump was accepted");
					failures++;
				}
			} else if (p->expect == EXPECT_ANSWER && h->nlmsg_type == family) {
				/* A reply of the family to a request that happened to be valid. */
				p->got_reply = true;
			} else {
				failure(cat, index, seed, d, "unexpected message type %u", h->nlmsg_type);
				failures++;
			}
		}
		if (open == 0)
			draining = true;
	}
}

/* ---- ECHO checks -------------------------------------------------------------------------- */

/*
 * Sends a valid ECHO and checks that the reply carries exactly the same MSG,
 * VALUE and FLAG. Returns NULL when it does, else what went wrong.
 */
static const char *echo_check(int fd, struct context *ctx, const char *text, uint32_t value,
			      uint8_t flag)
{
	static char problem[160];
	unsigned char buf[512] __attribute__((aligned(4)));
	struct datagram d = { .buf = buf, .cap = sizeof(buf) };
	size_t start = msg_begin(ctx, &d, VNET_NL_CMD_ECHO, 0, EXPECT_ANSWER);
	bool got_reply = false, acked = false;

	attr_put_str(&d, VNET_NL_ATTR_MSG, text);
	attr_put_u32(&d, VNET_NL_ATTR_VALUE, value);
	attr_put_u8(&d, VNET_NL_ATTR_FLAG, flag);
	msg_end(&d, start);

	if (sendto(fd, d.buf, d.len, 0, (struct sockaddr *)&kernel_addr, sizeof(kernel_addr)) < 0) {
		snprintf(problem, sizeof(problem), "sendto: %s", strerror(errno));
		return problem;
	}
	while (!acked) {
		ssize_t n = receive(fd, false);

		if (n <= 0) {
			snprintf(problem, sizeof(problem), "%s", n < 0 ? strerror(errno) : "no answer");
			return problem;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)recv_buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != d.seq[0]) {
				snprintf(problem, sizeof(problem), "stray message type %u seq %u",
					 h->nlmsg_type, h->nlmsg_seq);
				return problem;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error) {
					snprintf(problem, sizeof(problem), "ECHO failed: %s",
						 strerror(-e->error));
					return problem;
				}
				acked = true;
				continue;
			}
			if (h->nlmsg_type != ctx->family) {
				snprintf(problem, sizeof(problem), "reply of type %u", h->nlmsg_type);
				return problem;
			}
			{
				const unsigned char *p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
				int left = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
				bool seen_msg = false, seen_value = false, seen_flag = false;

				while (left >= NLA_HDRLEN) {
					const struct nlattr *a = (const struct nlattr *)p;
					const unsigned char *data = p + NLA_HDRLEN;
					int len = a->nla_len - NLA_HDRLEN;

					if (a->nla_len < NLA_HDRLEN || a->nla_len > left)
						break;
					if (a->nla_type == VNET_NL_ATTR_MSG)
						seen_msg = (size_t)len == strlen(text) + 1 &&
							   !memcmp(data, text, (size_t)len);
					else if (a->nla_type == VNET_NL_ATTR_VALUE)
						seen_value = len == 4 && !memcmp(data, &value, 4);
					else if (a->nla_type == VNET_NL_ATTR_FLAG)
						seen_flag = len == 1 && data[0] == flag;
					left -= NLA_ALIGN(a->nla_len);
					p += NLA_ALIGN(a->nla_len);
				}
				if (!seen_msg || !seen_value || !seen_flag) {
					snprintf(problem, sizeof(problem),
						 "reply differs from the request (msg %s, value %s, flag %s)",
						 seen_msg ? "ok" : "wrong", seen_value ? "ok" : "wrong",
						 seen_flag ? "ok" : "wrong");
					return problem;
				}
				got_reply = true;
			}
		}
	}
	return got_reply ? NULL : "ACK without an ECHO reply";
}

/* ---- Main ---------------------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS]\n"
		"Sends malformed and hostile messages to the %s generic netlink family and\n"
		"checks that each gets the answer it must (see the source for the rules).\n"
		"  --count N          messages to send (default 10000)\n"
		"  --seed S           seed of the message generator (default 1)\n"
		"  --first I          index of the first message (default 0): with --count 1,\n"
		"                     regenerates message I of a run with the same seed\n"
		"  --timeout-ms MS    how long to wait for an answer (default 5000)\n"
		"  --probe-every N    valid ECHO after every N messages, 0: never (default 1000)\n"
		"  --category NAME    only this category (repeatable); --list shows them\n"
		"  --list             list the categories and exit\n"
		"Exit status: 0 all as required, 1 failures, 2 usage, 3 vnet_nl not reachable.\n",
		prog, VNET_NL_FAMILY_NAME);
}

static uint64_t parse_u64(const char *text, const char *opt)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-') {
		fprintf(stderr, "%s: %s: not a non-negative number: '%s'\n", prog, opt, text);
		exit(EXIT_USAGE);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "first", required_argument, NULL, 'f' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "probe-every", required_argument, NULL, 'p' },
		{ "category", required_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t count = 10000, seed = 1, first = 0, probe_every = 1000;
	uint64_t timeout_ms = 5000, probes = 0, messages = 0, datagrams = 0;
	bool only[N_CATEGORIES] = { false }, filtered = false;
	struct context ctx = { 0 };
	struct datagram d = { 0 };
	const char *problem;
	double started, elapsed;
	int opt, fd, sanity_fd;
	char text[64];

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n': count = parse_u64(optarg, "--count"); break;
		case 's': seed = parse_u64(optarg, "--seed"); break;
		case 'f': first = parse_u64(optarg, "--first"); break;
		case 't': timeout_ms = parse_u64(optarg, "--timeout-ms"); break;
		case 'p': probe_every = parse_u64(optarg, "--probe-every"); break;
		case 'c': {
			size_t c;

			for (c = 0; c < N_CATEGORIES && strcmp(categories[c].name, optarg); c++)
				;
			if (c == N_CATEGORIES) {
				fprintf(stderr, "%s: unknown category '%s' (see --list)\n", prog, optarg);
				return EXIT_USAGE;
			}
			only[c] = filtered = true;
			break;
		}
		case 'l':
			for (size_t c = 0; c < N_CATEGORIES; c++)
				printf("%s\n", categories[c].name);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc || timeout_ms == 0 || timeout_ms > 600000) {
		usage(stderr);
		return EXIT_USAGE;
	}

	build_schedule();
	d.cap = OVERSIZE_DATAGRAM;
	d.buf = aligned_alloc(8, d.cap);
	if (!d.buf) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_SETUP;
	}

	fd = open_socket((int)timeout_ms);
	ctx.family = resolve_family(fd);
	ctx.next_seq = 1;
	printf("%s: family %s id %u, seed %" PRIu64 ", messages %" PRIu64 "..%" PRIu64 "\n", prog,
	       VNET_NL_FAMILY_NAME, ctx.family, seed, first, first + count - (count ? 1 : 0));
	fflush(stdout);

	started = now_s();
	for (uint64_t i = first; i < first + count; i++) {
		int cat = schedule[i % (uint64_t)schedule_len];
		struct rng r;
		ssize_t sent;

		if (filtered && !only[cat])
			continue;
		r = rng_for_message(seed, i);
		d.len = 0;
		d.n_msgs = 0;
		d.refused_errno = 0;
		d.what[0] = '\0';
		categories[cat].build(&ctx, &r, &d);
		stats[cat].sent += (uint64_t)d.n_msgs;
		messages += (uint64_t)d.n_msgs;
		datagrams++;

		sent = sendto(fd, d.buf, d.len, 0, (struct sockaddr *)&kernel_addr, sizeof(kernel_addr));
		if (d.expect[0] == EXPECT_REFUSED) {
			if (sent < 0 && errno == d.refused_errno)
				stats[cat].refused++;
			else if (sent < 0)
				failure(cat, i, seed, &d, "sendto failed with %s, not %s",
					strerrorname_np(errno), strerrorname_np(d.refused_errno));
			else
				failure(cat, i, seed, &d, "sendto accepted %zu bytes", d.len);
			continue;
		}
		if (sent < 0) {
			failure(cat, i, seed, &d, "sendto: %s", strerror(errno));
			continue;
		}
		if ((size_t)sent != d.len) {
			failure(cat, i, seed, &d, "sendto sent %zd of %zu bytes", sent, d.len);
			continue;
		}
		collect_answers(fd, ctx.family, cat, i, seed, &d);

		if (probe_every && (i - first + 1) % probe_every == 0) {
			snprintf(text, sizeof(text), "probe after message %" PRIu64, i);
			problem = echo_check(fd, &ctx, text, (uint32_t)i, (uint8_t)(i & 1));
			probes++;
			if (problem) {
				total_failures++;
				fprintf(stderr, "FAIL ECHO probe after message %" PRIu64 ": %s\n", i, problem);
			}
		}
	}
	elapsed = now_s() - started;

	printf("%-20s %8s %8s %8s %8s %8s %8s  %s\n", "category", "messages", "errors", "accepted",
	       "silent", "refused", "FAILED", "errors by errno (with extended ACK text)");
	{
		struct category_stats total = { 0 };

		for (size_t c = 0; c < N_CATEGORIES; c++) {
			const struct category_stats *s = &stats[c];
			char errnos[256] = "";
			size_t used = 0;

			if (!s->sent)
				continue;
			for (int e = 0; e < MAX_ERRNO; e++) {
				if (!s->errno_count[e] || used >= sizeof(errnos))
					continue;
				used += (size_t)snprintf(errnos + used, sizeof(errnos) - used,
							 "%s%s %" PRIu64, used ? ", " : "",
							 e ? strerrorname_np(e) ?: "?" : "other",
							 s->errno_count[e]);
			}
			printf("%-20s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
			       " %8" PRIu64 "  %s (%" PRIu64 ")\n",
			       categories[c].name, s->sent, s->errors, s->accepted, s->silent, s->refused,
			       s->failed, errnos, s->with_extack_msg);
			total.sent += s->sent;
			total.errors += s->errors;
			total.accepted += s->accepted;
			total.silent += s->silent;
			total.refused += s->refused;
			total.failed += s->failed;
			total.with_extack_msg += s->with_extack_msg;
		}
		printf("%-20s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
		       "  (%" PRIu64 " with extended ACK text)\n",
		       "total", total.sent, total.errors, total.accepted, total.silent, total.refused,
		       total.failed, total.with_extack_msg);
	}
	printf("%" PRIu64 " messages in %" PRIu64 " datagrams, %.1f s (%.0f messages/s); "
	       "%" PRIu64 " ECHO probes\n",
	       messages, datagrams, elapsed, elapsed > 0 ? (double)messages / elapsed : 0.0, probes);

	/* The family still answers a fresh client correctly, under the same id. */
	sanity_fd = open_socket((int)timeout_ms);
	{
		uint16_t id = resolve_family(sanity_fd);

		snprintf(text, sizeof(text), "sanity after %" PRIu64 " hostile messages", messages);
		problem = id != ctx.family ? "family id changed"
					   : echo_check(sanity_fd, &ctx, text, 0xfeedbeef, 1);
	}
	close(sanity_fd);
	close(fd);
	if (problem) {
		total_failures++;
		fprintf(stderr, "FAIL ECHO on a new socket after the run: %s\n", problem);
	} else {
		printf("ECHO on a new socket after the run: correct\n");
	}

	printf("%" PRIu64 " hostile messages, %" PRIu64 " failures\n", messages, total_failures);
	free(d.buf);
	return total_failures ? EXIT_FAILED : 0;
}
