/*
** json_decode.h — JSON text to Lua values (json_decode.c), and the scanner
** that finds where a value ends without building it (json.items).
*/
#ifndef GULDASTA_JSON_DECODE_H
#define GULDASTA_JSON_DECODE_H

#include <stddef.h>

#include <lua.h>

/* Pushes the value of the JSON text s (whole numbers as integers, null as
** the engine's null), leaving out every object member named omit (olen 0:
** none). Returns 0, or -1 with nothing pushed and a message in err. */
int json_decode_push(lua_State *L, const char *s, size_t len, const char *omit, size_t olen, char *err,
                     size_t errlen);

/* Each returns the position after what it skipped, or NULL on malformed
** text; json_ws skips whitespace, json_skip_string a string whose opening
** quote is at p, json_skip_value any value. */
const char *json_ws(const char *p, const char *e);
const char *json_skip_string(const char *p, const char *e);
const char *json_skip_value(const char *p, const char *e, int depth);

/* Elements json_push_items leaves out: objects whose member `key` is an
** integer below `below` (the poller's updates already seen, by update_id). */
typedef struct json_items_skip {
  const char *key;
  size_t klen;
  long long below;
} json_items_skip_t;

/* (lua_json.c) s is a JSON object whose member key is an array: pushes a
** table of its elements' texts (without those `skip` names; skip may be
** NULL) and returns 1; otherwise pushes nil and a message and returns 2.
** json.items, and http.request's json_items. */
int json_push_items(lua_State *L, const char *s, size_t len, const char *key, size_t klen,
                    const json_items_skip_t *skip);
/* (lua_json.c) Reads {key = "name", below = integer} at index idx into
** *skip (key pointing into the Lua string, valid while the table lives).
** Returns skip, or NULL when the value is not such a table. */
const json_items_skip_t *json_read_items_skip(lua_State *L, int idx, json_items_skip_t *skip);

#endif
