// SPDX-License-Identifier: Apache-2.0
// The injected clock. Nothing in trailwatch reads the system time directly: services and pure
// cores take a Clock&, so tests drive time with a FakeClock (tests/testing/fake_clock.h).
#pragma once

#include <chrono>

namespace tw {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

inline std::int64_t EpochMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline TimePoint FromEpochMillis(std::int64_t millis) {
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(millis)));
}

}  // namespace tw
