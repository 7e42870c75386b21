#ifndef SAMENLOOP_COMMON_CRL_DIRECTORY_H_
#define SAMENLOOP_COMMON_CRL_DIRECTORY_H_

// Checks a server's CRL directory before the server trusts it. gRPC reads
// the directory in every TLS handshake (OpenSSL's hashed lookup: a CA's CRL
// is the file <subject hash of the CA>.r0, .r1, ...), but when it finds no
// CRL for an issuer it lets the certificate through ("failed to get CRL
// files, ignoring"). A typo in the path or a CRL under the wrong name would
// therefore switch revocation off without a word; this check makes the
// server refuse to start instead. docs/pki.md, "Revocation".

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace samenloop {

// OK when `crl_dir` is a directory holding, for every CA certificate in
// `ca_pem`, a CRL under that CA's hashed name that the CA signed and whose
// next update is still ahead. Otherwise FAILED_PRECONDITION naming the
// directory, the CA's subject and the file expected.
absl::Status CheckCrlDirectory(const std::string& crl_dir, absl::string_view ca_pem);

}  // namespace samenloop

#endif  // SAMENLOOP_COMMON_CRL_DIRECTORY_H_
