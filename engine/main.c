/*
** main.c — the `guldasta` command: configuration, the loop, and the
** sub-commands of DESIGN.md section 2.
*/
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "bindings.h"
#include "eng.h"
#include "gen.h"
#include "io/tls_ca.h"
#include "log.h"
#include "reload.h"
#include "scheduler.h"

static eng_t *the_engine;
eng_t *eng_instance(void) { return the_engine; }
void eng_set_instance(eng_t *e) { the_engine = e; }

static void usage(FILE *out) {
  fprintf(out,
          "usage: guldasta <command> [args]\n\n"
          "Commands:\n"
          "  serve              run the bot, the HTTP server and timers\n"
          "  migrate            apply migrations/*.sql not yet applied, each in a transaction\n"
          "  seed               load the demo catalog (idempotent)\n"
          "  check              compile and self-test scripts, rules and templates\n"
          "  run FILE [ARGS]    run a Lua file with all bindings (admin tasks, the spec runner)\n"
          "  demo               all local: private PostgreSQL and Redis, migrate, serve\n"
          "  payments export --from DATE --to DATE [FILE]\n"
          "                     payments and refunds of a period as CSV (standard output without FILE)\n"
          "  stock export [FILE]           the stock as CSV (standard output without FILE)\n"
          "  stock import FILE [--apply]   a stock count from CSV: a dry run, or all of it at once\n"
          "  catalog export [FILE]         the products as CSV (standard output without FILE)\n"
          "  catalog import FILE [--apply] products added and changed from CSV: a dry run, or all at once\n"
          "  --help             this text\n\n");
  if (out == stdout) config_print_help();
}

static struct {
  uv_signal_t sigint, sigterm;
  uv_timer_t deadline;
  int serving;
} M;

static void on_deadline(uv_timer_t *t) {
  log_write(LOG_WARN, "shutdown deadline passed, stopping the loop", NULL);
  uv_stop(t->loop);
}

/* Stops accepting work, retires the generation (its timers stop), closes the
** shared clients; units still in flight finish or fail with "closed". An
** unref'd deadline stops the loop if something refuses to end. */
static void shutdown_engine(eng_t *e) {
  if (e->stopping) return;
  e->stopping = 1;
  reload_watch_stop();
  if (eng_close_http) eng_close_http(e);
  gen_shutdown();
  if (eng_close_pg) eng_close_pg(e);
  if (eng_close_redis) eng_close_redis(e);
  if (M.serving) {
    uv_signal_stop(&M.sigint);
    uv_signal_stop(&M.sigterm);
    uv_close((uv_handle_t *)&M.sigint, NULL);
    uv_close((uv_handle_t *)&M.sigterm, NULL);
  }
  /* The scheduler stays up: units failed with "closed" above still need to
  ** be resumed to finish. Its handles close after the loop ends. */
  uv_timer_init(e->loop, &M.deadline);
  uv_update_time(e->loop);  /* after a long CPU-bound unit the cached clock is stale */
  uv_timer_start(&M.deadline, on_deadline, 5000, 0);
  uv_unref((uv_handle_t *)&M.deadline);
}

static void on_stop_signal(uv_signal_t *s, int signum) {
  log_write(LOG_INFO, signum == SIGINT ? "SIGINT: stopping" : "SIGTERM: stopping", NULL);
  shutdown_engine(s->data);
}

static int init_engine(eng_t *e, int needs) {
  char err[512];
  const char *root = getenv("GULDASTA_ROOT");
  char cwd[PATH_MAX];
  if (!root || !*root) root = getcwd(cwd, sizeof cwd);
  if (!root || !realpath(root, e->root)) {
    fprintf(stderr, "guldasta: GULDASTA_ROOT: cannot resolve '%s'\n", root ? root : "");
    return -1;
  }
  char dotenv[PATH_MAX + 8];
  snprintf(dotenv, sizeof dotenv, "%s/.env", e->root);
  if (config_load_dotenv(dotenv, err, sizeof err) != 0 ||
      config_from_env(&e->cfg, needs, err, sizeof err) != 0) {
    fprintf(stderr, "guldasta: %s\n", err);
    return -1;
  }
  log_set_level(e->cfg.log_level);
  tls_ca_configure(e->cfg.ssl_cert_file);
  /* The shop's local time is the process's local time: os.date, timer.at and
  ** slot rules all speak Asia/Tashkent without converting. */
  setenv("TZ", e->cfg.shop_tz, 1);
  tzset();
  signal(SIGPIPE, SIG_IGN);
  e->loop = uv_default_loop();
  eng_set_instance(e);
  sched_init(e);
  return 0;
}

static int load_first_generation(eng_t *e, const char *entry) {
  char err[2048];
  snprintf(e->entry, sizeof e->entry, "%s", entry ? entry : "");
  gen_t *g = gen_load_from_disk(e, entry, err, sizeof err);
  if (!g) {
    fprintf(stderr, "guldasta: %s\n", err);
    return -1;
  }
  gen_activate(g);
  return 0;
}

static int cmd_serve(eng_t *e) {
  if (init_engine(e, CONFIG_NEED_DB | CONFIG_NEED_REDIS | CONFIG_NEED_BOT) != 0) return 2;
  if (load_first_generation(e, "scripts/main.lua") != 0) return 1;
  /* The CA bundle is parsed now, before any update is taken, not by the
  ** first Bot API call while others wait (io/tls_ca.h). */
  tls_ca_store();
  if (!eng_http_serve) {
    fprintf(stderr, "guldasta: this build has no HTTP server\n");
    return 1;
  }
  int rc = eng_http_serve(e, e->cfg.http_host, e->cfg.http_port);
  if (rc != 0) {
    fprintf(stderr, "guldasta: HTTP_LISTEN %s:%d: %s\n", e->cfg.http_host, e->cfg.http_port, uv_strerror(rc));
    return 1;
  }
  reload_watch_start(e);
  M.serving = 1;
  uv_signal_init(e->loop, &M.sigint);
  uv_signal_init(e->loop, &M.sigterm);
  M.sigint.data = M.sigterm.data = e;
  uv_signal_start(&M.sigint, on_stop_signal, SIGINT);
  uv_signal_start(&M.sigterm, on_stop_signal, SIGTERM);
  char port[16];
  snprintf(port, sizeof port, "%d", e->cfg.http_port);
  log_write(LOG_INFO, "serving", "host", e->cfg.http_host, "port", port, NULL);
  uv_run(e->loop, UV_RUN_DEFAULT);
  sched_close(e);
  uv_run(e->loop, UV_RUN_NOWAIT);
  return e->exit_code;
}

static void run_done(sched_task *t, int ok, int nres, void *ud) {
  (void)nres;
  eng_t *e = ud;
  (void)t;
  if (!ok && e->exit_code == 0) e->exit_code = 1;
  shutdown_engine(e);
}

/* `run FILE`: the file is the body of one unit of work; when it ends the
** engine shuts down and exits with engine.exit()'s code (1 if it raised). */
static int run_file(eng_t *e, const char *file, int argc, char **argv) {
  if (load_first_generation(e, NULL) != 0) return 1;
  gen_t *g = gen_current();
  lua_State *L = gen_state(g);
  if (luaL_loadfilex(L, file, "t") != LUA_OK) {
    fprintf(stderr, "guldasta: %s\n", lua_tostring(L, -1));
    return 1;
  }
  lua_createtable(L, argc, 1);  /* the conventional global `arg` */
  lua_pushstring(L, file);
  lua_rawseti(L, -2, 0);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setglobal(L, "arg");
  sched_task *t = sched_new(g, "run");
  lua_State *co = sched_thread(t);
  lua_xmove(L, co, 1);
  for (int i = 0; i < argc; i++) lua_pushstring(co, argv[i]);
  sched_on_done(t, run_done, e);
  sched_start(t, argc);
  uv_run(e->loop, UV_RUN_DEFAULT);
  sched_close(e);
  uv_run(e->loop, UV_RUN_NOWAIT);
  return e->exit_code;
}

static int cmd_run(eng_t *e, int argc, char **argv, const char *script, int needs) {
  if (init_engine(e, needs) != 0) return 2;
  char path[PATH_MAX + 64];
  if (script) {
    snprintf(path, sizeof path, "%s/%s", e->root, script);
  } else {
    if (argc < 1) {
      fprintf(stderr, "guldasta: run needs a FILE\n");
      return 2;
    }
    snprintf(path, sizeof path, "%s", argv[0]);
    argc--;
    argv++;
  }
  if (access(path, R_OK) != 0) {
    fprintf(stderr, "guldasta: %s: %s\n", path, strerror(errno));
    return 1;
  }
  return run_file(e, path, argc, argv);
}

static int cmd_check(eng_t *e) {
  if (init_engine(e, 0) != 0) return 2;
  char err[2048];
  gen_t *g = gen_load_from_disk(e, "scripts/main.lua", err, sizeof err);
  int rc = g ? gen_check_all(g, err, sizeof err) : -1;
  if (g) gen_release(g);  /* never activated: this closes it */
  if (rc != 0) {
    fprintf(stderr, "guldasta check: %s\n", err);
    return 1;
  }
  printf("guldasta check: ok (%s)\n", e->root);
  return 0;
}

/* The demo is orchestration of processes (private PostgreSQL and Redis,
** migrate, serve), which a shell script says most plainly. */
static int cmd_demo(const char *self) {
  const char *root = getenv("GULDASTA_ROOT");
  char cwd[PATH_MAX], script[PATH_MAX + 32], bindir[PATH_MAX];
  if (!root || !*root) root = getcwd(cwd, sizeof cwd);
  snprintf(script, sizeof script, "%s/tools/demo.sh", root ? root : ".");
  if (!realpath(self, bindir)) snprintf(bindir, sizeof bindir, "%s", self);
  char *slash = strrchr(bindir, '/');
  if (slash) *slash = '\0';
  execl("/bin/bash", "bash", script, bindir, (char *)NULL);
  fprintf(stderr, "guldasta demo: cannot run %s: %s\n", script, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  static eng_t engine;
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(cmd, "serve")) return cmd_serve(&engine);
  if (!strcmp(cmd, "migrate")) return cmd_run(&engine, 0, NULL, "scripts/cli/migrate.lua", CONFIG_NEED_DB);
  if (!strcmp(cmd, "seed"))
    return cmd_run(&engine, 0, NULL, "scripts/cli/seed.lua", CONFIG_NEED_DB | CONFIG_NEED_REDIS);
  if (!strcmp(cmd, "stock"))
    return cmd_run(&engine, argc - 2, argv + 2, "scripts/cli/stock.lua", CONFIG_NEED_DB | CONFIG_NEED_REDIS);
  if (!strcmp(cmd, "catalog"))
    return cmd_run(&engine, argc - 2, argv + 2, "scripts/cli/catalog.lua", CONFIG_NEED_DB | CONFIG_NEED_REDIS);
  if (!strcmp(cmd, "check")) return cmd_check(&engine);
  if (!strcmp(cmd, "run")) return cmd_run(&engine, argc - 2, argv + 2, NULL, 0);
  if (!strcmp(cmd, "demo")) return cmd_demo(argv[0]);
  if (!strcmp(cmd, "payments")) {
    if (argc < 3 || strcmp(argv[2], "export") != 0) {
      fprintf(stderr, "usage: guldasta payments export --from DATE --to DATE [FILE]\n");
      return 2;
    }
    return cmd_run(&engine, argc - 3, argv + 3, "scripts/cli/payments_export.lua", CONFIG_NEED_DB);
  }
  fprintf(stderr, "guldasta: unknown command '%s'\n\n", cmd);
  usage(stderr);
  return 2;
}
