/*
** curl_uv.c — libcurl's multi_socket interface driven by libuv: one
** uv_poll per socket libcurl wants watched, one uv_timer for its timeout.
** Split from curl.c, which keeps the transfers; see its comment for the
** re-entrancy rules both keep.
*/
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/curl_int.h"

static void sock_watch(sock_t *s, int events);

/* ====================================================================
** libuv → libcurl
** ==================================================================== */

static void on_poll(uv_poll_t *h, int status, int events) {
  sock_t *s = h->data;
  curl_pool_t *m = s->m;
  if (s->parked) {                    /* the peer closed an idle connection */
    sock_watch(s, 0);                 /* libcurl finds out when it next looks */
    return;
  }
  int flags = 0;
  if (status < 0) {
    flags = CURL_CSELECT_ERR;
    s->events = 0;                    /* libuv stopped the poll */
  } else {
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  }
  int running;
  curl_multi_socket_action(m->multi, s->fd, flags, &running);   /* may free s */
  curl_uv_check_done(m);
}

static void on_timer(uv_timer_t *t) {
  curl_pool_t *m = t->data;
  int running;
  curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  curl_uv_check_done(m);
}

/* ====================================================================
** libcurl → libuv (only arming handles here)
** ==================================================================== */

/* A destroyed multi goes once its libuv handles are closed and the last
** transfer handed out is freed: curl_xfer_free still needs it. */
void curl_uv_multi_maybe_free(curl_pool_t *m) {
  if (m->destroyed && m->handles == 0 && m->nxfers == 0) free(m);
}

void curl_uv_on_handle_closed(uv_handle_t *h) {
  curl_pool_t *m = h->data;
  m->handles--;
  curl_uv_multi_maybe_free(m);
}

static void on_sock_closed(uv_handle_t *h) {
  sock_t *s = h->data;
  curl_pool_t *m = s->m;
  free(s);
  m->handles--;
  curl_uv_multi_maybe_free(m);
}

void curl_uv_sock_drop(curl_pool_t *m, sock_t *s) {
  if (s->prev) s->prev->next = s->next;
  else m->socks = s->next;
  if (s->next) s->next->prev = s->prev;
  if (s->owned && (size_t)s->fd < m->nbyfd) m->byfd[s->fd] = NULL;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_sock_closed);
}

static sock_t *sock_new(curl_pool_t *m, curl_socket_t fd) {
  sock_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  if (uv_poll_init_socket(m->loop, &s->poll, fd) != 0) {
    free(s);
    return NULL;
  }
  s->fd = fd;
  s->m = m;
  s->poll.data = s;
  m->handles++;
  s->next = m->socks;
  if (m->socks) m->socks->prev = s;
  m->socks = s;
  return s;
}

/* In libuv each uv_poll_start is an epoll_ctl DEL at once and an ADD on the
** next poll, each uv_poll_stop a DEL: only a real change of mask costs that. */
static void sock_watch(sock_t *s, int events) {
  if (events == s->events) return;
  s->events = events;
  if (events) uv_poll_start(&s->poll, events, on_poll);
  else uv_poll_stop(&s->poll);
}

static sock_t *owned_sock(curl_pool_t *m, curl_socket_t fd) {
  return fd >= 0 && (size_t)fd < m->nbyfd ? m->byfd[fd] : NULL;
}

/* A kept-alive connection used to cost, per request, a new poll handle (an
** ioctl, two epoll_ctl to probe the descriptor), an epoll_ctl pair to start
** it and two more to close it when libcurl said it no longer watches the
** socket. For the sockets libcurl opens through us we also see the close, so
** their poll handle is kept from connect to close instead: "no longer
** watched" only parks it, still watching for readable (and unreferenced, so
** an idle connection does not keep the loop alive), and the next request on
** that connection, which waits for readable too, changes nothing. An event
** on a parked socket (the server closed it) just stops the poll; libcurl
** checks the connection before reusing it. Sockets we do not see closed (the
** resolver's) keep the old way: the poll handle goes on REMOVE, before the
** descriptor can be closed and its number reused. */
curl_socket_t curl_uv_opensocket_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *a) {
  curl_pool_t *m = clientp;
  curl_socket_t fd = socket(a->family, a->socktype, a->protocol);
  if (fd == CURL_SOCKET_BAD || purpose != CURLSOCKTYPE_IPCXN || m->destroyed) return fd;
  if ((size_t)fd >= m->nbyfd) {
    size_t n = m->nbyfd ? m->nbyfd : 64;
    while (n <= (size_t)fd) n *= 2;
    sock_t **p = realloc(m->byfd, n * sizeof *p);
    if (!p) return fd;                /* then it is watched the old way */
    memset(p + m->nbyfd, 0, (n - m->nbyfd) * sizeof *p);
    m->byfd = p;
    m->nbyfd = n;
  }
  sock_t *s = sock_new(m, fd);
  if (!s) return fd;
  s->owned = 1;
  m->byfd[fd] = s;
  return fd;
}

/* libcurl has already said REMOVE for the socket (Curl_multi_closed runs
** before this): the poll handle goes while the descriptor is still ours. */
int curl_uv_closesocket_cb(void *clientp, curl_socket_t fd) {
  curl_pool_t *m = clientp;
  sock_t *s = owned_sock(m, fd);
  if (s) {
    if (!s->parked && m->multi && !m->destroyed) curl_multi_assign(m->multi, fd, NULL);
    curl_uv_sock_drop(m, s);
  }
  return close(fd);
}

int curl_uv_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
  (void)easy;
  curl_pool_t *m = userp;
  sock_t *s = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (s) {
      curl_multi_assign(m->multi, fd, NULL);
      if (!s->owned) {
        curl_uv_sock_drop(m, s);
      } else if (!s->parked) {
        s->parked = 1;
        uv_unref((uv_handle_t *)&s->poll);
      }
    }
    return 0;
  }
  if (!s) {
    s = owned_sock(m, fd);
    if (!s && !(s = sock_new(m, fd))) return -1;
    curl_multi_assign(m->multi, fd, s);
  }
  if (s->parked) {
    s->parked = 0;
    uv_ref((uv_handle_t *)&s->poll);
  }
  int events = 0;
  if (what & CURL_POLL_IN) events |= UV_READABLE;
  if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
  sock_watch(s, events);
  return 0;
}

int curl_uv_timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  curl_pool_t *m = userp;
  if (timeout_ms < 0) uv_timer_stop(&m->timer);
  else uv_timer_start(&m->timer, on_timer, (uint64_t)timeout_ms, 0);
  return 0;
}

