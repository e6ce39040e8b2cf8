// SPDX-License-Identifier: Apache-2.0
// Metric-filter hot path: CloudTrail events against the CIS monitoring pattern set (15 filters,
// cis-metric-filters.md v3.0.0). The compiled engine (one JSON parse per event, shared by every
// filter; OR-chains of equalities folded into set lookups) is measured against naive baselines in
// the same run, and the ratios are printed at the end:
//   naive   = compile the pattern and parse the event JSON again for every (event, filter) pair
//   reparse = compiled patterns, but the event JSON parsed again for every filter
// and, over the real CloudTrail corpus (TW_SHARED_DIR/data/cloudtrail, 4,162 records), the rate
// of events through the 15 CIS filters beside the rate at which simdjson alone parses the same
// records (a reused dom::parser over pre-padded copies: the fastest way simdjson reads them). The
// target is a matcher rate of at least 40% of the parse rate.
#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "services/logs/filter_pattern/filter_pattern.h"

namespace {

namespace fp = tw::services::logs::filter_pattern;

const std::vector<std::string>& CisPatterns() {
  static const std::vector<std::string> patterns = {
      R"({ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") })",
      R"({ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") })",
      R"({ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" })",
      "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName="
      "DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($."
      "eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($."
      "eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName="
      "AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($."
      "eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName="
      "DetachGroupPolicy)}",
      "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = "
      "DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
      R"({ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") })",
      "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName="
      "ScheduleKeyDeletion)) }",
      "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = "
      "PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) "
      "|| ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || "
      "($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName "
      "= DeleteBucketReplication)) }",
      "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($."
      "eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName="
      "PutConfigurationRecorder)) }",
      "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = "
      "AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || "
      "($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || "
      "($.eventName = DeleteSecurityGroup) }",
      "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || "
      "($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName "
      "= ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
      "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || "
      "($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || "
      "($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
      "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = "
      "ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = "
      "DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = "
      "DisassociateRouteTable) }",
      "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = "
      "ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = "
      "CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName "
      "= RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = "
      "DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = "
      "EnableVpcClassicLink) }",
      R"({ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) })",
  };
  return patterns;
}

// Representative CloudTrail records (shapes as in the AWS CloudTrail User Guide examples).
const std::vector<std::string>& Events() {
  static const std::vector<std::string> events = {
      R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/anaya","accountId":"111122223333","userName":"anaya"},"eventTime":"2022-11-10T16:24:34Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.0","userAgent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/537.36","errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"Yes"},"eventID":"3fcfb182-98f8-4744-bd45-10a395ab61cb","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"})",
      R"({"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:session","arn":"arn:aws:sts::111122223333:assumed-role/Admin/session","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Admin","accountId":"111122223333","userName":"Admin"},"attributes":{"creationDate":"2023-07-10T11:45:00Z","mfaAuthenticated":"false"}}},"eventTime":"2023-07-10T11:47:12Z","eventSource":"iam.amazonaws.com","eventName":"PutRolePolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.9.19","requestParameters":{"roleName":"backdoor","policyName":"inline","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"},"responseElements":null,"requestID":"b3f1e8a2-5c1d-4e7a-9f2b-1a2b3c4d5e6f","eventID":"5d8e9f0a-1b2c-3d4e-5f6a-7b8c9d0e1f2a","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"})",
      R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/dev","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"dev"},"eventTime":"2023-07-10T12:05:01Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"Boto3/1.26.27","errorCode":"Client.UnauthorizedOperation","errorMessage":"You are not authorized to perform this operation.","requestParameters":{"instancesSet":{},"filterSet":{}},"responseElements":null,"requestID":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0","eventID":"9a8b7c6d-5e4f-3a2b-1c0d-ef9876543210","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"})",
      R"({"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"},"eventTime":"2023-07-10T12:10:44Z","eventSource":"s3.amazonaws.com","eventName":"GetBucketAcl","awsRegion":"us-east-1","sourceIPAddress":"cloudtrail.amazonaws.com","userAgent":"cloudtrail.amazonaws.com","requestParameters":{"bucketName":"aws-cloudtrail-logs-111122223333","Host":"aws-cloudtrail-logs-111122223333.s3.us-east-1.amazonaws.com","acl":""},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"EXAMPLE","bytesTransferredOut":540},"requestID":"EXAMPLE1","eventID":"EXAMPLE-EVENT-ID","readOnly":true,"resources":[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::aws-cloudtrail-logs-111122223333"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","sharedEventID":"EXAMPLE-SHARED","eventCategory":"Management"})",
  };
  return events;
}

std::string ReadGzip(const std::filesystem::path& path) {
  std::string out;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return out;
  char buffer[1 << 15];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof(buffer))) > 0) out.append(buffer, n);
  gzclose(file);
  return out;
}

// Every record of the shared CloudTrail corpus as the compact JSON text a trail delivers to a log
// group (one record per log event), in file order, held as PutLogEvents holds messages.
const std::vector<std::string>& CorpusRecords() {
  static const std::vector<std::string> records = [] {
    std::vector<std::filesystem::path> files;
    const std::filesystem::path root = std::filesystem::path(TW_SHARED_DIR) / "data/cloudtrail";
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
      if (entry.path().string().ends_with(".json.gz")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    for (const auto& file : files) {
      const std::string text = ReadGzip(file);
      simdjson::dom::element doc;
      if (parser.parse(text).get(doc) != simdjson::SUCCESS) continue;
      simdjson::dom::array list;
      if (doc["Records"].get_array().get(list) != simdjson::SUCCESS) continue;
      for (simdjson::dom::element record : list) {
        // As PutLogEvents stores messages: with fp::kLogEventPadding spare capacity.
        const std::string compact = simdjson::minify(record);
        std::string message;
        message.reserve(compact.size() + fp::kLogEventPadding);
        message.assign(compact);
        out.push_back(std::move(message));
      }
    }
    return out;
  }();
  return records;
}

std::vector<fp::CompiledPattern> CompiledSet() {
  std::vector<fp::CompiledPattern> out;
  for (const std::string& p : CisPatterns()) out.push_back(*fp::Compile(p));
  return out;
}

// The compiled engine: one LogEvent per event, shared by the 15 filters.
void BM_Compiled(benchmark::State& state) {
  const auto patterns = CompiledSet();
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const std::string& message : Events()) {
      const fp::LogEvent event(message);
      for (const auto& pattern : patterns) matches += fp::Matches(pattern, event);
    }
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations() * Events().size() * patterns.size());
}
BENCHMARK(BM_Compiled);

// Compiled patterns, JSON parsed again for each filter.
void BM_ReparsePerFilter(benchmark::State& state) {
  const auto patterns = CompiledSet();
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const std::string& message : Events()) {
      for (const auto& pattern : patterns) {
        const fp::LogEvent event(message);
        matches += fp::Matches(pattern, event);
      }
    }
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations() * Events().size() * patterns.size());
}
BENCHMARK(BM_ReparsePerFilter);

// Naive: pattern compiled and event parsed for every (event, filter) pair.
void BM_Naive(benchmark::State& state) {
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const std::string& message : Events()) {
      for (const std::string& text : CisPatterns()) {
        auto pattern = fp::Compile(text);
        matches += fp::Match(*pattern, message).matched;
      }
    }
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations() * Events().size() * CisPatterns().size());
}
BENCHMARK(BM_Naive);

void BM_CompileCisSet(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(CompiledSet());
}
BENCHMARK(BM_CompileCisSet);

// Term and space-delimited patterns on plain text, for scale.
void BM_TermsAndFields(benchmark::State& state) {
  const auto terms = *fp::Compile("?ERROR ?WARN -DEBUG");
  const auto fields = *fp::Compile(
      "[ip, user, username, timestamp, request, status_code = 4*, "
      "bytes > 1000]");
  const std::string line =
      R"(127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534)";
  std::size_t matches = 0;
  for (auto _ : state) {
    const fp::LogEvent event(line);
    matches += fp::Matches(terms, event) + fp::Matches(fields, event);
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_TermsAndFields);

std::size_t CorpusBytes() {
  std::size_t bytes = 0;
  for (const std::string& r : CorpusRecords()) bytes += r.size();
  return bytes;
}

// Baseline: simdjson alone parsing every corpus record (DOM, parser reused, input pre-padded).
void BM_CorpusSimdjsonParse(benchmark::State& state) {
  std::vector<simdjson::padded_string> padded;
  for (const std::string& r : CorpusRecords()) padded.emplace_back(r);
  if (padded.empty()) {
    state.SkipWithError("CloudTrail corpus not found under TW_SHARED_DIR");
    return;
  }
  simdjson::dom::parser parser;
  std::size_t objects = 0;
  for (auto _ : state) {
    for (const auto& record : padded) {
      simdjson::dom::element root;
      if (parser.parse(record).get(root) == simdjson::SUCCESS) objects += root.is_object();
    }
  }
  benchmark::DoNotOptimize(objects);
  state.SetItemsProcessed(state.iterations() * padded.size());
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_CorpusSimdjsonParse);

// The metric-filter path: each corpus record through the 15 compiled CIS filters (one LogEvent,
// so one parse, per record), as LogsService runs a stored batch.
void BM_CorpusCisFilters(benchmark::State& state) {
  const auto patterns = CompiledSet();
  const auto& records = CorpusRecords();
  if (records.empty()) {
    state.SkipWithError("CloudTrail corpus not found under TW_SHARED_DIR");
    return;
  }
  std::size_t matches = 0;
  for (auto _ : state) {
    for (const std::string& message : records) {
      const fp::LogEvent event(message);
      for (const auto& pattern : patterns) matches += fp::Matches(pattern, event);
    }
  }
  benchmark::DoNotOptimize(matches);
  state.SetItemsProcessed(state.iterations() * records.size());
  state.SetBytesProcessed(state.iterations() * CorpusBytes());
}
BENCHMARK(BM_CorpusCisFilters);

// Records each benchmark's CPU time per iteration (wall time is noisy on shared cores) so the
// ratios can be printed after the run.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Iteration && run.iterations > 0) {
        ns_[run.benchmark_name()] = run.GetAdjustedCPUTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void PrintRatios() const {
    const auto get = [&](const char* name) {
      const auto it = ns_.find(name);
      return it == ns_.end() ? 0.0 : it->second;
    };
    const double compiled = get("BM_Compiled");
    if (compiled > 0) {
      std::printf("\nratio naive/compiled:            %.1fx\n", get("BM_Naive") / compiled);
      std::printf("ratio reparse-per-filter/compiled: %.1fx\n",
                  get("BM_ReparsePerFilter") / compiled);
    }
    const double parse = get("BM_CorpusSimdjsonParse");
    const double cis = get("BM_CorpusCisFilters");
    if (parse > 0 && cis > 0) {
      // Same records per iteration in both, so the rate ratio is the inverse time ratio.
      std::printf(
          "corpus: %zu records; CIS-filter rate / simdjson parse rate: %.0f%% (target >= "
          "40%%)\n",
          CorpusRecords().size(), 100.0 * parse / cis);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}
