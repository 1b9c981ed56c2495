/*
** config.h — configuration from the environment (and an optional .env file
** read first; the real environment wins). Pure C, no Lua: unit-tested alone.
*/
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_OWNERS 64

typedef struct config {
  const char *bot_token;
  const char *telegram_api_url;
  const char *database_url;
  const char *redis_url;
  const char *http_host;       /* from HTTP_LISTEN */
  int http_port;
  const char *webhook_url;
  const char *webhook_secret;
  const char *florist_chat_id, *courier_chat_id, *shop_channel_id, *owner_chat_id;
  int64_t owner_tg_ids[CONFIG_MAX_OWNERS];
  int owner_count;
  const char *payme_merchant_id, *payme_key, *payme_checkout_url;
  const char *click_service_id, *click_merchant_id, *click_secret_key, *click_merchant_user_id;
  const char *shop_tz;
  int reservation_ttl;
  int report_hour;             /* REPORT_HOUR: hour of the owner's daily summary, shop time, default 21; -1: off */
  const char *gnuplot;         /* GNUPLOT: the program /report's chart is drawn with, default "gnuplot" */
  int log_level;               /* 0 debug, 1 info, 2 warn, 3 error */
  int pg_pool_size;            /* PG_POOL_SIZE, default 8 */
  const char *ssl_cert_file;   /* SSL_CERT_FILE: the CA bundle HTTPS trusts; NULL = the system's */
  const char *media_dir;       /* MEDIA_DIR: product photos by media key; NULL = <root>/media */
  int watch_files;             /* GULDASTA_WATCH=0 turns file-change reload off (SIGHUP only) */
  int tg_global_rate;          /* TG_GLOBAL_RATE: messages/s the bot allows itself overall, default 30 */
  const char *migrations_dir;  /* MIGRATIONS_DIR: NULL = <root>/migrations */
  const char *lua_profile;     /* GULDASTA_LUA_PROFILE: sampled Lua stacks to this file ("%p": pid) */
  int lua_profile_alloc;       /* GULDASTA_LUA_PROFILE_ALLOC=1: sample by bytes allocated */
} config_t;

/* What a command needs: required variables differ by sub-command. */
enum {
  CONFIG_NEED_DB = 1,          /* DATABASE_URL */
  CONFIG_NEED_REDIS = 2,       /* REDIS_URL */
  CONFIG_NEED_BOT = 4,         /* BOT_TOKEN, chat ids, OWNER_TG_IDS */
};

/* Reads .env at path (if it exists) into the environment without overriding
** variables already set. 0 on success or absent file; -1 with err filled on a
** malformed line. */
int config_load_dotenv(const char *path, char *err, size_t errlen);

/* Fills cfg from the environment. Returns 0, or -1 with err = one line naming
** the variable that is missing or malformed. */
int config_from_env(config_t *cfg, int needs, char *err, size_t errlen);

/* Prints the variables table for --help. */
void config_print_help(void);

#endif
