/* libssl.so.1.1 for the .NET Core 3.1 runtime of PyPI's dotnetcore2 on a system with OpenSSL 3
   only (Debian 12). The runtime's crypto shim (System.Security.Cryptography.Native.OpenSsl.so,
   loaded by NetworkInterface.GetAllNetworkInterfaces) dlopens libssl.so.1.1 and aborts the
   process when that or one of its required symbols is missing. This library needs libssl.so.3
   and libcrypto.so.3, so dlsym on it finds their symbols, and adds the three 1.1 names OpenSSL 3
   no longer exports. Prototypes are written out here: no OpenSSL headers (libssl-dev) needed.
   Built by tests/csharp/conftest.py; nothing in the C# tests uses cryptography. */
#include <stddef.h>

typedef struct evp_md_st EVP_MD;
typedef struct ssl_st SSL;
typedef struct x509_st X509;

void ERR_new(void);
void ERR_set_debug(const char *file, int line, const char *func);
void ERR_set_error(int lib, int reason, const char *fmt, ...);
int EVP_MD_get_size(const EVP_MD *md);
X509 *SSL_get1_peer_certificate(const SSL *ssl);

/* 1.1's ERR_put_error is ERR_new + ERR_set_debug + ERR_set_error in 3.0 (its ERR_raise). */
void ERR_put_error(int lib, int func, int reason, const char *file, int line)
{
    (void)func;
    ERR_new();
    ERR_set_debug(file, line, NULL);
    ERR_set_error(lib, reason, NULL);
}

int EVP_MD_size(const EVP_MD *md)
{
    return EVP_MD_get_size(md);
}

/* Both return the certificate with its reference count raised. */
X509 *SSL_get_peer_certificate(const SSL *ssl)
{
    return SSL_get1_peer_certificate(ssl);
}
