/*
** test_config.c — configuration parsing: defaults, every required variable
** named when missing, malformed values refused with a line naming them, and
** .env read first without overriding the real environment.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "check.h"


static const char *all_vars[] = {
    "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "REDIS_URL", "HTTP_LISTEN", "WEBHOOK_URL",
    "WEBHOOK_SECRET", "FLORIST_CHAT_ID", "COURIER_CHAT_ID", "SHOP_CHANNEL_ID", "OWNER_CHAT_ID",
    "OWNER_TG_IDS", "PAYME_MERCHANT_ID", "PAYME_KEY", "PAYME_CHECKOUT_URL", "CLICK_SERVICE_ID",
    "CLICK_MERCHANT_ID", "CLICK_SECRET_KEY", "CLICK_MERCHANT_USER_ID", "SHOP_TZ",
    "RESERVATION_TTL", "LOG_LEVEL", "PG_POOL_SIZE", "REPORT_HOUR", "DOTENV_ONLY", NULL};

static void clear_env(void) {
  for (int i = 0; all_vars[i]; i++) unsetenv(all_vars[i]);
}

static void set_serve_env(void) {
  clear_env();
  setenv("BOT_TOKEN", "123:abc", 1);
  setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5432/db", 1);
  setenv("REDIS_URL", "redis://127.0.0.1:6379/0", 1);
  setenv("FLORIST_CHAT_ID", "-1001", 1);
  setenv("COURIER_CHAT_ID", "-1002", 1);
  setenv("SHOP_CHANNEL_ID", "@guldasta_shop", 1);
  setenv("OWNER_CHAT_ID", "42", 1);
  setenv("OWNER_TG_IDS", "42, 43", 1);
}

#define ALL (CONFIG_NEED_DB | CONFIG_NEED_REDIS | CONFIG_NEED_BOT)

static void expect_error(const char *var, const char *value, const char *want_prefix) {
  config_t c;
  char err[512] = "";
  set_serve_env();
  if (value) setenv(var, value, 1); else unsetenv(var);
  int rc = config_from_env(&c, ALL, err, sizeof err);
  CHECK(rc == -1);
  if (strncmp(err, want_prefix, strlen(want_prefix)) != 0) {
    failures++;
    fprintf(stderr, "for %s=%s: error '%s' does not start with '%s'\n", var, value ? value : "(unset)", err, want_prefix);
  }
}

static void test_defaults(void) {
  config_t c;
  char err[512];
  set_serve_env();
  CHECK(config_from_env(&c, ALL, err, sizeof err) == 0);
  CHECK(strcmp(c.telegram_api_url, "https://api.telegram.org") == 0);
  CHECK(strcmp(c.http_host, "127.0.0.1") == 0 && c.http_port == 8080);
  CHECK(strcmp(c.shop_tz, "Asia/Tashkent") == 0);
  CHECK(c.reservation_ttl == 900);
  CHECK(c.log_level == 1);
  CHECK(c.owner_count == 2 && c.owner_tg_ids[0] == 42 && c.owner_tg_ids[1] == 43);
  CHECK(c.webhook_url == NULL && c.payme_key == NULL);
  CHECK(c.report_hour == 21);
}

static void test_report_hour(void) {
  config_t c;
  char err[512];
  set_serve_env();
  setenv("REPORT_HOUR", "0", 1);
  CHECK(config_from_env(&c, ALL, err, sizeof err) == 0 && c.report_hour == 0);
  setenv("REPORT_HOUR", "off", 1);
  CHECK(config_from_env(&c, ALL, err, sizeof err) == 0 && c.report_hour == -1);
  unsetenv("REPORT_HOUR");
  expect_error("REPORT_HOUR", "24", "REPORT_HOUR:");
  expect_error("REPORT_HOUR", "Off", "REPORT_HOUR:");
}

static void test_required_by_command(void) {
  config_t c;
  char err[512];
  clear_env();
  CHECK(config_from_env(&c, 0, err, sizeof err) == 0);           /* check needs nothing */
  CHECK(config_from_env(&c, CONFIG_NEED_DB, err, sizeof err) == -1);
  CHECK(strncmp(err, "DATABASE_URL:", 13) == 0);
  const char *required[] = {"BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "FLORIST_CHAT_ID",
                            "COURIER_CHAT_ID", "SHOP_CHANNEL_ID", "OWNER_CHAT_ID", "OWNER_TG_IDS", NULL};
  for (int i = 0; required[i]; i++) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:", required[i]);
    expect_error(required[i], NULL, prefix);
  }
}

static void test_malformed(void) {
  expect_error("HTTP_LISTEN", "8080", "HTTP_LISTEN:");
  expect_error("HTTP_LISTEN", "127.0.0.1:99999", "HTTP_LISTEN:");
  expect_error("REDIS_URL", "127.0.0.1:6379", "REDIS_URL:");
  expect_error("DATABASE_URL", "mysql://x", "DATABASE_URL:");
  expect_error("OWNER_TG_IDS", "42,abc", "OWNER_TG_IDS:");
  expect_error("OWNER_TG_IDS", "-5", "OWNER_TG_IDS:");
  expect_error("FLORIST_CHAT_ID", "florists", "FLORIST_CHAT_ID:");
  expect_error("RESERVATION_TTL", "15m", "RESERVATION_TTL:");
  expect_error("LOG_LEVEL", "loud", "LOG_LEVEL:");
  expect_error("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL:");
  expect_error("WEBHOOK_URL", "https://shop.example/telegram/webhook", "WEBHOOK_SECRET:");
  expect_error("PAYME_MERCHANT_ID", "abc", "PAYME_KEY:");
  expect_error("PG_POOL_SIZE", "0", "PG_POOL_SIZE:");
}

static void test_dotenv(void) {
  char path[] = "/tmp/guldasta-dotenv-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  const char *text = "# comment\n\nexport DOTENV_ONLY=\"from file\"\nBOT_TOKEN='file-token'\n";
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
  close(fd);
  set_serve_env();  /* BOT_TOKEN already set: the real environment wins */
  char err[256];
  CHECK(config_load_dotenv(path, err, sizeof err) == 0);
  CHECK(strcmp(getenv("DOTENV_ONLY"), "from file") == 0);
  CHECK(strcmp(getenv("BOT_TOKEN"), "123:abc") == 0);

  FILE *f = fopen(path, "w");
  fputs("GOOD=1\nthis line is wrong\n", f);
  fclose(f);
  CHECK(config_load_dotenv(path, err, sizeof err) == -1);
  CHECK(strstr(err, ":2: expected KEY=VALUE") != NULL);
  CHECK(config_load_dotenv("/nonexistent/.env", err, sizeof err) == 0);
  unlink(path);
}

int main(void) {
  test_defaults();
  test_required_by_command();
  test_malformed();
  test_report_hour();
  test_dotenv();
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else printf("test_config: ok\n");
  return failures ? 1 : 0;
}
