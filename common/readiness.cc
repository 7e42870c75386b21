#include "common/readiness.h"

namespace samenloop {

Readiness::Readiness(std::vector<std::string> conditions) {
  for (std::string& condition : conditions) conditions_[std::move(condition)] = false;
}

void Readiness::Set(const std::string& condition, bool met) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = conditions_.find(condition);
  if (it == conditions_.end() || it->second == met) return;
  it->second = met;
  PublishLocked();
}

bool Readiness::Ready() const { return Unmet().empty(); }

std::vector<std::string> Readiness::Unmet() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> unmet;
  if (shutting_down_) unmet.push_back("shutting_down");
  for (const auto& [name, met] : conditions_) {
    if (!met) unmet.push_back(name);
  }
  return unmet;
}

void Readiness::AttachHealthService(grpc::HealthCheckServiceInterface* health,
                                    std::vector<std::string> service_names) {
  std::lock_guard<std::mutex> lock(mutex_);
  health_ = health;
  service_names_ = std::move(service_names);
  PublishLocked();
}

void Readiness::BeginShutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  shutting_down_ = true;
  PublishLocked();
}

void Readiness::PublishLocked() {
  if (health_ == nullptr) return;
  bool ready = !shutting_down_;
  for (const auto& [name, met] : conditions_) ready = ready && met;
  // The server as a whole, then each service by name, so a client may ask
  // about the service it uses.
  health_->SetServingStatus("", ready);
  for (const std::string& name : service_names_) health_->SetServingStatus(name, ready);
}

}  // namespace samenloop
