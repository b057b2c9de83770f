// SPDX-License-Identifier: Apache-2.0
/*
 * The C anchor of FixedAttributeDecodeBenchmark: decoding a reply of
 * ATTRIBUTES fixed-size attributes, no I/O, in nanoseconds per attribute.
 * The bytes are those the Java benchmark builds: types 1 to ATTRIBUTES, odd
 * types a u32 of 1000 * type + 7, even types a u64 of 2^32 * type + type; the
 * checksum (the sum of all values) is the one both print.
 *
 *   c-hand   a hand-written loop: walk the attributes, check each header and
 *            payload length, read the value by type (the Java "walk")
 *   c-libnl  libnl: nla_parse into a table, then nla_get_u32 / nla_get_u64
 *            per attribute (the Java "index", AttributeIndex)
 *
 * Output, one JSON object on stdout:
 *   {"attributes": 16, "checksum": N, "rounds": 5, "results": [
 *     {"decoder": "c-hand", "ns_per_attribute": mean, "min": m, "max": M}, ...]}
 * where mean, min and max are over the measured rounds (each about
 * --round-ms milliseconds, after as many warm-up rounds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/attr.h>

#define ATTRIBUTES 16	/* FixedAttributeDecodeBenchmark.ATTRIBUTES */

static unsigned char reply[512] __attribute__((aligned(8)));
static int reply_length;

static uint64_t value_of(int type)
{
	return (type & 1) ? 1000u * (uint64_t)type + 7 : ((uint64_t)type << 32) + (uint64_t)type;
}

static void put(int type, const void *data, int length)
{
	struct nlattr *attr = (struct nlattr *)(reply + reply_length);

	attr->nla_type = (uint16_t)type;
	attr->nla_len = (uint16_t)(NLA_HDRLEN + length);
	memcpy(reply + reply_length + NLA_HDRLEN, data, (size_t)length);
	reply_length += NLA_HDRLEN + NLA_ALIGN(length);
}

static void build(void)
{
	for (int type = 1; type <= ATTRIBUTES; type++) {
		if (type & 1) {
			uint32_t value = (uint32_t)value_of(type);

			put(type, &value, sizeof(value));
		} else {
			uint64_t value = value_of(type);

			put(type, &value, sizeof(value));
		}
	}
}

static void fail(const char *what)
{
	fprintf(stderr, "decode: %s\n", what);
	exit(1);
}

/* Keeps the compiler from assuming the reply is unchanged between decodes. */
#define CLOBBER() __asm__ volatile("" : : "r"(reply) : "memory")

static uint64_t decode_hand(void)
{
	const unsigned char *at = reply;
	long remaining = reply_length;
	uint64_t sum = 0;

	CLOBBER();
	while (remaining >= NLA_HDRLEN) {
		const struct nlattr *attr = (const void *)at;
		uint16_t length = attr->nla_len;
		int type = attr->nla_type & NLA_TYPE_MASK;

		if (length < NLA_HDRLEN || length > remaining)
			fail("malformed attribute");
		if (type & 1) {
			uint32_t value;

			if (length != NLA_HDRLEN + sizeof(value))
				fail("not a u32");
			memcpy(&value, at + NLA_HDRLEN, sizeof(value));
			sum += value;
		} else {
			uint64_t value;

			if (length != NLA_HDRLEN + sizeof(value))
				fail("not a u64");
			memcpy(&value, at + NLA_HDRLEN, sizeof(value));
			sum += value;
		}
		remaining -= NLA_ALIGN(length);
		at += NLA_ALIGN(length);
	}
	if (remaining != 0)
		fail("trailing bytes");
	return sum;
}

static struct nla_policy policy[ATTRIBUTES + 1];

static uint64_t decode_libnl(void)
{
	struct nlattr *table[ATTRIBUTES + 1];
	uint64_t sum = 0;

	CLOBBER();
	if (nla_parse(table, ATTRIBUTES, (struct nlattr *)reply, reply_length, policy) < 0)
		fail("nla_parse failed");
	for (int type = 1; type <= ATTRIBUTES; type += 2) {
		if (!table[type] || !table[type + 1])
			fail("attribute missing");
		sum += nla_get_u32(table[type]) + nla_get_u64(table[type + 1]);
	}
	return sum;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One round: decodes until round_ns passed; returns ns per attribute. */
static double round_of(uint64_t (*decode)(void), uint64_t expected, uint64_t round_ns)
{
	uint64_t start = now_ns(), elapsed;
	long decodes = 0;

	do {
		for (int i = 0; i < 1000; i++) {
			if (decode() != expected)
				fail("wrong checksum");
		}
		decodes += 1000;
		elapsed = now_ns() - start;
	} while (elapsed < round_ns);
	return (double)elapsed / ((double)decodes * ATTRIBUTES);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint64_t (*decode)(void);
	} decoders[] = { { "c-hand", decode_hand }, { "c-libnl", decode_libnl } };
	long rounds = 5, round_ms = 1000;
	uint64_t expected = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rounds"))
			rounds = strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--round-ms"))
			round_ms = strtol(argv[i + 1], NULL, 10);
		else
			fail("usage: decode [--rounds N] [--round-ms MS]");
	}
	if (argc % 2 == 0 || rounds < 1 || round_ms < 1)
		fail("usage: decode [--rounds N] [--round-ms MS]");
	for (int type = 1; type <= ATTRIBUTES; type++) {
		policy[type].type = (type & 1) ? NLA_U32 : NLA_U64;
		expected += value_of(type);
	}
	build();
	printf("{\"attributes\": %d, \"checksum\": %llu, \"rounds\": %ld, \"results\": [", ATTRIBUTES,
	       (unsigned long long)expected, rounds);
	for (size_t d = 0; d < sizeof(decoders) / sizeof(decoders[0]); d++) {
		double sum = 0, min = 1e30, max = 0;

		for (long r = 0; r < rounds; r++)
			(void)round_of(decoders[d].decode, expected, (uint64_t)round_ms * 1000000u);
		for (long r = 0; r < rounds; r++) {
			double ns = round_of(decoders[d].decode, expected, (uint64_t)round_ms * 1000000u);

			sum += ns;
			min = ns < min ? ns : min;
			max = ns > max ? ns : max;
		}
		printf("%s\n  {\"decoder\": \"%s\", \"ns_per_attribute\": %.3f, \"min\": %.3f, \"max\": %.3f}",
		       d ? "," : "", decoders[d].name, sum / (double)rounds, min, max);
	}
	printf("\n]}\n");
	return 0;
}
