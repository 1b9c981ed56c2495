/*
** io/redis_uv.h — hiredis's async context driven by the libuv loop (our own
** adapter, not hiredis's: see redis_uv.c for why).
*/
#ifndef GULDASTA_IO_REDIS_UV_H
#define GULDASTA_IO_REDIS_UV_H

#include <uv.h>
#include <hiredis/async.h>

/* Attaches ac to loop: its reads and writes follow from socket events. The
** hooks' memory goes when hiredis frees the context. 0, or -1 when out of
** memory or the socket cannot be polled. */
int rds_uv_attach(redisAsyncContext *ac, uv_loop_t *loop);

#endif
