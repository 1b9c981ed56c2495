/*
** tls_ca.h — the certificate store every HTTPS connection of the process
** verifies against, parsed once.
**
** Left to itself libcurl (7.88 with OpenSSL 3) builds a store for each new
** TLS connection from the system's CA bundle and directory: ~140 PEM
** certificates decoded, tens of milliseconds of CPU on the event loop, while
** every other request waits. Here the bundle is read once (before `serve`
** starts serving, or at the first HTTPS connection of other commands) and
** each new connection takes a reference to the same X509_STORE (curl.c's
** SSL_CTX callback). A reload reads the file again only if it changed, in
** the thread pool, and swaps the store in when it is ready; connections
** opened meanwhile keep using the old one.
**
** The bundle is SSL_CERT_FILE (config.c), else OpenSSL's default file (the
** system bundle). Loads are counted in guldasta_tls_ca_loads_total.
*/
#ifndef ENG_TLS_CA_H
#define ENG_TLS_CA_H

#include <openssl/x509_vfy.h>
#include <uv.h>

/* The file to read; NULL = OpenSSL's default (the system bundle). Before
** the first tls_ca_store. */
void tls_ca_configure(const char *file);
/* The shared store, read now if it never was (that read blocks); NULL when
** the file could not be read (logged once per failed read). Borrowed: an
** SSL_CTX that keeps it takes its own reference. */
X509_STORE *tls_ca_store(void);
/* Reads the file again, off the loop, if its size, mtime or inode changed
** since it was read. */
void tls_ca_refresh(uv_loop_t *loop);
/* The file in use (for logs and errors). */
const char *tls_ca_file(void);

#endif
