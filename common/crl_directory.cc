#include "common/crl_directory.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/tls_files.h"

namespace samenloop {
namespace {

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct CrlDeleter {
  void operator()(X509_CRL* crl) const { X509_CRL_free(crl); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using Cert = std::unique_ptr<X509, X509Deleter>;
using Crl = std::unique_ptr<X509_CRL, CrlDeleter>;

std::unique_ptr<BIO, BioDeleter> MemoryBio(absl::string_view data) {
  return std::unique_ptr<BIO, BioDeleter>(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::vector<Cert> ReadCertificates(absl::string_view pem) {
  std::vector<Cert> certs;
  auto bio = MemoryBio(pem);
  while (bio != nullptr) {
    Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) break;
    certs.push_back(std::move(cert));
  }
  return certs;
}

std::string SubjectOf(X509* cert) {
  char buffer[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buffer, sizeof buffer);
  return buffer;
}

// The name OpenSSL's hashed directory lookup opens first for CRLs issued by
// `ca` (what `openssl x509 -hash` prints, with ".r0").
std::string HashedCrlName(X509* ca) {
  char name[32];
  std::snprintf(name, sizeof name, "%08lx.r0", X509_NAME_hash_ex(X509_get_subject_name(ca), nullptr, nullptr, nullptr));
  return name;
}

absl::Status CheckCrlOf(const std::string& crl_dir, X509* ca) {
  const std::string path = absl::StrCat(crl_dir, "/", HashedCrlName(ca));
  auto problem = [&](absl::string_view what) {
    return absl::FailedPreconditionError(absl::StrCat("crl_dir ", crl_dir, ": ", what, " for the CA '", SubjectOf(ca),
                                                      "' (expected in ", path, "; docs/pki.md, Revocation)"));
  };
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return problem("no CRL");
  auto bio = MemoryBio(*text);
  Crl crl(bio == nullptr ? nullptr : PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (crl == nullptr) return problem("not a PEM CRL");
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca)) != 0) {
    return problem("the CRL is issued by another CA");
  }
  EVP_PKEY* key = X509_get0_pubkey(ca);
  if (key == nullptr || X509_CRL_verify(crl.get(), key) != 1) return problem("the CRL's signature does not verify");
  const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl.get());
  if (next_update == nullptr) return problem("the CRL has no next update");
  if (X509_cmp_current_time(next_update) <= 0) {
    return problem("the CRL has expired (every handshake would fail); publish a new one");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckCrlDirectory(const std::string& crl_dir, absl::string_view ca_pem) {
  struct stat info {};
  if (::stat(crl_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("crl_dir ", crl_dir, ": not a directory"));
  }
  std::vector<Cert> cas = ReadCertificates(ca_pem);
  if (cas.empty()) return absl::FailedPreconditionError("crl_dir: the CA file holds no certificate");
  for (const Cert& ca : cas) {
    if (absl::Status s = CheckCrlOf(crl_dir, ca.get()); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace samenloop
