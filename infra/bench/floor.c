/*
 * The machine's floor for forwarding one media packet, built by the bench with the worker's
 * toolchain (Debian's cc) against the libsrtp2 the mediasoup worker links
 * (infra/mediasoup/build-libsrtp2.sh; Debian's when that falls back):
 *   - one sendmsg() of a 1,200-byte UDP datagram to a receiver on 127.0.0.1 (unconnected socket
 *     with a destination address, as the worker sends; the loopback delivery into the
 *     receiver's queue runs in the sender's context and is part of the cost), and
 *   - one srtp_protect() of a 1,200-byte RTP packet with AES_CM_128_HMAC_SHA1_80.
 * The first sendmsg() figure has a receiver thread blocked in recv(): a datagram that finds it
 * asleep wakes it, and on loopback that wake-up (try_to_wake_up from the softirq) is paid in the
 * sender's context. To separate it the program also times
 *   - the same sendmsg() with nobody waiting (the socket drained between rounds, untimed):
 *     sendmsgNoWakeUs, and the receiver thread's own sleeps during (1) (voluntary context
 *     switches: each one ended by a wake-up): receiverWakeupsPerPacket;
 *   - sendmsg() paced 50 µs apart, so the receiver is asleep for every one, with and without a
 *     receiver thread, each call timed alone (median wall time): wakeupUs = (paced - paced
 *     without receiver) / wake-ups per packet, the cost of one wake-up charged to the sender. bench:sfu uses it to take the wake-ups of its
 *     own counting receiver out of the worker's CPU time.
 * Both are timed by the calling thread's CPU clock (CLOCK_THREAD_CPUTIME_ID): other load on a
 * shared machine stretches wall time, not this. The receiver drains in its own thread.
 * Prints one JSON line.  Usage: floor [iterations]
 */
#define _GNU_SOURCE /* RUSAGE_THREAD, SO_RCVBUFFORCE */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PACKET 1200

static double thread_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static double wall_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}


static long voluntary_switches(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw;
}

/* A receiving socket on 127.0.0.1 and, when `thread` is set, a thread blocked in recv() on it
   that counts its datagrams and its own sleeps. */
struct receiver
{
	int fd;
	struct sockaddr_in addr;
	pthread_t th;
	int thread;
	volatile int stop;
	long received;
	long sleeps;
};

static void* drain(void* arg)
{
	struct receiver* r = arg;
	char buf[2048];
	long sw0 = voluntary_switches();
	while (!r->stop)
	{
		if (recv(r->fd, buf, sizeof(buf), 0) > 0)
			r->received++;
	}
	r->sleeps = voluntary_switches() - sw0;
	return NULL;
}

static int receiver_open(struct receiver* r, int thread)
{
	memset(r, 0, sizeof(*r));
	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 64 << 20;
	if (setsockopt(r->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) != 0)
		setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	struct timeval tv = { 0, 100000 };
	setsockopt(r->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r->addr.sin_family = AF_INET;
	r->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(r->fd, (struct sockaddr*)&r->addr, sizeof(r->addr)) != 0)
		return -1;
	socklen_t alen = sizeof(r->addr);
	getsockname(r->fd, (struct sockaddr*)&r->addr, &alen);
	r->thread = thread;
	if (thread)
		pthread_create(&r->th, NULL, drain, r);
	return 0;
}

/* Stops the receiver; returns its wake-ups by datagrams (its sleeps minus the 100 ms recv
   timeouts while it idled for `idle_us` after the sends). */
static long receiver_close(struct receiver* r, double idle_us)
{
	long wakeups = 0;
	if (r->thread)
	{
		r->stop = 1;
		pthread_join(r->th, NULL);
		wakeups = r->sleeps - (long)(idle_us / 100000) - 1;
		if (wakeups < 0)
			wakeups = 0;
	}
	close(r->fd);
	return wakeups;
}

static char payload[PACKET];
static long failed = 0;

/* Thread CPU µs per sendmsg() of n datagrams to r, back to back. Without a receiver thread the
   socket is drained (untimed) every 1,000. */
static double time_sends(int tx, struct receiver* r, long n)
{
	struct iovec iov = { payload, PACKET };
	struct msghdr msg;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &r->addr;
	msg.msg_namelen = sizeof(r->addr);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	char sink[2048];
	double cpu = 0;
	for (long done = 0; done < n;)
	{
		long round = n - done < 1000 ? n - done : 1000;
		double c0 = thread_us();
		for (long i = 0; i < round; i++)
		{
			if (sendmsg(tx, &msg, 0) != PACKET)
				failed++;
		}
		cpu += thread_us() - c0;
		done += round;
		if (!r->thread)
			while (recv(r->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
				r->received++;
	}
	return cpu / n;
}

static int compare_doubles(const void* a, const void* b)
{
	double x = *(const double*)a, y = *(const double*)b;
	return x < y ? -1 : x > y;
}

/* Median wall µs of one sendmsg() to r, n of them 50 µs apart (so a receiver thread is asleep
   for each one). Each call is timed alone by the monotonic clock (vDSO, ~20 ns): the median
   ignores the calls a busy machine preempted. */
static double median_paced_send(int tx, struct receiver* r, long n)
{
	struct iovec iov = { payload, PACKET };
	struct msghdr msg;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &r->addr;
	msg.msg_namelen = sizeof(r->addr);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	char sink[2048];
	double* t = malloc(sizeof(double) * n);
	for (long i = 0; i < n; i++)
	{
		double w0 = wall_us();
		if (sendmsg(tx, &msg, 0) != PACKET)
			failed++;
		t[i] = wall_us() - w0;
		usleep(50);
		if (!r->thread)
			while (recv(r->fd, sink, sizeof(sink), MSG_DONTWAIT) > 0)
				r->received++;
	}
	qsort(t, n, sizeof(double), compare_doubles);
	double median = t[n / 2];
	free(t);
	return median;
}

int main(int argc, char** argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	long paced = n / 10;
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct receiver r;
	memset(payload, 0xab, sizeof(payload));

	/* 1. The floor's sendmsg: back to back to a receiver thread blocked in recv(), woken when
	   a datagram finds it asleep (as bench:webrtc's and bench:sfu's receivers are). */
	if (receiver_open(&r, 1) != 0)
	{
		perror("bind");
		return 1;
	}
	double w0 = wall_us();
	double sendCpu = time_sends(tx, &r, n);
	double sendWall = (wall_us() - w0) / n;
	usleep(200000);
	long received = r.received;
	double wakeupsPerPacket = (double)receiver_close(&r, 200000) / n;

	/* 2. The same, nobody waiting on the socket: no wake-up. */
	receiver_open(&r, 0);
	double sendNoWakeCpu = time_sends(tx, &r, n);
	long noWakeReceived = r.received;
	receiver_close(&r, 0);

	/* 3. The cost of one wake-up: paced sends (the receiver is asleep for each one) to a
	   sleeping receiver thread, minus the same paced sends with nobody waiting (medians). */
	receiver_open(&r, 1);
	double pacedWakeCpu = median_paced_send(tx, &r, paced);
	usleep(200000);
	double pacedWakeups = (double)receiver_close(&r, 200000) / paced;
	receiver_open(&r, 0);
	double pacedNoWakeCpu = median_paced_send(tx, &r, paced);
	receiver_close(&r, 0);
	double wakeupUs = pacedWakeups > 0.5 ? (pacedWakeCpu - pacedNoWakeCpu) / pacedWakeups : 0;

	/* --- srtp_protect, AES_CM_128_HMAC_SHA1_80 -------------------------------------------- */
	if (srtp_init() != srtp_err_status_ok)
	{
		fprintf(stderr, "srtp_init failed\n");
		return 1;
	}
	unsigned char key[30];
	for (int i = 0; i < 30; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	srtp_policy_t policy;
	memset(&policy, 0, sizeof(policy));
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
	srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
	policy.ssrc.type = ssrc_any_outbound;
	policy.key = key;
	policy.window_size = 1024;
	policy.next = NULL;
	srtp_t session;
	if (srtp_create(&session, &policy) != srtp_err_status_ok)
	{
		fprintf(stderr, "srtp_create failed\n");
		return 1;
	}
	unsigned char rtp[PACKET + SRTP_MAX_TRAILER_LEN];
	long protectFailed = 0;
	double c0 = thread_us();
	for (long i = 0; i < n; i++)
	{
		memset(rtp, 0, 12);
		rtp[0] = 0x80;
		rtp[1] = 96;
		rtp[2] = (unsigned char)(i >> 8);
		rtp[3] = (unsigned char)i;
		rtp[8] = 0x12; /* SSRC 0x12345678 */
		rtp[9] = 0x34;
		rtp[10] = 0x56;
		rtp[11] = 0x78;
		int len = PACKET;
		if (srtp_protect(session, rtp, &len) != srtp_err_status_ok)
			protectFailed++;
	}
	double protectCpu = (thread_us() - c0) / n;
	srtp_dealloc(session);

	printf(
	  "{\"iterations\":%ld,\"sendmsgUs\":%.3f,\"sendmsgWallUs\":%.3f,\"sendFailed\":%ld,"
	  "\"received\":%ld,\"receiverWakeupsPerPacket\":%.4f,\"sendmsgNoWakeUs\":%.3f,"
	  "\"noWakeReceived\":%ld,\"pacedSendmsgUs\":%.3f,\"pacedSendmsgNoWakeUs\":%.3f,"
	  "\"pacedWakeupsPerPacket\":%.3f,\"wakeupUs\":%.3f,"
	  "\"srtpProtectUs\":%.3f,\"protectFailed\":%ld,\"srtpVersion\":\"%s\"}\n",
	  n, sendCpu, sendWall, failed, received, wakeupsPerPacket, sendNoWakeCpu, noWakeReceived,
	  pacedWakeCpu, pacedNoWakeCpu, pacedWakeups, wakeupUs, protectCpu, protectFailed,
	  srtp_get_version_string());
	return failed || protectFailed ? 1 : 0;
}
