/*
** tls_ca.c — one certificate store per process. See tls_ca.h.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "io/tls_ca.h"
#include "log.h"
#include "metrics.h"

static struct {
  char *file;                 /* NULL: OpenSSL's default */
  X509_STORE *store;
  struct stat st;             /* the file as it was when read */
  int tried;                  /* a first read was attempted */
  int refreshing;
  uv_work_t work;
  X509_STORE *next;           /* the thread pool's result */
  struct stat next_st;
  char err[256];
} C;

void tls_ca_configure(const char *file) {
  free(C.file);
  C.file = file && *file ? strdup(file) : NULL;
}

const char *tls_ca_file(void) { return C.file ? C.file : X509_get_default_cert_file(); }

/* Any thread: nothing here touches the loop or the metrics. */
static X509_STORE *read_store(const char *file, struct stat *st, char *err, size_t errlen) {
  if (stat(file, st) != 0) {
    snprintf(err, errlen, "%s: %s", file, strerror(errno));
    return NULL;
  }
  X509_STORE *s = X509_STORE_new();
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  ERR_clear_error();
  if (!X509_STORE_load_file(s, file) || sk_X509_OBJECT_num(X509_STORE_get0_objects(s)) == 0) {
    unsigned long e = ERR_get_error();
    snprintf(err, errlen, "%s: %s", file, e ? ERR_reason_error_string(e) : "no certificates in it");
    X509_STORE_free(s);
    return NULL;
  }
  return s;
}

static void install(X509_STORE *s, const struct stat *st) {
  X509_STORE_free(C.store);            /* connections that hold it keep their reference */
  C.store = s;
  C.st = *st;
  metrics_counter_add("guldasta_tls_ca_loads_total", NULL, 1);
  metrics_gauge_set("guldasta_tls_ca_certificates", NULL,
                    (double)sk_X509_OBJECT_num(X509_STORE_get0_objects(s)));
  char n[32];
  snprintf(n, sizeof n, "%d", sk_X509_OBJECT_num(X509_STORE_get0_objects(s)));
  log_write(LOG_INFO, "TLS certificate store read", "file", tls_ca_file(), "certificates", n, NULL);
}

static void help(void) {
  static int done;
  if (done) return;
  done = 1;
  metrics_help("guldasta_tls_ca_loads_total", "counter",
               "Times the CA bundle (SSL_CERT_FILE) was read; once per process, again only when the file changed");
  metrics_help("guldasta_tls_ca_certificates", "gauge", "Certificates in the store HTTPS connections verify against");
}

X509_STORE *tls_ca_store(void) {
  if (!C.tried) {
    C.tried = 1;
    help();
    struct stat st;
    X509_STORE *s = read_store(tls_ca_file(), &st, C.err, sizeof C.err);
    if (s) install(s, &st);
    else log_write(LOG_ERROR, "TLS certificate store not read: HTTPS calls will fail", "error", C.err, NULL);
  }
  return C.store;
}

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void refresh_work(uv_work_t *w) {
  (void)w;
  C.next = read_store(tls_ca_file(), &C.next_st, C.err, sizeof C.err);
}

static void refresh_done(uv_work_t *w, int status) {
  (void)w;
  C.refreshing = 0;
  if (status == 0 && C.next) install(C.next, &C.next_st);
  else if (status == 0) log_write(LOG_ERROR, "TLS certificate store not read again, the old one stays", "error", C.err, NULL);
  C.next = NULL;
}

void tls_ca_refresh(uv_loop_t *loop) {
  if (!C.tried || C.refreshing) return;  /* never read: the first HTTPS connection reads it */
  struct stat st;
  if (C.store && stat(tls_ca_file(), &st) == 0 && same_file(&st, &C.st)) return;
  C.refreshing = 1;
  if (uv_queue_work(loop, &C.work, refresh_work, refresh_done) != 0) C.refreshing = 0;
}
