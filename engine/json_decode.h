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

/* (lua_json.c) s is a JSON object whose member key is an array: pushes a
** table of its elements' texts and returns 1; otherwise pushes nil and a
** message and returns 2. json.items, and http.request's json_items. */
int json_push_items(lua_State *L, const char *s, size_t len, const char *key, size_t klen);

#endif
