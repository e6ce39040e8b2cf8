// SPDX-License-Identifier: Apache-2.0
// Shared helpers of the JSON/CBOR codec tests: a tiny service model with every shape type, the
// canonical text rendering that the golden fixtures' .expected files use, and file helpers.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "common/crypto.h"
#include "protocol/model.h"
#include "protocol/value.h"

namespace tw::protocol::testing {

// A JSON-and-CBOR service with one operation whose input and output cover every shape type.
inline constexpr std::string_view kTestModel = R"json({
  "metadata": {"apiVersion": "2020-01-01", "endpointPrefix": "test", "jsonVersion": "1.1",
    "protocol": "json", "protocols": ["json", "smithy-rpc-v2-cbor"], "serviceId": "Test Service",
    "targetPrefix": "TestService_20200101", "awsQueryCompatible": {}},
  "operations": {
    "Everything": {"name": "Everything", "http": {"method": "POST", "requestUri": "/"},
      "input": {"shape": "AllTypes"}, "output": {"shape": "AllTypes"},
      "errors": [{"shape": "TestError"}]},
    "Nothing": {"name": "Nothing", "http": {"method": "POST", "requestUri": "/"}}
  },
  "shapes": {
    "AllTypes": {"type": "structure", "members": {
      "Str": {"shape": "String"}, "Renamed": {"shape": "String", "locationName": "renamedOnWire"},
      "Int": {"shape": "Integer"}, "Long": {"shape": "Long"}, "Float": {"shape": "Float"},
      "Double": {"shape": "Double"}, "Bool": {"shape": "Boolean"}, "Time": {"shape": "Timestamp"},
      "Data": {"shape": "Blob"}, "List": {"shape": "StringList"}, "Map": {"shape": "StringMap"},
      "Nested": {"shape": "AllTypes"}, "Choice": {"shape": "Choice"}, "Doc": {"shape": "Document"},
      "Structs": {"shape": "StructList"}, "Doubles": {"shape": "DoubleList"}}},
    "String": {"type": "string"}, "Integer": {"type": "integer"}, "Long": {"type": "long"},
    "Float": {"type": "float"}, "Double": {"type": "double"}, "Boolean": {"type": "boolean"},
    "Timestamp": {"type": "timestamp"}, "Blob": {"type": "blob"},
    "StringList": {"type": "list", "member": {"shape": "String"}},
    "DoubleList": {"type": "list", "member": {"shape": "Double"}},
    "StructList": {"type": "list", "member": {"shape": "AllTypes"}},
    "StringMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
    "Choice": {"type": "structure", "union": true, "members": {
      "A": {"shape": "String"}, "B": {"shape": "Integer"}}},
    "Document": {"type": "structure", "document": true, "members": {}},
    "TestError": {"type": "structure", "exception": true, "members": {
      "message": {"shape": "String"}, "Detail": {"shape": "String"}},
      "error": {"code": "TestCode", "httpStatusCode": 409, "senderFault": true}},
    "ServerFault": {"type": "structure", "exception": true, "fault": true, "members": {
      "Message": {"shape": "String"}}, "error": {"code": "ServerTrouble", "httpStatusCode": 500}}
  }
})json";

inline const ServiceModel& TestService() {
  static const std::unique_ptr<ServiceModel> model = [] {
    auto parsed = ServiceModel::Parse("test", kTestModel);
    if (!parsed) std::abort();
    return std::move(parsed).value();
  }();
  return *model;
}

inline std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Structure members sorted by name (the committed models keep members sorted, botocore's copy
// does not); map entries in wire order; numbers tagged with their kind.
inline std::string Canonical(const Value& v) {
  char buf[64];
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Kind::kInteger:
      std::snprintf(buf, sizeof(buf), "i:%lld", static_cast<long long>(v.as_integer()));
      return buf;
    case Value::Kind::kDouble:
      std::snprintf(buf, sizeof(buf), "d:%.17g", v.as_double());
      return buf;
    case Value::Kind::kString:
      return Quote(v.as_string());
    case Value::Kind::kBlob:
      return "b:" + Base64Encode(v.as_blob().bytes);
    case Value::Kind::kTimestamp:
      return "t:" + std::to_string(v.as_timestamp().epoch_millis);
    case Value::Kind::kList: {
      std::string out = "[";
      for (const Value& item : v.as_list()) {
        if (out.size() > 1) out += ",";
        out += Canonical(item);
      }
      return out + "]";
    }
    case Value::Kind::kMap:
    case Value::Kind::kStructure: {
      Value::Entries entries = v.entries();
      if (v.is_structure()) {
        std::sort(entries.begin(), entries.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
      }
      std::string out = "{";
      for (const auto& [key, item] : entries) {
        if (out.size() > 1) out += ",";
        out += Quote(key) + ":" + Canonical(item);
      }
      return out + "}";
    }
  }
  return "?";
}

inline std::string GoldenDir(std::string_view sub) {
  return std::string(TW_SOURCE_DIR) + "/tests/golden/protocol/" + std::string(sub) + "/";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace tw::protocol::testing
