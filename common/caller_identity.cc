#include "common/caller_identity.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/openssl_handles.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/server_context.h"

namespace samenloop {
namespace {

constexpr absl::string_view kOrgPrefix = "samenloop://org/";
constexpr absl::string_view kRolePrefix = "samenloop://role/";
constexpr absl::string_view kKindPrefix = "samenloop://kind/";

std::optional<Role> ParseRole(absl::string_view name) {
  if (name == "org") return Role::kOrg;
  if (name == "privacy_officer") return Role::kPrivacyOfficer;
  if (name == "auditor") return Role::kAuditor;
  if (name == "operator") return Role::kOperator;
  return std::nullopt;
}

std::vector<std::string> UriSans(X509* cert) {
  std::vector<std::string> uris;
  openssl::GeneralNames names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr) return uris;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                      static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  return uris;
}

}  // namespace

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOrg: return "org";
    case Role::kPrivacyOfficer: return "privacy_officer";
    case Role::kAuditor: return "auditor";
    case Role::kOperator: return "operator";
  }
  return "unknown";
}

bool IsValidOrganisationId(absl::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() < 'a' || id.front() > 'z') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<CallerIdentity> IdentityFromCertificatePem(absl::string_view pem) {
  openssl::Bio bio = openssl::MemoryBio(pem);
  if (bio == nullptr) return absl::InternalError("certificate: out of memory");
  openssl::Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return absl::UnauthenticatedError("client certificate: not a PEM certificate");

  std::optional<std::string> org;
  std::optional<Role> role;
  std::string kind;
  for (const std::string& uri : UriSans(cert.get())) {
    if (absl::StartsWith(uri, kOrgPrefix)) {
      if (org.has_value()) {
        return absl::UnauthenticatedError("client certificate: more than one samenloop://org/ URI");
      }
      org = uri.substr(kOrgPrefix.size());
    } else if (absl::StartsWith(uri, kRolePrefix)) {
      if (role.has_value()) {
        return absl::UnauthenticatedError("client certificate: more than one samenloop://role/ URI");
      }
      role = ParseRole(absl::string_view(uri).substr(kRolePrefix.size()));
      if (!role.has_value()) {
        return absl::UnauthenticatedError(
            "client certificate: unknown role; expected org, privacy_officer, auditor or operator");
      }
    } else if (absl::StartsWith(uri, kKindPrefix)) {
      kind = uri.substr(kKindPrefix.size());
    }
  }
  if (!org.has_value() || !IsValidOrganisationId(*org)) {
    return absl::UnauthenticatedError(
        "client certificate: no valid samenloop://org/<organisation-id> URI in subjectAltName");
  }
  if (!role.has_value()) {
    return absl::UnauthenticatedError(
        "client certificate: no samenloop://role/<role> URI in subjectAltName");
  }
  return CallerIdentity{*org, *role, kind};
}

absl::StatusOr<CallerIdentity> IdentityFromServerContext(const grpc::ServerContext& context) {
  return IdentityFromAuthContext(context.auth_context().get());
}

absl::StatusOr<CallerIdentity> IdentityFromAuthContext(const grpc::AuthContext* auth) {
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  std::vector<grpc::string_ref> pems = auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) return absl::UnauthenticatedError("no verified client certificate");
  return IdentityFromCertificatePem(absl::string_view(pems.front().data(), pems.front().size()));
}

}  // namespace samenloop
