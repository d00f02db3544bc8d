import { policy, PolicyDocument, serviceOnBehalfOf } from "../common/iam";

/**
 * Policy of the alarm topic this component creates: CloudWatch may publish, on behalf of exactly
 * this pipeline's alarms. A topic policy replaces SNS's default one; principals of the account keep
 * managing the topic through their IAM policies.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
 */
export function alarmTopicPolicy(topicArn: string, alarmArns: string[], accountId: string): PolicyDocument {
    return serviceOnBehalfOf("PublishAlarmsOfThisPipeline", "cloudwatch.amazonaws.com", "sns:Publish", topicArn, alarmArns, accountId);
}

/**
 * Key policy of the alarm topic's KMS key. The first statement is AWS's default key policy (the
 * account administers the key through IAM, so the key can never become unmanageable); the second
 * lets CloudWatch encrypt the messages it publishes to the topic, which SNS requires for alarms on
 * an encrypted topic. In a key policy, Resource "*" means this key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function alarmTopicKeyPolicy(accountId: string, partition = "aws"): PolicyDocument {
    return policy(
        { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
        {
            Sid: "CloudWatchAlarmsEncryptNotifications",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    );
}
