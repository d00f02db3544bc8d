import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole } from "../common/serviceRole";
import { PartContext, jsonFrom } from "../context";
import { Storage } from "../storage";
import { buildArchiveDefinition } from "./definition";
import { workflowPolicy } from "./policies";

export interface Workflow {
    stateMachine: aws.sfn.StateMachine;
}

/** The Step Functions state machine that writes each event to the lake (definition: ./definition.ts). */
export function createWorkflow(ctx: PartContext, { storage }: { storage: Storage }): Workflow {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const { bucket, deadLetterQueue } = storage;

    // Vended-logs log groups keep CloudWatch's resource policy small when many state machines log.
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-workflow-logs`,
        { namePrefix: `/aws/vendedlogs/states/${name}-workflow-`, retentionInDays: settings.logRetentionDays, tags },
        { parent },
    );
    const { role, policy: rolePolicy } = serviceRole(ctx, "workflow", {
        service: "states.amazonaws.com",
        sourceAccount: ctx.accountId,
        policy: jsonFrom([bucket.arn, deadLetterQueue.arn, settings.lakeKmsKeyArn], (bucketArn, deadLetterQueueArn, kmsKeyArn) =>
            workflowPolicy({ bucketArn, lakePrefix: settings.lakePrefix, deadLetterQueueArn, kmsKeyArn }),
        ),
    });
    const stateMachine = new aws.sfn.StateMachine(
        `${name}-workflow`,
        {
            type: settings.workflowType,
            roleArn: role.arn,
            definition: jsonFrom([bucket.bucket, deadLetterQueue.url], (bucketName, deadLetterQueueUrl) =>
                buildArchiveDefinition({ bucketName, lakePrefix: settings.lakePrefix, deadLetterQueueUrl, ingestion: settings.ingestion }),
            ),
            loggingConfiguration: {
                logDestination: pulumi.interpolate`${logGroup.arn}:*`,
                // Failures only, without the event payloads (customer data); the DLQ keeps the payload of a failed event.
                level: "ERROR",
                includeExecutionData: false,
            },
            tags,
        },
        // Creating the state machine checks that its role can deliver logs.
        { parent, dependsOn: [rolePolicy] },
    );
    return { stateMachine };
}
