/*
 * udp_batch: the builtin traffic tester's socket I/O at the kernel's limit
 * (issue #21). Linux only, N-API (ABI-stable, context-aware: loadable in
 * worker threads).
 *
 *   openSocket(family, host, port, rcvbufBytes, sndbufBytes) -> { fd, port }
 *       UDP socket bound to host:port, with SO_TIMESTAMPNS (kernel receive
 *       stamps) and SO_RXQ_OVFL (the socket's drop counter on each datagram).
 *   connect(fd, host, port)
 *   sendBatch(fd, buffer, datagramBytes, count) -> sent, or -errno
 *       sendmmsg(2) of `count` datagrams laid end to end in `buffer`.
 *   recvBatch(fd, buffer, slotBytes, lengths, stampsMs, meta, timeoutMs) -> count
 *       waits up to timeoutMs (ppoll), then recvmmsg(2) of up to
 *       lengths.length datagrams, each in its slot of `buffer`; stampsMs[i]
 *       is the kernel's receive stamp of datagram i on CLOCK_MONOTONIC (ms);
 *       meta[0] = the socket's SO_RXQ_OVFL drop counter as the last datagram carried it (the kernel
 *       attaches it once it is above 0; each datagram carries the count at the time it was queued).
 *   socketDrops(fd) -> the socket's drop count now (SO_MEMINFO), -1 where not reported
 *   sleepUntilMs(deadlineMs)   clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)
 *   monoMs()                   CLOCK_MONOTONIC, ms
 *   close(fd)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/sock_diag.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

#define MAX_BATCH 1024
#define CTRL_BYTES (CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t)) + 64)

/* Per-thread scratch (one per Node environment: the main thread and each worker own theirs, freed with it). */
struct scratch {
  struct mmsghdr msgs[MAX_BATCH];
  struct iovec iov[MAX_BATCH];
  char ctrl[MAX_BATCH][CTRL_BYTES];
  /* Sockets this environment opened and has not closed: closed with it (a worker terminated mid-run, as
     node:dgram's handles are), so a crashed or killed tester thread leaves no socket bound. */
  int *fds;
  size_t nfds, capfds;
};

static void free_scratch(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct scratch *sc = data;
  for (size_t i = 0; i < sc->nfds; i++) close(sc->fds[i]);
  free(sc->fds);
  free(sc);
}

static int track_fd(struct scratch *sc, int fd) {
  if (sc->nfds == sc->capfds) {
    size_t cap = sc->capfds ? sc->capfds * 2 : 16;
    int *fds = realloc(sc->fds, cap * sizeof *fds);
    if (!fds) return 0;
    sc->fds = fds;
    sc->capfds = cap;
  }
  sc->fds[sc->nfds++] = fd;
  return 1;
}

/* 1 when fd was one of ours (now forgotten), 0 otherwise. */
static int untrack_fd(struct scratch *sc, int fd) {
  for (size_t i = 0; i < sc->nfds; i++)
    if (sc->fds[i] == fd) {
      sc->fds[i] = sc->fds[--sc->nfds];
      return 1;
    }
  return 0;
}

static struct scratch *scratch_of(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) != napi_ok) return NULL;
  return data;
}

#define CHECK(call)                                                                 \
  do {                                                                              \
    if ((call) != napi_ok) {                                                        \
      napi_throw_error(env, "UDP_BATCH_NAPI", "N-API call failed: " #call);         \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

/* The errno's symbolic name, as Node's own errors carry it in `code` (EADDRINUSE...). */
static const char *errno_name(int err, char *buf, size_t len) {
  switch (err) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case ENETUNREACH: return "ENETUNREACH";
    case EMFILE: return "EMFILE";
    case ENOBUFS: return "ENOBUFS";
    default: snprintf(buf, len, "E%d", err); return buf;
  }
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, message, error;
  char namebuf[32];
  const char *codebuf = errno_name(err, namebuf, sizeof namebuf);
  napi_create_string_utf8(env, codebuf, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_value errnoValue;
  napi_create_int32(env, err, &errnoValue);
  napi_set_named_property(env, error, "errno", errnoValue);
  napi_throw(env, error);
  return NULL;
}

static double ts_ms(const struct timespec *t) { return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6; }

static int64_t ts_ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec; }

static int get_i32(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

static int get_f64(napi_env env, napi_value v, double *out) { return napi_get_value_double(env, v, out) == napi_ok; }

/* A string argument into buf; 0 on failure. */
static int get_str(napi_env env, napi_value v, char *buf, size_t len) {
  size_t n;
  return napi_get_value_string_utf8(env, v, buf, len, &n) == napi_ok;
}

/* Parse host:port into a sockaddr of the given family (4 or 6). */
static int make_addr(int family, const char *host, int port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (family == 6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, strcmp(host, "localhost") == 0 ? "::1" : host, &a->sin6_addr) != 1) return 0;
    *len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &a->sin_addr) != 1) return 0;
    *len = sizeof *a;
  }
  return 1;
}

/* Raise a buffer size: SO_*BUFFORCE where permitted (root), else the capped SO_*BUF. */
static void set_buffer(int fd, int force_opt, int opt, int bytes) {
  if (bytes <= 0) return;
  if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) != 0)
    setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
}

static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t family, port, rcvbuf, sndbuf;
  char host[128];
  if (argc < 5 || !get_i32(env, argv[0], &family) || !get_str(env, argv[1], host, sizeof host) ||
      !get_i32(env, argv[2], &port) || !get_i32(env, argv[3], &rcvbuf) || !get_i32(env, argv[4], &sndbuf)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "openSocket(family, host, port, rcvbufBytes, sndbufBytes)");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t len;
  if (!make_addr(family, host, port, &ss, &len)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "openSocket: host is not a numeric address");
    return NULL;
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "setsockopt(SO_TIMESTAMPNS/SO_RXQ_OVFL)", e);
  }
  set_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf);
  set_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, sndbuf);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }
  struct scratch *sc = scratch_of(env);
  if (!sc || !track_fd(sc, fd)) {
    close(fd);
    napi_throw_error(env, "UDP_BATCH_NAPI", "cannot track the socket");
    return NULL;
  }
  struct sockaddr_storage bound;
  socklen_t blen = sizeof bound;
  getsockname(fd, (struct sockaddr *)&bound, &blen);
  int boundPort = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
                                                    : ((struct sockaddr_in *)&bound)->sin_port);
  int rb = 0, sb = 0;
  socklen_t ol = sizeof rb;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, &ol);
  ol = sizeof sb;
  getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sb, &ol);
  napi_value result, v;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, fd, &v));
  CHECK(napi_set_named_property(env, result, "fd", v));
  CHECK(napi_create_int32(env, boundPort, &v));
  CHECK(napi_set_named_property(env, result, "port", v));
  CHECK(napi_create_int32(env, rb, &v));
  CHECK(napi_set_named_property(env, result, "recvBufferBytes", v));
  CHECK(napi_create_int32(env, sb, &v));
  CHECK(napi_set_named_property(env, result, "sendBufferBytes", v));
  return result;
}

static napi_value connect_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, port;
  char host[128];
  if (argc < 3 || !get_i32(env, argv[0], &fd) || !get_str(env, argv[1], host, sizeof host) ||
      !get_i32(env, argv[2], &port)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "connect(fd, host, port)");
    return NULL;
  }
  struct sockaddr_storage own;
  socklen_t olen = sizeof own;
  if (getsockname(fd, (struct sockaddr *)&own, &olen) != 0) return throw_errno(env, "getsockname", errno);
  struct sockaddr_storage ss;
  socklen_t len;
  if (!make_addr(own.ss_family == AF_INET6 ? 6 : 4, host, port, &ss, &len)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "connect: host is not a numeric address of the socket's family");
    return NULL;
  }
  if (connect(fd, (struct sockaddr *)&ss, len) != 0) return throw_errno(env, "connect", errno);
  return NULL;
}

static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, size, count;
  void *data;
  size_t bytes;
  if (argc < 4 || !get_i32(env, argv[0], &fd) ||
      napi_get_buffer_info(env, argv[1], &data, &bytes) != napi_ok || !get_i32(env, argv[2], &size) ||
      !get_i32(env, argv[3], &count) || size <= 0 || count < 0 || (size_t)size * (size_t)count > bytes) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "sendBatch(fd, buffer, datagramBytes, count): buffer too short");
    return NULL;
  }
  struct scratch *sc = scratch_of(env);
  if (!sc) {
    napi_throw_error(env, "UDP_BATCH_NAPI", "no scratch memory");
    return NULL;
  }
  struct mmsghdr *msgs = sc->msgs;
  struct iovec *iov = sc->iov;
  int sent = 0, result = 0;
  while (sent < count) {
    int n = count - sent > MAX_BATCH ? MAX_BATCH : count - sent;
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t)n);
    for (int i = 0; i < n; i++) {
      iov[i].iov_base = (char *)data + (size_t)(sent + i) * (size_t)size;
      iov[i].iov_len = (size_t)size;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int r = sendmmsg(fd, msgs, (unsigned)n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      result = -errno;
      break;
    }
    sent += r;
  }
  napi_value out;
  CHECK(napi_create_int32(env, result < 0 && sent == 0 ? result : sent, &out));
  return out;
}

static napi_value recv_batch(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd, slot;
  double timeoutMs;
  void *data, *lens, *stamps, *meta;
  size_t bytes, nlens, nstamps, nmeta;
  napi_typedarray_type t1, t2, t3;
  napi_value ab;
  size_t off;
  if (argc < 7 || !get_i32(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], &data, &bytes) != napi_ok ||
      !get_i32(env, argv[2], &slot) ||
      napi_get_typedarray_info(env, argv[3], &t1, &nlens, &lens, &ab, &off) != napi_ok || t1 != napi_uint32_array ||
      napi_get_typedarray_info(env, argv[4], &t2, &nstamps, &stamps, &ab, &off) != napi_ok ||
      t2 != napi_float64_array ||
      napi_get_typedarray_info(env, argv[5], &t3, &nmeta, &meta, &ab, &off) != napi_ok || t3 != napi_float64_array ||
      nmeta < 1 || !get_f64(env, argv[6], &timeoutMs) || slot <= 0) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS",
                          "recvBatch(fd, buffer, slotBytes, lengths: Uint32Array, stampsMs: Float64Array, meta: "
                          "Float64Array, timeoutMs)");
    return NULL;
  }
  size_t max = nlens < nstamps ? nlens : nstamps;
  if (max > bytes / (size_t)slot) max = bytes / (size_t)slot;
  if (max > MAX_BATCH) max = MAX_BATCH;
  napi_value out;
  if (timeoutMs > 0) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct timespec to = {.tv_sec = (time_t)(timeoutMs / 1000),
                          .tv_nsec = (long)((timeoutMs - (double)(time_t)(timeoutMs / 1000) * 1000) * 1e6)};
    int pr = ppoll(&p, 1, &to, NULL);
    if (pr < 0 && errno != EINTR) return throw_errno(env, "ppoll", errno);
    if (pr <= 0) {
      CHECK(napi_create_int32(env, 0, &out));
      return out;
    }
  }
  struct scratch *sc = scratch_of(env);
  if (!sc) {
    napi_throw_error(env, "UDP_BATCH_NAPI", "no scratch memory");
    return NULL;
  }
  struct mmsghdr *msgs = sc->msgs;
  struct iovec *iov = sc->iov;
  for (size_t i = 0; i < max; i++) {
    iov[i].iov_base = (char *)data + i * (size_t)slot;
    iov[i].iov_len = (size_t)slot;
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_control = sc->ctrl[i];
    msgs[i].msg_hdr.msg_controllen = CTRL_BYTES;
  }
  int r = recvmmsg(fd, msgs, (unsigned)max, MSG_DONTWAIT, NULL);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) r = 0;
    else return throw_errno(env, "recvmmsg", errno);
  }
  if (r > 0) {
    /* Kernel stamps are CLOCK_REALTIME: move them onto CLOCK_MONOTONIC with an offset read now (between two
       realtime reads, so the offset is exact to their spacing, ~tens of ns). */
    struct timespec r1, m, r2;
    clock_gettime(CLOCK_REALTIME, &r1);
    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_REALTIME, &r2);
    int64_t offsetNs = ts_ns(&m) - (ts_ns(&r1) + ts_ns(&r2)) / 2;
    double nowMono = ts_ms(&m);
    for (int i = 0; i < r; i++) {
      ((uint32_t *)lens)[i] = msgs[i].msg_len;
      double stamp = nowMono; /* no kernel stamp: the read's own time (not expected with SO_TIMESTAMPNS) */
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
        if (c->cmsg_level != SOL_SOCKET) continue;
        if (c->cmsg_type == SO_TIMESTAMPNS) {
          struct timespec ts;
          memcpy(&ts, CMSG_DATA(c), sizeof ts);
          stamp = (double)(ts_ns(&ts) + offsetNs) / 1e6;
        } else if (c->cmsg_type == SO_RXQ_OVFL) {
          uint32_t drops;
          memcpy(&drops, CMSG_DATA(c), sizeof drops);
          ((double *)meta)[0] = (double)drops;
        }
      }
      ((double *)stamps)[i] = stamp;
    }
  }
  CHECK(napi_create_int32(env, r, &out));
  return out;
}

static napi_value sleep_until_ms(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double deadline;
  if (argc < 1 || !get_f64(env, argv[0], &deadline)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "sleepUntilMs(deadlineMs)");
    return NULL;
  }
  struct timespec t;
  int64_t ns = (int64_t)(deadline * 1e6);
  t.tv_sec = (time_t)(ns / 1000000000LL);
  t.tv_nsec = (long)(ns % 1000000000LL);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {
  }
  return NULL;
}

static napi_value mono_ms(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  napi_value out;
  CHECK(napi_create_double(env, ts_ms(&t), &out));
  return out;
}

/* The socket's drop count now (SO_MEMINFO's SK_MEMINFO_DROPS): exact, even when no datagram arrived after the
   drops to carry the SO_RXQ_OVFL counter. -1 where the kernel does not report it. */
static napi_value socket_drops(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  if (argc < 1 || !get_i32(env, argv[0], &fd)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "socketDrops(fd)");
    return NULL;
  }
  uint32_t mem[SK_MEMINFO_VARS];
  socklen_t len = sizeof mem;
  memset(mem, 0, sizeof mem);
  double drops = -1;
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 && len > SK_MEMINFO_DROPS * sizeof(uint32_t))
    drops = mem[SK_MEMINFO_DROPS];
  napi_value out;
  CHECK(napi_create_double(env, drops, &out));
  return out;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  if (argc < 1 || !get_i32(env, argv[0], &fd)) {
    napi_throw_type_error(env, "UDP_BATCH_ARGS", "close(fd)");
    return NULL;
  }
  struct scratch *sc = scratch_of(env);
  /* Only sockets this environment opened: a stale or foreign descriptor number is never closed. */
  if (!sc || !untrack_fd(sc, fd)) return throw_errno(env, "close", EBADF);
  if (close(fd) != 0) return throw_errno(env, "close", errno);
  return NULL;
}

NAPI_MODULE_INIT() {
  struct scratch *sc = calloc(1, sizeof *sc);
  if (!sc || napi_set_instance_data(env, sc, free_scratch, NULL) != napi_ok) {
    free(sc);
    napi_throw_error(env, "UDP_BATCH_NAPI", "cannot allocate the socket scratch memory");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"openSocket", NULL, open_socket, NULL, NULL, NULL, napi_default, NULL},
      {"connect", NULL, connect_socket, NULL, NULL, NULL, napi_default, NULL},
      {"sendBatch", NULL, send_batch, NULL, NULL, NULL, napi_default, NULL},
      {"recvBatch", NULL, recv_batch, NULL, NULL, NULL, napi_default, NULL},
      {"sleepUntilMs", NULL, sleep_until_ms, NULL, NULL, NULL, napi_default, NULL},
      {"monoMs", NULL, mono_ms, NULL, NULL, NULL, napi_default, NULL},
      {"socketDrops", NULL, socket_drops, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
