#ifndef SAMENLOOP_COMMON_OPENSSL_HANDLES_H_
#define SAMENLOOP_COMMON_OPENSSL_HANDLES_H_

// Owning handles for the OpenSSL objects the certificate and CRL code
// reads, so each is freed exactly once on every path.

#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/string_view.h"

namespace samenloop::openssl {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct X509CrlFree {
  void operator()(X509_CRL* crl) const { X509_CRL_free(crl); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct GeneralNamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

using Cert = std::unique_ptr<X509, X509Free>;
using Crl = std::unique_ptr<X509_CRL, X509CrlFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, GeneralNamesFree>;

// A read-only memory BIO over `data` (which must outlive it); null on failure.
inline Bio MemoryBio(absl::string_view data) {
  return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace samenloop::openssl

#endif  // SAMENLOOP_COMMON_OPENSSL_HANDLES_H_
