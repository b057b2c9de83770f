// SPDX-License-Identifier: GPL-2.0
/*
 * vnet-nl-client: sample libnl client of the vnet_nl generic netlink family.
 *
 * It opens a netlink socket, connects it to generic netlink, resolves the
 * vnet_nl family, builds a request (netlink and generic netlink headers, then
 * the attributes), sends it and prints the reply from its registered callback.
 * Kernel rejections are printed with the extended ACK: the kernel's message,
 * the attribute it points at and the policy that attribute violated.
 *
 * Exit status: 0 on success, 1 when the kernel or the socket reports an error,
 * 2 on a usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vnet_nl.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EXIT_USAGE 2
#define MAX_RAW_ATTRS 16

static const char *prog = "vnet-nl-client";

/*
 * Names exactly as the generated uapi header spells them: the preprocessor
 * turns each enumerator into its own name (commands and counters without
 * their prefix), so no name is written twice.
 */
#define NAMED(id)		[id] = #id
#define NAMED_AFTER(prefix, id)	[id] = #id + sizeof(prefix) - 1

static const char *const attr_names[VNET_NL_ATTR_MAX + 1] = {
	NAMED(VNET_NL_ATTR_UNSPEC),
	NAMED(VNET_NL_ATTR_MSG),
	NAMED(VNET_NL_ATTR_VALUE),
	NAMED(VNET_NL_ATTR_FLAG),
	NAMED(VNET_NL_ATTR_IFINDEX),
	NAMED(VNET_NL_ATTR_IFNAME),
	NAMED(VNET_NL_ATTR_LINK_UP),
	NAMED(VNET_NL_ATTR_STATS),
	NAMED(VNET_NL_ATTR_PAD),
};

static const char *const cmd_names[VNET_NL_CMD_MAX + 1] = {
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_UNSPEC),
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_ECHO),
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_GET_STATS),
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_SET_LINK),
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_RESET_STATS),
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_LINK_EVENT),
	NAMED_AFTER("VNET_NL_CMD_", VNET_NL_CMD_ECHO_EVENT),
};

/* How replies and events are parsed (libnl's policy, not the kernel's). */
static struct nla_policy reply_policy[VNET_NL_ATTR_MAX + 1] = {
	[VNET_NL_ATTR_MSG]	= { .type = NLA_STRING },
	[VNET_NL_ATTR_VALUE]	= { .type = NLA_U32 },
	[VNET_NL_ATTR_FLAG]	= { .type = NLA_U8 },
	[VNET_NL_ATTR_IFINDEX]	= { .type = NLA_U32 },
	[VNET_NL_ATTR_IFNAME]	= { .type = NLA_STRING },
	[VNET_NL_ATTR_LINK_UP]	= { .type = NLA_U8 },
	[VNET_NL_ATTR_STATS]	= { .type = NLA_NESTED },
};

static struct nla_policy stats_policy[VNET_NL_STATS_MAX + 1] = {
	[VNET_NL_STATS_RX_PACKETS]	= { .type = NLA_U64 },
	[VNET_NL_STATS_TX_PACKETS]	= { .type = NLA_U64 },
	[VNET_NL_STATS_RX_BYTES]	= { .type = NLA_U64 },
	[VNET_NL_STATS_TX_BYTES]	= { .type = NLA_U64 },
	[VNET_NL_STATS_RX_DROPPED]	= { .type = NLA_U64 },
	[VNET_NL_STATS_TX_DROPPED]	= { .type = NLA_U64 },
};

/* Printed in lower case: rx_packets=... */
static const char *const stats_names[VNET_NL_STATS_MAX + 1] = {
	NAMED_AFTER("VNET_NL_STATS_", VNET_NL_STATS_RX_PACKETS),
	NAMED_AFTER("VNET_NL_STATS_", VNET_NL_STATS_TX_PACKETS),
	NAMED_AFTER("VNET_NL_STATS_", VNET_NL_STATS_RX_BYTES),
	NAMED_AFTER("VNET_NL_STATS_", VNET_NL_STATS_TX_BYTES),
	NAMED_AFTER("VNET_NL_STATS_", VNET_NL_STATS_RX_DROPPED),
	NAMED_AFTER("VNET_NL_STATS_", VNET_NL_STATS_TX_DROPPED),
};

enum action {
	ACTION_ECHO,
	ACTION_LISTEN,
	ACTION_STATS,
	ACTION_SET_LINK,
	ACTION_RESET_STATS,
};

struct raw_attr {
	uint16_t type;
	size_t len;
	unsigned char *data;
};

struct options {
	enum action action;
	const char *msg;
	bool has_value, has_flag;
	uint32_t value;
	uint8_t flag;
	struct raw_attr raw[MAX_RAW_ATTRS];
	int n_raw;
	const char *ifname;
	uint32_t ifindex;
	int link_up;		/* SET_LINK: 0 or 1 */
	long count;		/* --listen: stop after this many events, 0: never */
	long timeout_ms;	/* --listen: give up after this long, -1: never */
};

/* What the callbacks learnt about the exchange in progress. */
struct exchange {
	const char *what;		/* command name, for messages */
	struct nl_msg *request;		/* to locate the attribute an extended ACK points at */
	bool done;
	int error;			/* errno reported by the kernel, 0 if none */
	int replies;
	bool parse_failed;
};

static void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(EXIT_USAGE);
}

static void usage(void)
{
	printf("Usage:\n"
	       "  %1$s [--msg TEXT] [--value N] [--flag N]        send ECHO, print the reply\n"
	       "  %1$s --listen [--count N] [--timeout SECONDS]   print events of the \"%2$s\" group\n"
	       "  %1$s --stats [IFNAME | --ifindex N]             GET_STATS of one device, or of all\n"
	       "  %1$s --set-link up|down (IFNAME | --ifindex N)  SET_LINK (needs CAP_NET_ADMIN)\n"
	       "  %1$s --reset-stats (IFNAME | --ifindex N)       RESET_STATS (needs CAP_NET_ADMIN)\n"
	       "\n"
	       "ECHO attributes (each optional):\n"
	       "  -m, --msg TEXT      %3$s, a string (the kernel accepts at most %4$d bytes)\n"
	       "  -v, --value N       %5$s, an unsigned 32-bit integer\n"
	       "  -f, --flag N        %6$s, an unsigned byte (the kernel accepts 0 or 1)\n"
	       "  --raw-attr TYPE:HEX append attribute TYPE with the bytes HEX as they are\n"
	       "                      (for exercising the kernel's validation)\n"
	       "\n"
	       "Values are sent as given: the kernel, not this client, enforces the limits.\n",
	       prog, VNET_NL_MCGRP_EVENTS, attr_names[VNET_NL_ATTR_MSG], VNET_NL_MSG_MAX_LEN,
	       attr_names[VNET_NL_ATTR_VALUE], attr_names[VNET_NL_ATTR_FLAG]);
}

static unsigned long long parse_unsigned(const char *text, unsigned long long max, const char *opt)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 0);
	if (errno || end == text || *end || text[0] == '-' || v > max)
		die_usage("%s: expected an integer from 0 to %llu, got '%s'", opt, max, text);
	return v;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void parse_raw_attr(struct options *o, const char *text)
{
	const char *colon = strchr(text, ':');
	struct raw_attr *r;
	char type_text[16];
	size_t hex_len, i;

	if (o->n_raw == MAX_RAW_ATTRS)
		die_usage("--raw-attr: at most %d", MAX_RAW_ATTRS);
	if (!colon || (size_t)(colon - text) >= sizeof(type_text))
		die_usage("--raw-attr: expected TYPE:HEX, got '%s'", text);
	memcpy(type_text, text, colon - text);
	type_text[colon - text] = '\0';

	r = &o->raw[o->n_raw++];
	r->type = parse_unsigned(type_text, NLA_TYPE_MASK, "--raw-attr TYPE");
	hex_len = strlen(colon + 1);
	if (hex_len % 2)
		die_usage("--raw-attr: odd number of hex digits in '%s'", colon + 1);
	r->len = hex_len / 2;
	r->data = malloc(r->len ? r->len : 1);
	if (!r->data) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(EXIT_FAILURE);
	}
	for (i = 0; i < r->len; i++) {
		int hi = hex_value(colon[1 + 2 * i]), lo = hex_value(colon[2 + 2 * i]);

		if (hi < 0 || lo < 0)
			die_usage("--raw-attr: not a hex digit in '%s'", colon + 1);
		r->data[i] = hi << 4 | lo;
	}
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_RAW_ATTR = 256, OPT_IFINDEX, OPT_COUNT, OPT_TIMEOUT };
	static const struct option long_options[] = {
		{ "msg",	 required_argument, NULL, 'm' },
		{ "value",	 required_argument, NULL, 'v' },
		{ "flag",	 required_argument, NULL, 'f' },
		{ "raw-attr",	 required_argument, NULL, OPT_RAW_ATTR },
		{ "listen",	 no_argument,	    NULL, 'l' },
		{ "count",	 required_argument, NULL, OPT_COUNT },
		{ "timeout",	 required_argument, NULL, OPT_TIMEOUT },
		{ "stats",	 no_argument,	    NULL, 's' },
		{ "set-link",	 required_argument, NULL, 'L' },
		{ "reset-stats", no_argument,	    NULL, 'R' },
		{ "ifindex",	 required_argument, NULL, OPT_IFINDEX },
		{ "help",	 no_argument,	    NULL, 'h' },
		{ 0 }
	};
	bool action_set = false;
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = -1;

#define SET_ACTION(a)							\
	do {								\
		if (action_set && o->action != (a))			\
			die_usage("choose one of --listen, --stats, --set-link, --reset-stats"); \
		o->action = (a);					\
		action_set = true;					\
	} while (0)

	while ((c = getopt_long(argc, argv, "m:v:f:lsL:Rh", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->msg = optarg;
			break;
		case 'v':
			o->value = parse_unsigned(optarg, UINT32_MAX, "--value");
			o->has_value = true;
			break;
		case 'f':
			o->flag = parse_unsigned(optarg, UINT8_MAX, "--flag");
			o->has_flag = true;
			break;
		case OPT_RAW_ATTR:
			parse_raw_attr(o, optarg);
			break;
		case 'l':
			SET_ACTION(ACTION_LISTEN);
			break;
		case OPT_COUNT:
			o->count = parse_unsigned(optarg, LONG_MAX, "--count");
			break;
		case OPT_TIMEOUT:
			o->timeout_ms = parse_unsigned(optarg, INT_MAX / 1000, "--timeout") * 1000;
			break;
		case 's':
			SET_ACTION(ACTION_STATS);
			break;
		case 'L':
			SET_ACTION(ACTION_SET_LINK);
			if (!strcmp(optarg, "up"))
				o->link_up = 1;
			else if (!strcmp(optarg, "down"))
				o->link_up = 0;
			else
				die_usage("--set-link: expected up or down, got '%s'", optarg);
			break;
		case 'R':
			SET_ACTION(ACTION_RESET_STATS);
			break;
		case OPT_IFINDEX:
			o->ifindex = parse_unsigned(optarg, UINT32_MAX, "--ifindex");
			break;
		case 'h':
			usage();
			exit(EXIT_SUCCESS);
		default:
			die_usage("invalid option");
		}
	}
#undef SET_ACTION

	if (optind < argc) {
		if (o->action == ACTION_ECHO || o->action == ACTION_LISTEN || optind + 1 < argc)
			die_usage("unexpected argument '%s'", argv[optind]);
		o->ifname = argv[optind];
	}

	bool echo_attrs = o->msg || o->has_value || o->has_flag || o->n_raw;

	if (echo_attrs && o->action != ACTION_ECHO)
		die_usage("--msg, --value, --flag and --raw-attr only go with ECHO");
	if ((o->count || o->timeout_ms >= 0) && o->action != ACTION_LISTEN)
		die_usage("--count and --timeout only go with --listen");
	if ((o->action == ACTION_SET_LINK || o->action == ACTION_RESET_STATS) &&
	    !o->ifname && !o->ifindex)
		die_usage("name the device: IFNAME or --ifindex N");
	if (o->ifindex && (o->action == ACTION_ECHO || o->action == ACTION_LISTEN))
		die_usage("--ifindex does not go with ECHO or --listen");
	if (o->ifname && strlen(o->ifname) >= IF_NAMESIZE)
		die_usage("device name '%s' is too long", o->ifname);
}

/* ---- Extended ACK ---------------------------------------------------------- */

static const char *attr_name(unsigned int type)
{
	return type <= VNET_NL_ATTR_MAX ? attr_names[type] : "unknown attribute";
}

static const char *policy_type_name(uint32_t type)
{
	switch (type) {
	case NL_ATTR_TYPE_FLAG:		return "flag";
	case NL_ATTR_TYPE_U8:		return "u8";
	case NL_ATTR_TYPE_U16:		return "u16";
	case NL_ATTR_TYPE_U32:		return "u32";
	case NL_ATTR_TYPE_U64:		return "u64";
	case NL_ATTR_TYPE_STRING:	return "string";
	case NL_ATTR_TYPE_NUL_STRING:	return "NUL-terminated string";
	case NL_ATTR_TYPE_BINARY:	return "binary";
	case NL_ATTR_TYPE_NESTED:	return "nested";
	default:			return "other";
	}
}

static void print_policy(struct nlattr *policy)
{
	struct nlattr *tb[NL_POLICY_TYPE_ATTR_MAX + 1];

	if (nla_parse_nested(tb, NL_POLICY_TYPE_ATTR_MAX, policy, NULL) < 0)
		return;

	fprintf(stderr, "%s:   policy:", prog);
	if (tb[NL_POLICY_TYPE_ATTR_TYPE])
		fprintf(stderr, " %s", policy_type_name(nla_get_u32(tb[NL_POLICY_TYPE_ATTR_TYPE])));
	if (tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U])
		fprintf(stderr, ", min %" PRIu64, nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]));
	if (tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
		fprintf(stderr, ", max %" PRIu64, nla_get_u64(tb[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
	if (tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH])
		fprintf(stderr, ", min length %u", nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MIN_LENGTH]));
	if (tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
		fprintf(stderr, ", max length %u", nla_get_u32(tb[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
	fputc('\n', stderr);
}

/* Names the attribute of our request that starts 'offset' bytes into it. */
static void print_offending_attr(struct nl_msg *request, uint32_t offset)
{
	struct nlmsghdr *hdr = nlmsg_hdr(request);
	const struct nlattr *attr;

	if (offset < NLMSG_HDRLEN + GENL_HDRLEN || offset + NLA_HDRLEN > hdr->nlmsg_len) {
		fprintf(stderr, "%s:   offending byte offset %u (not an attribute)\n", prog, offset);
		return;
	}
	attr = (const struct nlattr *)((const char *)hdr + offset);
	fprintf(stderr, "%s:   offending attribute: %s (type %u, %u bytes of payload)\n", prog,
		attr_name(attr->nla_type & NLA_TYPE_MASK), attr->nla_type & NLA_TYPE_MASK,
		attr->nla_len >= NLA_HDRLEN ? attr->nla_len - NLA_HDRLEN : 0);
}

static void print_extack(const struct nlmsgerr *err, struct nl_msg *request)
{
	const struct nlmsghdr *hdr = (const struct nlmsghdr *)((const char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *tlvs;
	int len;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS))
		return;

	/* With NLM_F_CAPPED the kernel did not copy our payload back. */
	if (hdr->nlmsg_flags & NLM_F_CAPPED)
		tlvs = (const char *)(err + 1);
	else
		tlvs = (const char *)&err->msg + NLMSG_ALIGN(err->msg.nlmsg_len);
	len = (int)hdr->nlmsg_len - (int)(tlvs - (const char *)hdr);
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlvs, len, NULL) < 0)
		return;

	if (tb[NLMSGERR_ATTR_MSG])
		fprintf(stderr, "%s:   kernel: %s\n", prog, nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] && request)
		print_offending_attr(request, nla_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		fprintf(stderr, "%s:   missing attribute: %s\n", prog,
			attr_name(nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE])));
	if (tb[NLMSGERR_ATTR_POLICY])
		print_policy(tb[NLMSGERR_ATTR_POLICY]);
}

/* ---- Callbacks --------------------------------------------------------------- */

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct exchange *ex = arg;

	(void)nla;
	ex->error = -err->error;
	ex->done = true;
	fprintf(stderr, "%s: %s rejected by the kernel: %s (errno %d)\n", prog, ex->what,
		strerror(ex->error), ex->error);
	print_extack(err, ex->request);
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;

	(void)msg;
	ex->done = true;
	return NL_STOP;
}

static void print_string_attr(const char *key, struct nlattr *attr)
{
	/* The kernel sends NUL-terminated strings; never trust that blindly. */
	printf(" %s=\"%.*s\"", key, (int)strnlen(nla_data(attr), nla_len(attr)),
	       (const char *)nla_data(attr));
}

static void print_echo_attrs(struct nlattr **tb)
{
	if (tb[VNET_NL_ATTR_MSG])
		print_string_attr("msg", tb[VNET_NL_ATTR_MSG]);
	if (tb[VNET_NL_ATTR_VALUE])
		printf(" value=%" PRIu32, nla_get_u32(tb[VNET_NL_ATTR_VALUE]));
	if (tb[VNET_NL_ATTR_FLAG])
		printf(" flag=%u", nla_get_u8(tb[VNET_NL_ATTR_FLAG]));
}

static void print_link_attrs(struct nlattr **tb)
{
	if (tb[VNET_NL_ATTR_IFINDEX])
		printf(" ifindex=%" PRIu32, nla_get_u32(tb[VNET_NL_ATTR_IFINDEX]));
	if (tb[VNET_NL_ATTR_IFNAME])
		print_string_attr("ifname", tb[VNET_NL_ATTR_IFNAME]);
	if (tb[VNET_NL_ATTR_LINK_UP])
		printf(" link_up=%u", nla_get_u8(tb[VNET_NL_ATTR_LINK_UP]));
}

static int print_stats_attrs(struct nlattr **tb)
{
	struct nlattr *stats[VNET_NL_STATS_MAX + 1];
	int i;

	if (!tb[VNET_NL_ATTR_STATS] ||
	    nla_parse_nested(stats, VNET_NL_STATS_MAX, tb[VNET_NL_ATTR_STATS], stats_policy) < 0)
		return -1;
	for (i = 1; i <= VNET_NL_STATS_MAX; i++) {
		const char *c;

		if (!stats_names[i] || !stats[i])
			continue;
		putchar(' ');
		for (c = stats_names[i]; *c; c++)
			putchar(tolower((unsigned char)*c));
		printf("=%" PRIu64, (uint64_t)nla_get_u64(stats[i]));
	}
	return 0;
}

/* Prints one reply or event as a line of key=value pairs. */
static int message_cb(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct nlattr *tb[VNET_NL_ATTR_MAX + 1];
	int err;

	err = genlmsg_parse(nlh, 0, tb, VNET_NL_ATTR_MAX, reply_policy);
	if (err < 0) {
		fprintf(stderr, "%s: malformed message from the kernel: %s\n", prog, nl_geterror(err));
		ex->parse_failed = true;
		return NL_SKIP;
	}

	printf("%s", gnlh->cmd <= VNET_NL_CMD_MAX ? cmd_names[gnlh->cmd] : "UNKNOWN");
	switch (gnlh->cmd) {
	case VNET_NL_CMD_ECHO:
	case VNET_NL_CMD_ECHO_EVENT:
		print_echo_attrs(tb);
		break;
	case VNET_NL_CMD_LINK_EVENT:
		print_link_attrs(tb);
		break;
	case VNET_NL_CMD_GET_STATS:
		print_link_attrs(tb);
		if (print_stats_attrs(tb) < 0) {
			fprintf(stderr, "\n%s: GET_STATS reply without valid VNET_NL_ATTR_STATS\n", prog);
			ex->parse_failed = true;
		}
		break;
	default:
		printf(" cmd=%u", gnlh->cmd);
		break;
	}
	putchar('\n');
	/* Listeners are often read through a pipe or a file: one line, one flush. */
	fflush(stdout);
	ex->replies++;
	return NL_OK;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;

	(void)msg;
	ex->done = true;
	return NL_STOP;
}

/* ---- Requests ------------------------------------------------------------ */

static struct nl_sock *open_socket(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;
	int err;

	if (!sk) {
		fprintf(stderr, "%s: cannot allocate a netlink socket\n", prog);
		exit(EXIT_FAILURE);
	}
	err = genl_connect(sk);
	if (err < 0) {
		fprintf(stderr, "%s: cannot connect to generic netlink: %s\n", prog, nl_geterror(err));
		exit(EXIT_FAILURE);
	}
	/* Ask for the kernel's explanation of rejections, without our request echoed back. */
	if (setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		fprintf(stderr, "%s: cannot enable extended ACKs: %s\n", prog, strerror(errno));
		exit(EXIT_FAILURE);
	}

	*family = genl_ctrl_resolve(sk, VNET_NL_FAMILY_NAME);
	if (*family < 0) {
		fprintf(stderr, "%s: cannot resolve generic netlink family \"%s\": %s "
			"(is the vnet_nl module loaded?)\n",
			prog, VNET_NL_FAMILY_NAME, nl_geterror(*family));
		exit(EXIT_FAILURE);
	}
	return sk;
}

static int put_request_attrs(struct nl_msg *msg, const struct options *o)
{
	int i;

	if (o->msg && nla_put_string(msg, VNET_NL_ATTR_MSG, o->msg) < 0)
		return -1;
	if (o->has_value && nla_put_u32(msg, VNET_NL_ATTR_VALUE, o->value) < 0)
		return -1;
	if (o->has_flag && nla_put_u8(msg, VNET_NL_ATTR_FLAG, o->flag) < 0)
		return -1;
	for (i = 0; i < o->n_raw; i++)
		if (nla_put(msg, o->raw[i].type, o->raw[i].len, o->raw[i].data) < 0)
			return -1;
	if (o->ifindex && nla_put_u32(msg, VNET_NL_ATTR_IFINDEX, o->ifindex) < 0)
		return -1;
	if (o->ifname && nla_put_string(msg, VNET_NL_ATTR_IFNAME, o->ifname) < 0)
		return -1;
	if (o->action == ACTION_SET_LINK && nla_put_u8(msg, VNET_NL_ATTR_LINK_UP, o->link_up) < 0)
		return -1;
	return 0;
}

/* Sends one request and processes replies until its ACK, error or dump end. */
static int run_request(const struct options *o)
{
	struct exchange ex = { 0 };
	struct nl_msg *msg;
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family, flags = 0, err;
	uint8_t cmd;

	switch (o->action) {
	case ACTION_ECHO:
		cmd = VNET_NL_CMD_ECHO;
		break;
	case ACTION_STATS:
		cmd = VNET_NL_CMD_GET_STATS;
		if (!o->ifname && !o->ifindex)
			flags = NLM_F_DUMP;
		break;
	case ACTION_SET_LINK:
		cmd = VNET_NL_CMD_SET_LINK;
		break;
	case ACTION_RESET_STATS:
		cmd = VNET_NL_CMD_RESET_STATS;
		break;
	default:
		abort();
	}
	ex.what = cmd_names[cmd];

	sk = open_socket(&family);

	msg = nlmsg_alloc();
	if (!msg) {
		fprintf(stderr, "%s: cannot allocate a netlink message\n", prog);
		exit(EXIT_FAILURE);
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 VNET_NL_FAMILY_VERSION) ||
	    put_request_attrs(msg, o) < 0) {
		fprintf(stderr, "%s: the request does not fit in a netlink message\n", prog);
		exit(EXIT_FAILURE);
	}
	ex.request = msg;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		fprintf(stderr, "%s: cannot allocate netlink callbacks\n", prog);
		exit(EXIT_FAILURE);
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, message_cb, &ex);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &ex);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &ex);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &ex);

	/* nl_send_auto() completes the header: our port, the next sequence, NLM_F_ACK. */
	err = nl_send_auto(sk, msg);
	if (err < 0) {
		fprintf(stderr, "%s: cannot send %s: %s\n", prog, ex.what, nl_geterror(err));
		exit(EXIT_FAILURE);
	}

	while (!ex.done) {
		err = nl_recvmsgs(sk, cb);
		if (err < 0 && !ex.error) {
			fprintf(stderr, "%s: receiving the reply to %s failed: %s\n", prog, ex.what,
				nl_geterror(err));
			break;
		}
	}

	nl_cb_put(cb);
	nlmsg_free(msg);
	nl_socket_free(sk);

	if (err < 0 || ex.error || ex.parse_failed)
		return EXIT_FAILURE;
	if (cmd == VNET_NL_CMD_ECHO && ex.replies != 1) {
		fprintf(stderr, "%s: expected one ECHO reply, got %d\n", prog, ex.replies);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int run_listen(const struct options *o)
{
	struct exchange ex = { .what = "listen" };
	long deadline = o->timeout_ms >= 0 ? now_ms() + o->timeout_ms : -1;
	struct nl_sock *sk;
	int family, group, err;

	sk = open_socket(&family);

	group = genl_ctrl_resolve_grp(sk, VNET_NL_FAMILY_NAME, VNET_NL_MCGRP_EVENTS);
	if (group < 0) {
		fprintf(stderr, "%s: cannot resolve multicast group %s/%s: %s\n", prog,
			VNET_NL_FAMILY_NAME, VNET_NL_MCGRP_EVENTS, nl_geterror(group));
		return EXIT_FAILURE;
	}
	/* Events carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, message_cb, &ex);
	err = nl_socket_add_membership(sk, group);
	if (err < 0) {
		fprintf(stderr, "%s: cannot join multicast group %s: %s\n", prog,
			VNET_NL_MCGRP_EVENTS, nl_geterror(err));
		return EXIT_FAILURE;
	}
	/* Tells whoever waits for us (a test, a human) that no event can be missed now. */
	fprintf(stderr, "%s: listening to %s/%s\n", prog, VNET_NL_FAMILY_NAME, VNET_NL_MCGRP_EVENTS);

	while (!o->count || ex.replies < o->count) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };
		int wait_ms = -1;

		if (deadline >= 0) {
			wait_ms = (int)(deadline - now_ms());
			if (wait_ms <= 0)
				break;
		}
		err = poll(&pfd, 1, wait_ms);
		if (err < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			return EXIT_FAILURE;
		}
		if (err == 0)
			break;

		err = nl_recvmsgs_default(sk);
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events for us; say so and go on. */
			fprintf(stderr, "%s: events were lost (receive buffer overrun)\n", prog);
			continue;
		}
		if (err < 0) {
			fprintf(stderr, "%s: receiving events failed: %s\n", prog, nl_geterror(err));
			return EXIT_FAILURE;
		}
	}
	nl_socket_free(sk);

	if (o->count && ex.replies < o->count) {
		fprintf(stderr, "%s: timed out after %ld s with %d of %ld events\n", prog,
			o->timeout_ms / 1000, ex.replies, o->count);
		return EXIT_FAILURE;
	}
	return ex.parse_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	struct options o;

	parse_options(argc, argv, &o);
	if (o.action == ACTION_LISTEN)
		return run_listen(&o);
	return run_request(&o);
}
