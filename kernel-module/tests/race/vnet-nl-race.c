// SPDX-License-Identifier: GPL-2.0
/*
 * vnet-nl-race: drives vnet_nl requests in tight loops against concurrent
 * changes, for the module tests (tests/run-in-vm.sh) that look for races:
 *
 *   get-loop IFNAME SECONDS
 *       GET_STATS of IFNAME as fast as possible while the test deletes and
 *       re-creates the device. Every answer must be a well-formed reply or
 *       ENODEV. Prints "N replies, M ENODEV".
 *   reset-vs-get IFNAME SECONDS
 *       One thread resets the counters, one reads them, one sends UDP
 *       datagrams to 192.0.2.2 (the test routes it through IFNAME, which
 *       loops them back). A counter read after a reset can only be small: one
 *       above 2^62 is a difference that wrapped. Prints the reads and the
 *       largest counter seen.
 *   link-follow IFNAME COUNT SECONDS
 *       Sets IFNAME up and down COUNT times through SET_LINK, and listens to
 *       "events", answering each LINK_EVENT at once with GET_STATS of that
 *       device, as a management daemon would: the link state read back must
 *       be the one the event announced. Prints the events and how many were
 *       contradicted.
 *   move IFINDEX NETNS_PATH
 *       Moves a device to another network namespace with a single request.
 *   rename-vs-get IFINDEX NAME_A NAME_B SECONDS
 *       One thread renames the (down) device IFINDEX from NAME_A to NAME_B
 *       and back with SIOCSIFNAME as fast as it can; the main thread sends
 *       GET_STATS by IFINDEX meanwhile, in batches. The IFNAME of every reply must be
 *       NAME_A or NAME_B, whole, with its NUL as the payload's last byte.
 *       Prints the replies, the renames and the bad names (the first ones
 *       escaped on stderr); fails if any name was bad or no rename was made.
 *   rename-vs-name-check IFINDEX NAME_A NAME_B SECONDS
 *       The same renames, while the main thread sends GET_STATS by IFINDEX
 *       with an IFNAME that mixes the two names (NAME_B's first bytes, NAME_A's
 *       last ones, every split, and the other way round): a name the device
 *       never has, which the module must refuse every time with EINVAL. An
 *       answer with statistics means the module compared with a name caught
 *       half-way through a rename. Prints the refusals, the renames and the
 *       wrong acceptances; fails if any, or if no rename was made.
 *
 * Exit status: 0 when every check held, 1 when one failed, 2 usage, 3 setup.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <linux/vnet_nl.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_SETUP 3

static const char *prog = "vnet-nl-race";
static int family;

static void die_setup(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, nl_geterror(err));
	exit(EXIT_SETUP);
}

static struct nl_sock *open_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		die_setup("nl_socket_alloc", -NLE_NOMEM);
	err = genl_connect(sk);
	if (err < 0)
		die_setup("genl_connect", err);
	if (!family) {
		family = genl_ctrl_resolve(sk, VNET_NL_FAMILY_NAME);
		if (family < 0)
			die_setup("resolving " VNET_NL_FAMILY_NAME, family);
	}
	return sk;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- One GET_STATS or RESET_STATS exchange -------------------------------- */

struct stats_reply {
	bool got;
	bool link_up;
	uint64_t counters[VNET_NL_STATS_MAX + 1];
	bool malformed;
};

static int stats_cb(struct nl_msg *msg, void *arg)
{
	static struct nla_policy policy[VNET_NL_ATTR_MAX + 1] = {
		[VNET_NL_ATTR_LINK_UP] = { .type = NLA_U8 },
		[VNET_NL_ATTR_STATS] = { .type = NLA_NESTED },
	};
	struct stats_reply *r = arg;
	struct nlattr *tb[VNET_NL_ATTR_MAX + 1], *st[VNET_NL_STATS_MAX + 1];
	int i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VNET_NL_ATTR_MAX, policy) < 0 ||
	    !tb[VNET_NL_ATTR_LINK_UP] || !tb[VNET_NL_ATTR_STATS] ||
	    nla_parse_nested(st, VNET_NL_STATS_MAX, tb[VNET_NL_ATTR_STATS], NULL) < 0) {
		r->malformed = true;
		return NL_SKIP;
	}
	r->got = true;
	r->link_up = nla_get_u8(tb[VNET_NL_ATTR_LINK_UP]);
	for (i = 1; i <= VNET_NL_STATS_MAX; i++)
		if (st[i] && i != VNET_NL_STATS_PAD)
			r->counters[i] = nla_get_u64(st[i]);
	return NL_OK;
}

struct exchange {
	struct stats_reply *reply;
	bool done;
	int error;
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;

	return ex->reply ? stats_cb(msg, ex->reply) : NL_OK;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct exchange *ex = arg;

	(void)msg;
	ex->done = true;
	return NL_STOP;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct exchange *ex = arg;

	(void)nla;
	ex->error = e->error;
	ex->done = true;
	return NL_STOP;
}

/*
 * Sends one request with NLM_F_ACK and reads until its ACK or error: 0, the
 * kernel's negative errno, or -EBADMSG for a malformed reply.
 */
static int request(struct nl_sock *sk, uint8_t cmd, const char *ifname, uint32_t ifindex,
		   struct stats_reply *reply)
{
	struct exchange ex = { .reply = reply };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct nl_msg *msg = nlmsg_alloc();
	int err;

	if (!cb || !msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_ACK, cmd,
					VNET_NL_FAMILY_VERSION))
		die_setup("building a request", -NLE_NOMEM);
	if (ifname)
		nla_put_string(msg, VNET_NL_ATTR_IFNAME, ifname);
	if (ifindex)
		nla_put_u32(msg, VNET_NL_ATTR_IFINDEX, ifindex);
	if (reply)
		memset(reply, 0, sizeof(*reply));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &ex);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &ex);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &ex);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !ex.done)
		err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	/* After an NLMSG_ERROR libnl reports it too, translated: keep the kernel's errno. */
	if (ex.error)
		return ex.error;
	if (err < 0) {
		fprintf(stderr, "%s: command %u: %s\n", prog, cmd, nl_geterror(err));
		return -EIO;
	}
	return reply && reply->malformed ? -EBADMSG : 0;
}

/* ---- get-loop ---------------------------------------------------------------- */

static int get_loop(const char *ifname, double seconds)
{
	struct nl_sock *sk = open_socket();
	uint64_t replies = 0, enodev = 0;
	double end = now_s() + seconds;
	struct stats_reply r;

	while (now_s() < end) {
		int err = request(sk, VNET_NL_CMD_GET_STATS, ifname, 0, &r);

		if (err == 0 && r.got) {
			replies++;
		} else if (err == -ENODEV) {
			enodev++;
		} else {
			fprintf(stderr, "%s: GET_STATS %s: unexpected answer (%d%s)\n", prog, ifname,
				err, err == -EBADMSG ? ", malformed reply" : "");
			return EXIT_FAILED;
		}
	}
	printf("%" PRIu64 " replies, %" PRIu64 " ENODEV\n", replies, enodev);
	return 0;
}

/* ---- reset-vs-get ------------------------------------------------------------ */

static atomic_bool stop;
static const char *race_ifname;

static void *resetter(void *arg)
{
	struct nl_sock *sk = open_socket();
	uint64_t *resets = arg;

	while (!atomic_load(&stop)) {
		if (request(sk, VNET_NL_CMD_RESET_STATS, race_ifname, 0, NULL) == 0)
			(*resets)++;
	}
	nl_socket_free(sk);
	return NULL;
}

static void *sender(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t *sent = arg;
	char payload[64] = "reset-vs-get";

	inet_pton(AF_INET, "192.0.2.2", &to.sin_addr);
	while (fd >= 0 && !atomic_load(&stop)) {
		if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to)) > 0)
			(*sent)++;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int reset_vs_get(const char *ifname, double seconds)
{
	struct nl_sock *sk = open_socket();
	uint64_t reads = 0, resets = 0, sent = 0, largest = 0;
	double end = now_s() + seconds;
	pthread_t reset_thread, send_thread;
	struct stats_reply r;
	int status = 0, i;

	race_ifname = ifname;
	pthread_create(&reset_thread, NULL, resetter, &resets);
	pthread_create(&send_thread, NULL, sender, &sent);
	while (now_s() < end) {
		if (request(sk, VNET_NL_CMD_GET_STATS, ifname, 0, &r) != 0 || !r.got) {
			fprintf(stderr, "%s: GET_STATS %s failed%s\n", prog, ifname,
				r.got ? "" : " (no reply before the ACK)");
			status = EXIT_FAILED;
			break;
		}
		reads++;
		for (i = 1; i <= VNET_NL_STATS_MAX; i++) {
			if (r.counters[i] > largest)
				largest = r.counters[i];
			if (r.counters[i] > (UINT64_C(1) << 62) && status == 0) {
				fprintf(stderr, "%s: counter %d read as %" PRIu64 " after a reset: the difference wrapped\n",
					prog, i, r.counters[i]);
				status = EXIT_FAILED;
			}
		}
	}
	atomic_store(&stop, true);
	pthread_join(reset_thread, NULL);
	pthread_join(send_thread, NULL);
	printf("%" PRIu64 " reads, %" PRIu64 " resets, %" PRIu64 " datagrams, largest counter %" PRIu64 "\n",
	       reads, resets, sent, largest);
	return status;
}

/* ---- link-follow ------------------------------------------------------------- */

struct follow {
	struct nl_sock *query;
	const char *ifname;
	unsigned long count;
	atomic_ulong events;
	unsigned long stale;
	atomic_bool failed;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	static struct nla_policy policy[VNET_NL_ATTR_MAX + 1] = {
		[VNET_NL_ATTR_IFINDEX] = { .type = NLA_U32 },
		[VNET_NL_ATTR_LINK_UP] = { .type = NLA_U8 },
	};
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *tb[VNET_NL_ATTR_MAX + 1];
	struct follow *f = arg;
	struct stats_reply r;
	bool up;

	if (gh->cmd != VNET_NL_CMD_LINK_EVENT)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VNET_NL_ATTR_MAX, policy) < 0 ||
	    !tb[VNET_NL_ATTR_IFINDEX] || !tb[VNET_NL_ATTR_LINK_UP])
		return NL_OK;
	up = nla_get_u8(tb[VNET_NL_ATTR_LINK_UP]);
	if (request(f->query, VNET_NL_CMD_GET_STATS, NULL, nla_get_u32(tb[VNET_NL_ATTR_IFINDEX]),
		    &r) != 0 || !r.got) {
		atomic_store(&f->failed, true);
	} else if (r.link_up != up) {
		f->stale++;
		fprintf(stderr, "%s: LINK_EVENT link_up=%d, GET_STATS right after it: link_up=%d\n",
			prog, up, r.link_up);
	}
	atomic_fetch_add(&f->events, 1);
	return NL_OK;
}

/*
 * Sets the device up and down through SET_LINK, each time only after the
 * listener has handled the previous event: the state GET_STATS reads back
 * can then only be the one the event announced, unless the event went out
 * before the core changed the state.
 */
static void *toggler(void *arg)
{
	struct follow *f = arg;
	struct nl_sock *sk = open_socket();
	unsigned long i;

	for (i = 0; i < f->count && !atomic_load(&f->failed); i++) {
		struct nl_msg *msg = nlmsg_alloc();

		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_ACK,
			    VNET_NL_CMD_SET_LINK, VNET_NL_FAMILY_VERSION);
		nla_put_string(msg, VNET_NL_ATTR_IFNAME, f->ifname);
		nla_put_u8(msg, VNET_NL_ATTR_LINK_UP, i % 2 == 0);
		if (nl_send_sync(sk, msg) < 0) {
			fprintf(stderr, "%s: SET_LINK %s failed\n", prog, f->ifname);
			atomic_store(&f->failed, true);
			break;
		}
		while (atomic_load(&f->events) <= i && !atomic_load(&f->failed))
			usleep(1000);
	}
	nl_socket_free(sk);
	return NULL;
}

static int link_follow(const char *ifname, unsigned long count, double seconds)
{
	struct nl_sock *listen = open_socket();
	struct follow f = { .query = open_socket(), .ifname = ifname, .count = count };
	double end = now_s() + seconds;
	pthread_t thread;
	int group, err;

	nl_socket_disable_seq_check(listen);
	group = genl_ctrl_resolve_grp(listen, VNET_NL_FAMILY_NAME, VNET_NL_MCGRP_EVENTS);
	if (group < 0)
		die_setup("resolving the events group", group);
	err = nl_socket_add_membership(listen, group);
	if (err < 0)
		die_setup("joining the events group", err);
	nl_socket_modify_cb(listen, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &f);
	nl_socket_set_nonblocking(listen);
	pthread_create(&thread, NULL, toggler, &f);
	while (atomic_load(&f.events) < count && !atomic_load(&f.failed) && now_s() < end) {
		err = nl_recvmsgs_default(listen);
		if (err == -NLE_AGAIN)
			usleep(500);
	}
	if (atomic_load(&f.events) < count)
		atomic_store(&f.failed, true);
	pthread_join(thread, NULL);
	printf("%lu link events, %lu contradicted by GET_STATS right after\n",
	       atomic_load(&f.events), f.stale);
	return f.stale || atomic_load(&f.failed) ? EXIT_FAILED : 0;
}

/* ---- rename-vs-get ------------------------------------------------------------ */

struct renaming {
	const char *names[2];
	uint64_t renames;
	atomic_int error;
};

/* Renames the device back and forth until stopped; a failed rename ends the loop. */
static void *renamer(void *arg)
{
	struct renaming *rn = arg;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int from = 0;

	while (fd >= 0 && !atomic_load(&stop)) {
		struct ifreq ifr = { 0 };

		strncpy(ifr.ifr_name, rn->names[from], IFNAMSIZ - 1);
		strncpy(ifr.ifr_newname, rn->names[!from], IFNAMSIZ - 1);
		if (ioctl(fd, SIOCSIFNAME, &ifr) < 0) {
			atomic_store(&rn->error, errno);
			break;
		}
		rn->renames++;
		from = !from;
	}
	if (fd < 0)
		atomic_store(&rn->error, errno);
	else
		close(fd);
	return NULL;
}

/* Whether an IFNAME payload is one of the two names, whole and NUL-terminated. */
static bool name_is_whole(const char *name, int len, const char *const names[2])
{
	int i;

	if (len < 1 || len > IFNAMSIZ || name[len - 1] != '\0' || strnlen(name, len) != (size_t)len - 1)
		return false;
	for (i = 0; i < 2; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static void print_name(const char *name, int len)
{
	int i;

	fprintf(stderr, "%s: IFNAME of %d bytes: \"", prog, len);
	for (i = 0; i < len && i < 32; i++) {
		unsigned char c = name[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"\n");
}

/*
 * GET_STATS requests by index sent RENAME_BATCH at a time in one datagram,
 * without ACK: the kernel handles them back to back in the sender's system
 * call, so name copies are dense in time and a rename (Linux 6.1 manages
 * about 50 a second under emulation) meets one more often than with one
 * request per round trip.
 */
#define RENAME_BATCH 32

struct stats_request {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	struct nlattr index_attr;
	uint32_t ifindex;
};

/*
 * Checks the IFNAME of every reply in one datagram; returns the replies
 * seen, or -1 after an error or a reply without IFNAME.
 */
static int check_replies(const char *buf, ssize_t n, const char *const names[2], uint64_t *bad)
{
	const struct nlmsghdr *nlh;
	int replies = 0;

	for (nlh = (const void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		const struct nlattr *attr;
		int rest;
		bool named = false;

		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			fprintf(stderr, "%s: GET_STATS: %s\n", prog, strerror(-e->error));
			return -1;
		}
		if (nlh->nlmsg_type != family)
			continue;
		attr = (const void *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
		rest = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
		for (; rest >= (int)sizeof(*attr) && attr->nla_len >= sizeof(*attr) && attr->nla_len <= rest;
		     rest -= NLA_ALIGN(attr->nla_len),
		     attr = (const void *)((const char *)attr + NLA_ALIGN(attr->nla_len))) {
			const char *name = (const char *)attr + NLA_HDRLEN;
			int len = attr->nla_len - NLA_HDRLEN;

			if ((attr->nla_type & NLA_TYPE_MASK) != VNET_NL_ATTR_IFNAME)
				continue;
			named = true;
			if (!name_is_whole(name, len, names) && (*bad)++ < 10)
				print_name(name, len);
		}
		if (!named) {
			fprintf(stderr, "%s: GET_STATS reply without IFNAME\n", prog);
			return -1;
		}
		replies++;
	}
	return replies;
}

/* What one mode makes of one datagram of answers: how many it held, or -1 to stop. */
typedef int (*answer_counter)(const char *buf, ssize_t n, void *counts);

/*
 * Sends BATCH (RENAME_BATCH requests of SIZE bytes in all, one datagram, no
 * ACK) again and again for SECONDS while a thread renames the device between
 * RN's two names, hands every datagram of answers to COUNT, and returns the
 * exit status: failed after a failed send, receive, count or rename, or when
 * no rename was made.
 */
static int race_renames(struct renaming *rn, const void *batch, size_t size, double seconds,
			answer_counter count, void *counts)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	double end = now_s() + seconds;
	char buf[8192] __attribute__((aligned(4)));
	pthread_t thread;
	int fd, status = 0;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		return EXIT_SETUP;
	}
	pthread_create(&thread, NULL, renamer, rn);
	while (now_s() < end && !atomic_load(&rn->error) && !status) {
		int pending = RENAME_BATCH;

		if (sendto(fd, batch, size, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
			fprintf(stderr, "%s: sendto: %s\n", prog, strerror(errno));
			status = EXIT_FAILED;
		}
		while (!status && pending > 0) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			int got = n < 0 ? -1 : count(buf, n, counts);

			if (n < 0)
				fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
			if (got < 0) {
				status = EXIT_FAILED;
				break;
			}
			pending -= got;
		}
	}
	atomic_store(&stop, true);
	pthread_join(thread, NULL);
	close(fd);
	if (atomic_load(&rn->error)) {
		fprintf(stderr, "%s: SIOCSIFNAME: %s\n", prog, strerror(atomic_load(&rn->error)));
		status = EXIT_FAILED;
	} else if (!rn->renames) {
		fprintf(stderr, "%s: no rename was made\n", prog);
		status = EXIT_FAILED;
	}
	return status;
}

struct name_counts {
	const char *const *names;
	uint64_t replies, bad;
};

static int count_names(const char *buf, ssize_t n, void *arg)
{
	struct name_counts *c = arg;
	int got = check_replies(buf, n, c->names, &c->bad);

	if (got > 0)
		c->replies += got;
	return got;
}

static int rename_vs_get(unsigned int ifindex, const char *name_a, const char *name_b, double seconds)
{
	struct renaming rn = { .names = { name_a, name_b } };
	struct name_counts counts = { .names = rn.names };
	struct stats_request batch[RENAME_BATCH];
	int i, status;

	nl_socket_free(open_socket());	/* resolves the family */
	for (i = 0; i < RENAME_BATCH; i++)
		batch[i] = (struct stats_request) {
			.nlh = { .nlmsg_len = sizeof(batch[i]), .nlmsg_type = family,
				 .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = i },
			.genl = { .cmd = VNET_NL_CMD_GET_STATS, .version = VNET_NL_FAMILY_VERSION },
			.index_attr = { .nla_len = NLA_HDRLEN + sizeof(uint32_t),
					.nla_type = VNET_NL_ATTR_IFINDEX },
			.ifindex = ifindex,
		};
	status = race_renames(&rn, batch, sizeof(batch), seconds, count_names, &counts);
	if (counts.bad)
		status = EXIT_FAILED;
	printf("%" PRIu64 " replies, %" PRIu64 " renames, %" PRIu64 " torn or unterminated names\n",
	       counts.replies, rn.renames, counts.bad);
	return status;
}

/* ---- rename-vs-name-check ------------------------------------------------------------ */

#define MIXES_MAX (2 * IFNAMSIZ)

struct named_stats_request {
	struct nlmsghdr nlh;
	struct genlmsghdr genl;
	struct nlattr index_attr;
	uint32_t ifindex;
	struct nlattr name_attr;
	char name[IFNAMSIZ];
};

/*
 * The names a rename from one of the names to the other shows half-way: the
 * first k bytes of one and the rest of the other, for every split k, leaving
 * out those equal to either name. Both names must have the same length.
 */
static int mixed_names(const char *const names[2], char mixes[MIXES_MAX][IFNAMSIZ])
{
	size_t len = strlen(names[0]), k;
	int n = 0, first;

	for (first = 0; first < 2; first++)
		for (k = 1; k < len; k++) {
			char *mix = mixes[n];

			memcpy(mix, names[first], k);
			memcpy(mix + k, names[!first] + k, len - k + 1);
			if (strcmp(mix, names[0]) && strcmp(mix, names[1]) && n < MIXES_MAX - 1)
				n++;
		}
	return n;
}

struct check_counts {
	uint64_t refused, accepted;
};

/*
 * Counts one datagram's answers: an EINVAL refusal is right, a GET_STATS
 * reply is a wrong acceptance; returns the answers seen, or -1 after any
 * other error.
 */
static int count_answers(const char *buf, ssize_t n, void *arg)
{
	struct check_counts *c = arg;
	const struct nlmsghdr *nlh;
	int answers = 0;

	for (nlh = (const void *)buf; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (e->error != -EINVAL) {
				fprintf(stderr, "%s: GET_STATS: %s\n", prog, strerror(-e->error));
				return -1;
			}
			c->refused++;
		} else if (nlh->nlmsg_type == family) {
			c->accepted++;
		} else {
			continue;
		}
		answers++;
	}
	return answers;
}

static int rename_vs_name_check(unsigned int ifindex, const char *name_a, const char *name_b, double seconds)
{
	struct renaming rn = { .names = { name_a, name_b } };
	struct check_counts counts = { 0 };
	struct named_stats_request batch[RENAME_BATCH];
	char mixes[MIXES_MAX][IFNAMSIZ];
	int i, n_mixes, status;

	if (strlen(name_a) != strlen(name_b) || strlen(name_a) >= IFNAMSIZ ||
	    (n_mixes = mixed_names(rn.names, mixes)) == 0) {
		fprintf(stderr, "%s: NAME_A and NAME_B must differ and have the same length, below %d\n",
			prog, IFNAMSIZ);
		return EXIT_USAGE;
	}
	nl_socket_free(open_socket());	/* resolves the family */
	for (i = 0; i < RENAME_BATCH; i++) {
		batch[i] = (struct named_stats_request) {
			.nlh = { .nlmsg_len = sizeof(batch[i]), .nlmsg_type = family,
				 .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = i },
			.genl = { .cmd = VNET_NL_CMD_GET_STATS, .version = VNET_NL_FAMILY_VERSION },
			.index_attr = { .nla_len = NLA_HDRLEN + sizeof(uint32_t),
					.nla_type = VNET_NL_ATTR_IFINDEX },
			.ifindex = ifindex,
			.name_attr = { .nla_len = NLA_HDRLEN + IFNAMSIZ, .nla_type = VNET_NL_ATTR_IFNAME },
		};
		memcpy(batch[i].name, mixes[i % n_mixes], IFNAMSIZ);
	}
	status = race_renames(&rn, batch, sizeof(batch), seconds, count_answers, &counts);
	if (counts.accepted)
		status = EXIT_FAILED;
	printf("%" PRIu64 " refused, %" PRIu64 " renames, %" PRIu64 " mixed names accepted\n",
	       counts.refused, rn.renames, counts.accepted);
	return status;
}

/* ---- move ------------------------------------------------------------------------ */

/*
 * Moves device IFINDEX into the network namespace at NETNS_PATH with one
 * RTM_NEWLINK, one RTNL acquisition ("ip link set ... netns" looks the name up
 * first, a second wait for RTNL that lets other waiters pass in between).
 */
static int move(unsigned int ifindex, const char *netns_path)
{
	struct {
		struct nlmsghdr nlh;
		struct ifinfomsg ifi;
		struct nlattr fd_attr;
		uint32_t fd;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_NEWLINK,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)ifindex },
		.fd_attr = { .nla_len = NLA_HDRLEN + sizeof(uint32_t), .nla_type = IFLA_NET_NS_FD },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096] __attribute__((aligned(4)));
	int ns = open(netns_path, O_RDONLY);
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	struct nlmsgerr *e;
	ssize_t n;

	if (ns < 0 || fd < 0) {
		fprintf(stderr, "%s: move: %s\n", prog, strerror(errno));
		return EXIT_SETUP;
	}
	req.fd = (uint32_t)ns;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ||
	    (n = recv(fd, buf, sizeof(buf), 0)) < (ssize_t)NLMSG_LENGTH(sizeof(*e))) {
		fprintf(stderr, "%s: move: no answer: %s\n", prog, strerror(errno));
		return EXIT_FAILED;
	}
	e = NLMSG_DATA((struct nlmsghdr *)buf);
	if (e->error) {
		fprintf(stderr, "%s: move: %s\n", prog, strerror(-e->error));
		return EXIT_FAILED;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "get-loop"))
		return get_loop(argv[2], atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "reset-vs-get"))
		return reset_vs_get(argv[2], atof(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "move"))
		return move((unsigned int)strtoul(argv[2], NULL, 10), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "link-follow"))
		return link_follow(argv[2], strtoul(argv[3], NULL, 10), atof(argv[4]));
	if (argc == 6 && !strcmp(argv[1], "rename-vs-get"))
		return rename_vs_get((unsigned int)strtoul(argv[2], NULL, 10), argv[3], argv[4],
				     atof(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "rename-vs-name-check"))
		return rename_vs_name_check((unsigned int)strtoul(argv[2], NULL, 10), argv[3], argv[4],
					    atof(argv[5]));
	fprintf(stderr, "usage: %s get-loop IFNAME SECONDS | reset-vs-get IFNAME SECONDS |\n"
		"       %s link-follow IFNAME COUNT SECONDS | move IFINDEX NETNS_PATH |\n"
		"       %s rename-vs-get IFINDEX NAME_A NAME_B SECONDS |\n"
		"       %s rename-vs-name-check IFINDEX NAME_A NAME_B SECONDS\n", prog, prog, prog, prog);
	return EXIT_USAGE;
}
