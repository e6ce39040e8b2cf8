// SPDX-License-Identifier: Apache-2.0
// A Clock that stands still until a test moves it. Thread-safe.
#pragma once

#include <atomic>

#include "common/clock.h"

namespace tw::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t epoch_millis = 1'440'938'160'000)  // 2015-08-30T12:36:00Z
      : millis_(epoch_millis) {}
  TimePoint Now() const override { return FromEpochMillis(millis_.load()); }
  void Set(std::int64_t epoch_millis) { millis_ = epoch_millis; }
  void Advance(std::int64_t delta_millis) { millis_ += delta_millis; }

 private:
  std::atomic<std::int64_t> millis_;
};

}  // namespace tw::testing
