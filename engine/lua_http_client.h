/*
** lua_http_client.h — the client half of the `http` module (lua_http.c
** opens the module; this file adds http.request, http.get and http.raw).
*/
#ifndef LUA_HTTP_CLIENT_H
#define LUA_HTTP_CLIENT_H

#include <lua.h>

/* Adds the client functions to the module table on top of L. */
void http_client_register(lua_State *L);

#endif
