/*
 * The machine's floor for forwarding one media packet, built by the bench with the worker's
 * toolchain (Debian's cc) against the libsrtp2 the mediasoup worker links
 * (infra/mediasoup/build-libsrtp2.sh; Debian's when that falls back):
 *   - one sendmsg() of a 1,200-byte UDP datagram to a receiver on 127.0.0.1 (unconnected socket
 *     with a destination address, as the worker sends; the loopback delivery into the
 *     receiver's queue runs in the sender's context and is part of the cost), and
 *   - one srtp_protect() of a 1,200-byte RTP packet with AES_CM_128_HMAC_SHA1_80.
 * Both are timed by the calling thread's CPU clock (CLOCK_THREAD_CPUTIME_ID): other load on a
 * shared machine stretches wall time, not this. The receiver drains in its own thread.
 * Prints one JSON line.  Usage: floor [iterations]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static volatile int stop_receiver = 0;
static long received = 0;

static void* drain(void* arg)
{
	int fd = *(int*)arg;
	char buf[2048];
	while (!stop_receiver)
	{
		if (recv(fd, buf, sizeof(buf), 0) > 0)
			received++;
	}
	return NULL;
}

int main(int argc, char** argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;

	/* --- sendmsg to a loopback receiver ------------------------------------------------ */
	int rx = socket(AF_INET, SOCK_DGRAM, 0);
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 8 << 20;
	setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	struct timeval tv = { 0, 100000 };
	setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(rx, (struct sockaddr*)&addr, sizeof(addr)) != 0)
	{
		perror("bind");
		return 1;
	}
	socklen_t alen = sizeof(addr);
	getsockname(rx, (struct sockaddr*)&addr, &alen);
	pthread_t th;
	pthread_create(&th, NULL, drain, &rx);

	char payload[PACKET];
	memset(payload, 0xab, sizeof(payload));
	struct iovec iov = { payload, PACKET };
	struct msghdr msg;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &addr;
	msg.msg_namelen = sizeof(addr);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	long failed = 0;
	double c0 = thread_us(), w0 = wall_us();
	for (long i = 0; i < n; i++)
	{
		if (sendmsg(tx, &msg, 0) != PACKET)
			failed++;
	}
	double sendCpu = (thread_us() - c0) / n, sendWall = (wall_us() - w0) / n;
	usleep(200000);
	stop_receiver = 1;
	pthread_join(th, NULL);

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
	c0 = thread_us();
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
	  "\"received\":%ld,\"srtpProtectUs\":%.3f,\"protectFailed\":%ld,\"srtpVersion\":\"%s\"}\n",
	  n, sendCpu, sendWall, failed, received, protectCpu, protectFailed, srtp_get_version_string());
	return failed || protectFailed ? 1 : 0;
}
