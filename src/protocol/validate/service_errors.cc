// SPDX-License-Identifier: Apache-2.0
#include "protocol/validate/service_errors.h"

#include <iterator>

namespace tw::protocol {
namespace {

constexpr ServiceValidationErrors kTable[] = {
    {"iam", ValidationStyle::kFramework, ErrorCode::kValidationError, ErrorCode::kValidationError,
     true,
     "ValidationError 400 from iam:CreateUser: \"1 validation error detected: Value '...' at "
     "'tags.6.member.value' failed to satisfy constraint: Member must satisfy regular expression "
     "pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*\" (github.com/SWO-GS/auto-tag/issues/90); "
     "'roleName' length (faizanbashir/python-ses-dynamodb-contactform/issues/4)"},
    {"sts", ValidationStyle::kFramework, ErrorCode::kValidationError, ErrorCode::kValidationError,
     true,
     "ValidationError 400, e.g. \"2 validation errors detected: Value '' at 'roleArn' ... "
     "pattern ...; Value '' at 'roleArn' ... length greater than or equal to 20\" "
     "(newscorpaus/consigliere/issues/18, mmmorris1975/aws-runas/issues/80); 'roleSessionName' "
     "pattern and length (JuliaCloud/AWSCore.jl/pull/38 raw XML, "
     "bringmeister/aws-kinesis-spring-boot-starter/issues/19)"},
    {"logs", ValidationStyle::kFramework, ErrorCode::kInvalidParameterException,
     ErrorCode::kInvalidParameterException, true,
     "InvalidParameterException 400: \"Value '[]' at 'logEvents' ... length greater than or equal "
     "to 1\" (lazywithclass/winston-cloudwatch/issues/55), \"Value null at "
     "'logEvents.1.member.timestamp' ... Member must not be null\" "
     "(amazon-archives/cloudwatch-logs-centralize-logs/issues/5), \"10 validation errors "
     "detected: Value '' at 'logEvents.1.member.message' ...; ...\" "
     "(fluent-plugins-nursery/fluent-plugin-cloudwatch-logs/issues/140)"},
    {"cloudwatch", ValidationStyle::kCloudWatch, ErrorCode::kValidationError,
     ErrorCode::kMissingParameter, true,
     "MissingParameter: \"The parameter MetricData.member.1.Dimensions.member.3.Value is "
     "required.\\nThe parameter MetricData.member.3.Dimensions.member.3.Value is required.\" "
     "(awslabs/collectd-cloudwatch/pull/46), also for an empty Value= "
     "(awslabs/amazon-kinesis-producer/issues/393); ValidationError \"1 validation error "
     "detected: Value 'GB' at 'unit' failed to satisfy constraint: Member must satisfy enum "
     "value set: [...]\" (terraform-linters/tflint/issues/101)"},
    {"cloudtrail", ValidationStyle::kFramework, ErrorCode::kInvalidParameterException,
     ErrorCode::kInvalidParameterException, false,
     "unverified: no public example found; CloudTrail models InvalidParameterException (\"a "
     "parameter that is not valid\") and no ValidationException"},
    {"sns", ValidationStyle::kFramework, ErrorCode::kValidationError, ErrorCode::kValidationError,
     false,
     "unverified: SNS answers its own checks with InvalidParameter \"Invalid parameter: "
     "TopicArn\" (boto/boto3/issues/1084); framework failures assumed ValidationError like the "
     "other query services"},
    {"s3", ValidationStyle::kS3, ErrorCode::kInvalidArgument, ErrorCode::kMalformedXML, false,
     "partly verified: MalformedXML \"The XML you provided was not well-formed or did not "
     "validate against our published schema\" is S3's answer to a bad or missing body; "
     "InvalidArgument texts for other parameters are S3-specific and owned by the service"},
    {"trailwatch", ValidationStyle::kFramework, ErrorCode::kInvalidParameterException,
     ErrorCode::kInvalidParameterException, false,
     "trailwatch's own extension operations (models/trailwatch.json): not an AWS service; they "
     "answer like CloudWatch Logs, whose log groups they write"},
};

constexpr ServiceValidationErrors kDefault = {"",
                                              ValidationStyle::kFramework,
                                              ErrorCode::kValidationException,
                                              ErrorCode::kValidationException,
                                              false,
                                              "the framework default for JSON services"};

}  // namespace

const ServiceValidationErrors& ValidationErrorsOf(std::string_view service) {
  for (const ServiceValidationErrors& row : kTable) {
    if (row.service == service) return row;
  }
  return kDefault;
}

std::span<const ServiceValidationErrors> AllValidationErrors() { return kTable; }

}  // namespace tw::protocol
