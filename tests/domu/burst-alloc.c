// SPDX-License-Identifier: GPL-2.0
/*
 * burst-alloc: commit (and optionally touch) anonymous memory in chunks,
 * for the reliability scenarios of the domU (tests/domu/stress.sh).
 *
 *   burst-alloc TOTAL_MIB CHUNK_MIB TOUCH HOLD_S
 *
 * maps TOTAL_MIB of private anonymous memory as mmap()s of CHUNK_MIB each
 * (each one counts in Committed_AS at once; heuristic overcommit refuses a
 * single mapping larger than RAM plus swap, so a burst from a small guest
 * has to come in chunks), writes one byte in every page of each chunk right
 * after mapping it if TOUCH is 1, then prints one line
 *
 *   BURST mib=<TOTAL_MIB> touch=<TOUCH> ms=<milliseconds from start>
 *
 * and keeps the memory HOLD_S seconds before it exits 0.  A failed mmap()
 * prints "BURST mmap failed at <MiB> MiB: <error>" and exits 1.  Killed
 * by the OOM killer, it dies of SIGKILL without the BURST line.
 *
 * Built statically on the host by scripts/stress.sh and copied into the
 * domU, which has neither a compiler nor a C library.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static long arg(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "burst-alloc: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long total, chunk, touch, hold, page, done, start, i;
	size_t len;
	char *p;

	if (argc != 5) {
		fprintf(stderr, "usage: burst-alloc TOTAL_MIB CHUNK_MIB TOUCH HOLD_S\n");
		return 2;
	}
	total = arg(argv[1]);
	chunk = arg(argv[2]);
	touch = arg(argv[3]);
	hold = arg(argv[4]);
	if (!chunk)
		chunk = 1;
	page = sysconf(_SC_PAGESIZE);

	start = now_ms();
	for (done = 0; done < total; done += chunk) {
		if (chunk > total - done)
			chunk = total - done;
		len = (size_t)chunk << 20;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("BURST mmap failed at %ld MiB: %s\n", done,
			       strerror(errno));
			return 1;
		}
		if (touch)
			for (i = 0; i < (long)len; i += page)
				p[i] = 1;
	}
	printf("BURST mib=%ld touch=%ld ms=%ld\n", total, touch,
	       now_ms() - start);
	fflush(stdout);
	sleep(hold);
	return 0;
}
