import { kmsWriteStatements, lakeObjectsArn, policy, PolicyDocument, PolicyStatement } from "../common/iam";

export interface ReceiverPolicyOptions {
    eventBusArn: string;
    bucketArn: string;
    lakePrefix: string;
    signingSecretArn: string;
    logGroupArn: string;
    kmsKeyArn?: string;
}

/** Writing a Lambda function's logs to its own log group. */
function logGroupStatement(logGroupArn: string): PolicyStatement {
    return { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` };
}

/** The receiver: publish to its bus, write oversize events to the lake, read its signing secret, log. */
export function receiverPolicy(o: ReceiverPolicyOptions): PolicyDocument {
    return policy(
        { Sid: "PublishToPipelineBus", Effect: "Allow", Action: "events:PutEvents", Resource: o.eventBusArn },
        { Sid: "ArchiveOversizeEvents", Effect: "Allow", Action: "s3:PutObject", Resource: lakeObjectsArn(o.bucketArn, o.lakePrefix) },
        { Sid: "ReadSigningSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: o.signingSecretArn },
        logGroupStatement(o.logGroupArn),
        ...kmsWriteStatements(o.kmsKeyArn),
    );
}
