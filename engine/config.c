/*
** config.c — the environment is the configuration (DESIGN.md section 2).
** Every check here produces one line that names the variable, because that
** line is all an operator sees when start-up stops.
*/
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

typedef struct var_doc {
  const char *name, *meaning, *deflt;
} var_doc;

static const var_doc docs[] = {
    {"BOT_TOKEN", "Telegram bot token", "required for serve"},
    {"TELEGRAM_API_URL", "Bot API base URL (a local Bot API server, the emulator)", "https://api.telegram.org"},
    {"DATABASE_URL", "libpq connection string or URI", "required"},
    {"REDIS_URL", "redis://host:port/db or unix:///path", "required"},
    {"HTTP_LISTEN", "address:port of the HTTP server", "127.0.0.1:8080"},
    {"WEBHOOK_URL", "public URL of POST /telegram/webhook; unset = long polling", "unset"},
    {"WEBHOOK_SECRET", "secret_token checked on every webhook call", "required with WEBHOOK_URL"},
    {"FLORIST_CHAT_ID", "florists' channel", "required for serve"},
    {"COURIER_CHAT_ID", "couriers' group", "required for serve"},
    {"SHOP_CHANNEL_ID", "the shop's public channel", "required for serve"},
    {"OWNER_CHAT_ID", "owner's chat for reports", "required for serve"},
    {"OWNER_TG_IDS", "comma list of Telegram user ids that are owners", "required for serve"},
    {"PAYME_MERCHANT_ID, PAYME_KEY, PAYME_CHECKOUT_URL", "Payme", "payments off when unset"},
    {"CLICK_SERVICE_ID, CLICK_MERCHANT_ID, CLICK_SECRET_KEY, CLICK_MERCHANT_USER_ID", "Click", "payments off when unset"},
    {"SHOP_TZ", "shop time zone", "Asia/Tashkent"},
    {"RESERVATION_TTL", "seconds a cart holds stock", "900"},
    {"LOG_LEVEL", "debug, info, warn or error", "info"},
    {"PG_POOL_SIZE", "PostgreSQL connections per engine process", "8"},
    {"GULDASTA_WATCH", "0 = reload on SIGHUP only, not on file change", "1"},
    {"GULDASTA_ROOT", "project root holding scripts/, rules/, templates/, migrations/", "current directory"},
};

void config_print_help(void) {
  printf("Environment (an optional .env file in the project root is read first; the real environment wins):\n");
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
    printf("  %-22s %s [%s]\n", docs[i].name, docs[i].meaning, docs[i].deflt);
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

static int valid_name(const char *s) {
  if (!*s || isdigit((unsigned char)*s)) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_') return 0;
  return 1;
}

/* KEY=VALUE lines; `export ` prefix, # comments and matching quotes are
** accepted because people copy .env files between tools that use them. */
int config_load_dotenv(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[8192];
  int lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    char *s = trim(line);
    if (*s == '\0' || *s == '#') continue;
    if (strncmp(s, "export ", 7) == 0) s = trim(s + 7);
    char *eq = strchr(s, '=');
    if (!eq) {
      snprintf(err, errlen, "%s:%d: expected KEY=VALUE", path, lineno);
      fclose(f);
      return -1;
    }
    *eq = '\0';
    char *key = trim(s), *val = trim(eq + 1);
    if (!valid_name(key)) {
      snprintf(err, errlen, "%s:%d: invalid variable name '%s'", path, lineno, key);
      fclose(f);
      return -1;
    }
    size_t vl = strlen(val);
    if (vl >= 2 && (val[0] == '"' || val[0] == '\'') && val[vl - 1] == val[0]) {
      val[vl - 1] = '\0';
      val++;
    }
    setenv(key, val, 0);
  }
  fclose(f);
  return 0;
}

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int parse_int(const char *s, long long lo, long long hi, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

/* A chat id is a number (negative for groups and channels) or @username. */
static int valid_chat_id(const char *s) {
  long long v;
  if (s[0] == '@') return strlen(s) > 1;
  return parse_int(s, -9223372036854775807LL, 9223372036854775807LL, &v) == 0;
}

static int has_scheme(const char *s, const char *a, const char *b) {
  return strncmp(s, a, strlen(a)) == 0 || (b && strncmp(s, b, strlen(b)) == 0);
}

static int parse_listen(config_t *cfg, const char *s, char *err, size_t errlen) {
  static char host[256];
  const char *colon = strrchr(s, ':');
  long long port;
  if (!colon || colon == s || (size_t)(colon - s) >= sizeof host ||
      parse_int(colon + 1, 0, 65535, &port) != 0)
    FAIL("HTTP_LISTEN: expected address:port, got '%s'", s);
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = '\0';
  cfg->http_host = host;
  cfg->http_port = (int)port;
  return 0;
}

static int parse_owners(config_t *cfg, const char *s, char *err, size_t errlen) {
  char tmp[4096];
  if (strlen(s) >= sizeof tmp) FAIL("OWNER_TG_IDS: too long");
  strcpy(tmp, s);
  cfg->owner_count = 0;
  for (char *save = NULL, *tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    long long id;
    char *t = trim(tok);
    if (parse_int(t, 1, 9223372036854775807LL, &id) != 0)
      FAIL("OWNER_TG_IDS: '%s' is not a Telegram user id (expected a comma list of positive integers)", t);
    if (cfg->owner_count >= CONFIG_MAX_OWNERS) FAIL("OWNER_TG_IDS: more than %d ids", CONFIG_MAX_OWNERS);
    cfg->owner_tg_ids[cfg->owner_count++] = id;
  }
  if (cfg->owner_count == 0) FAIL("OWNER_TG_IDS: no ids given");
  return 0;
}

static int valid_secret(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 256) return 0;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') return 0;
  return 1;
}

static int need_all(const char *group, const char **names, int n, char *err, size_t errlen) {
  int set = 0;
  for (int i = 0; i < n; i++) set += env(names[i]) != NULL;
  if (set == 0 || set == n) return 0;
  for (int i = 0; i < n; i++)
    if (!env(names[i])) FAIL("%s: required because other %s variables are set", names[i], group);
  return 0;
}

int config_from_env(config_t *cfg, int needs, char *err, size_t errlen) {
  memset(cfg, 0, sizeof *cfg);
  const char *v;
  long long n;

  cfg->telegram_api_url = env("TELEGRAM_API_URL") ? env("TELEGRAM_API_URL") : "https://api.telegram.org";
  if (!has_scheme(cfg->telegram_api_url, "http://", "https://"))
    FAIL("TELEGRAM_API_URL: expected an http:// or https:// URL, got '%s'", cfg->telegram_api_url);

  cfg->database_url = env("DATABASE_URL");
  if (cfg->database_url) {
    if (!has_scheme(cfg->database_url, "postgres://", "postgresql://") && !strchr(cfg->database_url, '='))
      FAIL("DATABASE_URL: expected postgresql://... or key=value connection string");
  } else if (needs & CONFIG_NEED_DB) {
    FAIL("DATABASE_URL: required (e.g. postgresql://user@127.0.0.1:5432/guldasta)");
  }

  cfg->redis_url = env("REDIS_URL");
  if (cfg->redis_url) {
    if (!has_scheme(cfg->redis_url, "redis://", "unix://"))
      FAIL("REDIS_URL: expected redis://host:port/db or unix:///path, got '%s'", cfg->redis_url);
  } else if (needs & CONFIG_NEED_REDIS) {
    FAIL("REDIS_URL: required (e.g. redis://127.0.0.1:6379/0)");
  }

  if (parse_listen(cfg, env("HTTP_LISTEN") ? env("HTTP_LISTEN") : "127.0.0.1:8080", err, errlen)) return -1;

  cfg->bot_token = env("BOT_TOKEN");
  if (!cfg->bot_token && (needs & CONFIG_NEED_BOT)) FAIL("BOT_TOKEN: required (the token @BotFather gave)");

  cfg->webhook_url = env("WEBHOOK_URL");
  cfg->webhook_secret = env("WEBHOOK_SECRET");
  if (cfg->webhook_url) {
    if (!has_scheme(cfg->webhook_url, "https://", "http://"))
      FAIL("WEBHOOK_URL: expected an https:// URL, got '%s'", cfg->webhook_url);
    if (!cfg->webhook_secret) FAIL("WEBHOOK_SECRET: required when WEBHOOK_URL is set");
  }
  if (cfg->webhook_secret && !valid_secret(cfg->webhook_secret))
    FAIL("WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)");

  struct { const char *name; const char **slot; } chats[] = {
      {"FLORIST_CHAT_ID", &cfg->florist_chat_id},
      {"COURIER_CHAT_ID", &cfg->courier_chat_id},
      {"SHOP_CHANNEL_ID", &cfg->shop_channel_id},
      {"OWNER_CHAT_ID", &cfg->owner_chat_id},
  };
  for (size_t i = 0; i < sizeof chats / sizeof chats[0]; i++) {
    v = env(chats[i].name);
    if (!v && (needs & CONFIG_NEED_BOT)) FAIL("%s: required (a chat id like -1001234567890 or @name)", chats[i].name);
    if (v && !valid_chat_id(v)) FAIL("%s: '%s' is not a chat id (a number or @name)", chats[i].name, v);
    *chats[i].slot = v;
  }

  if ((v = env("OWNER_TG_IDS"))) {
    if (parse_owners(cfg, v, err, errlen)) return -1;
  } else if (needs & CONFIG_NEED_BOT) {
    FAIL("OWNER_TG_IDS: required (comma list of the owners' Telegram user ids)");
  }

  static const char *payme[] = {"PAYME_MERCHANT_ID", "PAYME_KEY"};
  static const char *click[] = {"CLICK_SERVICE_ID", "CLICK_MERCHANT_ID", "CLICK_SECRET_KEY"};
  if (need_all("PAYME", payme, 2, err, errlen)) return -1;
  if (need_all("CLICK", click, 3, err, errlen)) return -1;
  cfg->payme_merchant_id = env("PAYME_MERCHANT_ID");
  cfg->payme_key = env("PAYME_KEY");
  cfg->payme_checkout_url = env("PAYME_CHECKOUT_URL") ? env("PAYME_CHECKOUT_URL") : "https://checkout.paycom.uz";
  cfg->click_service_id = env("CLICK_SERVICE_ID");
  cfg->click_merchant_id = env("CLICK_MERCHANT_ID");
  cfg->click_secret_key = env("CLICK_SECRET_KEY");
  cfg->click_merchant_user_id = env("CLICK_MERCHANT_USER_ID");

  cfg->shop_tz = env("SHOP_TZ") ? env("SHOP_TZ") : "Asia/Tashkent";
  if (strchr(cfg->shop_tz, '.') || cfg->shop_tz[0] == '/')
    FAIL("SHOP_TZ: expected a zone name like Asia/Tashkent, got '%s'", cfg->shop_tz);

  cfg->reservation_ttl = 900;
  if ((v = env("RESERVATION_TTL"))) {
    if (parse_int(v, 10, 86400, &n)) FAIL("RESERVATION_TTL: expected seconds between 10 and 86400, got '%s'", v);
    cfg->reservation_ttl = (int)n;
  }

  cfg->log_level = LOG_INFO;
  if ((v = env("LOG_LEVEL"))) {
    int l = log_level_from_name(v);
    if (l < 0) FAIL("LOG_LEVEL: expected debug, info, warn or error, got '%s'", v);
    cfg->log_level = l;
  }

  cfg->pg_pool_size = 8;
  if ((v = env("PG_POOL_SIZE"))) {
    if (parse_int(v, 1, 100, &n)) FAIL("PG_POOL_SIZE: expected 1..100, got '%s'", v);
    cfg->pg_pool_size = (int)n;
  }
  cfg->bench_routes = (v = env("GULDASTA_BENCH_ROUTES")) && strcmp(v, "0") != 0;
  cfg->watch_files = !((v = env("GULDASTA_WATCH")) && strcmp(v, "0") == 0);
  return 0;
}
