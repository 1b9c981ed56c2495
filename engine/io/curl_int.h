/*
** curl_int.h — what curl.c (transfers) and curl_uv.c (libcurl's sockets
** and timer on libuv) share. Not for anyone else.
*/
#ifndef ENG_CURL_INT_H
#define ENG_CURL_INT_H

#include <curl/curl.h>
#include <uv.h>

#include "io/curl.h"
#include "io/http1.h"

struct curl_pool {
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timer;                   /* libcurl's timeout */
  uv_timer_t watchdog;                /* our per-transfer deadline check */
  struct sock *socks;                 /* live pollers, for destroy */
  struct sock **byfd;                 /* the sockets we opened, by descriptor */
  size_t nbyfd;
  curl_xfer_t *running;               /* list of X_RUNNING transfers */
  int nrunning;
  curl_xfer_t *idle;                  /* transfers kept for reuse */
  int nidle;
  int nxfers;                         /* transfers given out and not yet freed */
  int handles;                        /* libuv handles not yet closed */
  int destroyed;
  h1_pool_t *h1;                      /* plain-HTTP requests bypass libcurl (http1.h) */
};

typedef struct sock {
  uv_poll_t poll;
  curl_socket_t fd;
  curl_pool_t *m;
  int events;                         /* what the poll handle watches now */
  int owned;                          /* opened by opensocket_cb: we see its close */
  int parked;                         /* a kept-alive connection no transfer uses */
  struct sock *prev, *next;
} sock_t;

/* curl_uv.c: handed to libcurl as its callbacks */
int curl_uv_socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp);
int curl_uv_timer_cb(CURLM *multi, long timeout_ms, void *userp);
curl_socket_t curl_uv_opensocket_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *a);
int curl_uv_closesocket_cb(void *clientp, curl_socket_t fd);
/* curl_uv.c: closing */
void curl_uv_sock_drop(curl_pool_t *m, sock_t *s);
void curl_uv_on_handle_closed(uv_handle_t *h);
void curl_uv_multi_maybe_free(curl_pool_t *m);
/* curl.c: collects finished transfers after libcurl ran */
void curl_uv_check_done(curl_pool_t *m);

#endif
