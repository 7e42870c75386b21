#include "common/crl_directory.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/openssl_handles.h"
#include "common/tls_files.h"

namespace samenloop {
namespace {

using openssl::Cert;
using openssl::Crl;
using openssl::MemoryBio;

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

// The name OpenSSL's hashed directory lookup gives the `suffix`th CRL whose
// issuer has `ca`'s subject (what `openssl x509 -hash` prints, then ".r0",
// ".r1", ...: several CAs may share a subject name).
std::string HashedCrlName(X509* ca, int suffix) {
  char name[32];
  std::snprintf(name, sizeof name, "%08lx.r%d",
                X509_NAME_hash_ex(X509_get_subject_name(ca), nullptr, nullptr, nullptr), suffix);
  return name;
}

// Empty when `text` is a CRL that `ca` signed and that has not expired;
// otherwise what is wrong with it.
std::string ProblemWithCrl(const std::string& text, X509* ca) {
  auto bio = MemoryBio(text);
  Crl crl(bio == nullptr ? nullptr : PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (crl == nullptr) return "not a PEM CRL";
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(ca)) != 0) {
    return "the CRL is issued by another CA";
  }
  EVP_PKEY* key = X509_get0_pubkey(ca);
  if (key == nullptr || X509_CRL_verify(crl.get(), key) != 1) return "the CRL's signature does not verify";
  const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl.get());
  if (next_update == nullptr) return "the CRL has no next update";
  if (X509_cmp_current_time(next_update) <= 0) {
    return "the CRL has expired (every handshake would fail); publish a new one";
  }
  return "";
}

// OpenSSL reads .r0, .r1, ... until a number is missing; so do we, and one
// good CRL from this CA among them is enough.
absl::Status CheckCrlOf(const std::string& crl_dir, X509* ca) {
  std::string problem = "no CRL";
  for (int suffix = 0;; ++suffix) {
    absl::StatusOr<std::string> text = ReadFileToString(absl::StrCat(crl_dir, "/", HashedCrlName(ca, suffix)));
    if (!text.ok()) break;
    problem = ProblemWithCrl(*text, ca);
    if (problem.empty()) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat("crl_dir ", crl_dir, ": ", problem, " for the CA '",
                                                    SubjectOf(ca), "' (expected in ", crl_dir, "/",
                                                    HashedCrlName(ca, 0), "; docs/pki.md, Revocation)"));
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
