/*
** lua_config.c — the `config` module: the validated configuration as a
** read-mostly table. Scripts read settings here, never from os.getenv, so
** that one place (config.c) decides what is valid.
*/
#include <lauxlib.h>

#include "bindings.h"
#include "gen.h"

static void set_str(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

int eng_open_config(lua_State *L) {
  eng_t *e = eng_of(L);
  const config_t *c = &e->cfg;
  lua_newtable(L);
  set_str(L, "root", e->root);
  set_str(L, "bot_token", c->bot_token);
  set_str(L, "telegram_api_url", c->telegram_api_url);
  set_str(L, "database_url", c->database_url);
  set_str(L, "redis_url", c->redis_url);
  set_str(L, "http_host", c->http_host);
  lua_pushinteger(L, c->http_port);
  lua_setfield(L, -2, "http_port");
  set_str(L, "webhook_url", c->webhook_url);
  set_str(L, "webhook_secret", c->webhook_secret);
  set_str(L, "florist_chat_id", c->florist_chat_id);
  set_str(L, "courier_chat_id", c->courier_chat_id);
  set_str(L, "shop_channel_id", c->shop_channel_id);
  set_str(L, "owner_chat_id", c->owner_chat_id);
  lua_createtable(L, c->owner_count, 0);
  for (int i = 0; i < c->owner_count; i++) {
    lua_pushinteger(L, c->owner_tg_ids[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "owner_tg_ids");
  set_str(L, "payme_merchant_id", c->payme_merchant_id);
  set_str(L, "payme_key", c->payme_key);
  set_str(L, "payme_checkout_url", c->payme_checkout_url);
  set_str(L, "click_service_id", c->click_service_id);
  set_str(L, "click_merchant_id", c->click_merchant_id);
  set_str(L, "click_secret_key", c->click_secret_key);
  set_str(L, "click_merchant_user_id", c->click_merchant_user_id);
  set_str(L, "shop_tz", c->shop_tz);
  lua_pushinteger(L, c->reservation_ttl);
  lua_setfield(L, -2, "reservation_ttl");
  if (c->report_hour >= 0) lua_pushinteger(L, c->report_hour);
  else lua_pushboolean(L, 0);  /* off: no daily summary */
  lua_setfield(L, -2, "report_hour");
  set_str(L, "gnuplot", c->gnuplot);
  lua_pushinteger(L, c->pg_pool_size);
  lua_setfield(L, -2, "pg_pool_size");
  lua_pushinteger(L, c->tg_global_rate);
  lua_setfield(L, -2, "tg_global_rate");
  if (c->migrations_dir) set_str(L, "migrations_dir", c->migrations_dir);
  else {
    lua_pushfstring(L, "%s/migrations", e->root);
    lua_setfield(L, -2, "migrations_dir");
  }
  if (c->media_dir) set_str(L, "media_dir", c->media_dir);
  else {
    lua_pushfstring(L, "%s/media", e->root);
    lua_setfield(L, -2, "media_dir");
  }
  return 1;
}
