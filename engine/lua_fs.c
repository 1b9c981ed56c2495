/*
** lua_fs.c — the `fs` module: whole-file reads and atomic writes, directory
** listings and stat, on libuv's thread pool (io/fs.c). Each call yields the
** calling task until the disk answers, so a slow disk delays one task, never
** the loop.
**
**   fs.read(path)          -> string                 | nil, err, code
**   fs.write(path, data)   -> true                   | nil, err, code
**   fs.list(dir)           -> { "a", "b", ... }      | nil, err, code
**   fs.stat(path)          -> { size=, mtime=, type=, mode= } | nil, err, code
**   fs.mkdir(path)         -> true                   | nil, err, code
**   fs.remove(path)        -> true                   | nil, err, code
**
** code is libuv's error name in lower case: "enoent", "eacces", "eisdir"...
*/
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "bindings.h"
#include "eng.h"
#include "io/fs.h"
#include "scheduler.h"

static void on_done(fs_op_t *op) { sched_wake((sched_task *)op->data_ud); }

/* Runs when the task resumes: the op is finished, turn it into Lua values. */
static int k_fs(lua_State *L, int status, lua_KContext ctx) {
  fs_op_t *op = (fs_op_t *)ctx;
  int n = 1;
  (void)status;
  if (op->status < 0) {
    n = eng_push_uv_fail(L, op->err, op->status);
  } else {
    switch (op->kind) {
    case FS_READ:
      lua_pushlstring(L, op->data, op->len);
      break;
    case FS_LIST:
      lua_createtable(L, (int)op->count, 0);
      for (size_t i = 0; i < op->count; i++) {
        lua_pushstring(L, op->names[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
      }
      break;
    case FS_STAT:
      lua_createtable(L, 0, 4);
      lua_pushinteger(L, (lua_Integer)op->st.size);
      lua_setfield(L, -2, "size");
      lua_pushnumber(L, op->st.mtime);
      lua_setfield(L, -2, "mtime");
      lua_pushstring(L, op->st.type);
      lua_setfield(L, -2, "type");
      lua_pushinteger(L, op->st.mode);
      lua_setfield(L, -2, "mode");
      break;
    default:
      lua_pushboolean(L, 1);
      break;
    }
  }
  fs_op_cleanup(op);
  free(op);
  return n;
}

/* The one skeleton of every fs function: check the arguments and that we may
** yield, start the op, yield. A path with a NUL byte in it would silently
** name another file in C, so it is refused. The data of fs.write stays alive
** on the suspended task's stack until the continuation runs. */
static int fs_call(lua_State *L, int kind) {
  size_t plen, dlen = 0;
  const char *path = luaL_checklstring(L, 1, &plen);
  const char *data = kind == FS_WRITE ? luaL_checklstring(L, 2, &dlen) : NULL;
  if (strlen(path) != plen || plen == 0) return eng_push_uv_fail(L, "invalid path", UV_EINVAL);
  sched_task *t = sched_current(L);
  fs_op_t *op = malloc(sizeof *op);
  if (!op) return luaL_error(L, "out of memory");
  op->data_ud = t;
  uv_loop_t *loop = eng_of(L)->loop;
  int rc;
  switch (kind) {
  case FS_READ: rc = fs_read(loop, op, path, on_done); break;
  case FS_WRITE: rc = fs_write(loop, op, path, data, dlen, on_done); break;
  case FS_LIST: rc = fs_list(loop, op, path, on_done); break;
  case FS_STAT: rc = fs_stat(loop, op, path, on_done); break;
  case FS_MKDIR: rc = fs_mkdir(loop, op, path, on_done); break;
  default: rc = fs_remove(loop, op, path, on_done); break;
  }
  if (rc < 0) {
    free(op);
    lua_pushfstring(L, "%s: %s", path, uv_strerror(rc));
    return eng_push_uv_fail(L, lua_tostring(L, -1), rc);
  }
  return sched_wait(L, t, (lua_KContext)op, k_fs);
}

static int l_read(lua_State *L) { return fs_call(L, FS_READ); }
static int l_write(lua_State *L) { return fs_call(L, FS_WRITE); }
static int l_list(lua_State *L) { return fs_call(L, FS_LIST); }
static int l_stat(lua_State *L) { return fs_call(L, FS_STAT); }
static int l_mkdir(lua_State *L) { return fs_call(L, FS_MKDIR); }
static int l_remove(lua_State *L) { return fs_call(L, FS_REMOVE); }

int eng_open_fs(lua_State *L) {
  static const luaL_Reg fns[] = {
    {"read", l_read}, {"write", l_write}, {"list", l_list}, {"stat", l_stat},
    {"mkdir", l_mkdir}, {"remove", l_remove}, {NULL, NULL}
  };
  luaL_newlib(L, fns);
  return 1;
}
