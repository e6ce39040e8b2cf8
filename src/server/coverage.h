// SPDX-License-Identifier: Apache-2.0
// The coverage report (docs/coverage.md): every operation of every served service model and
// whether trailwatch implements it, generated from the model catalog and the operation table so
// it cannot drift. `trailwatch coverage` prints it; the `coverage-doc` target writes the file and
// a test checks the committed file is current.
#pragma once

#include <string>

#include "protocol/model.h"
#include "services/service.h"

namespace tw::server {

std::string CoverageMarkdown(const protocol::ServiceCatalog& catalog,
                             const services::OperationTable& table);

}  // namespace tw::server
