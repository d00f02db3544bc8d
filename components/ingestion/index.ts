import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as stripe from "@pulumi/stripe";
import { serviceRole } from "../common/serviceRole";
import { PartContext, jsonFrom } from "../context";
import { bundleReceiver, RECEIVER_HANDLER } from "../receiver/bundle";
import { RECEIVER_ENV } from "../receiver/env";
import { EVENT_SOURCE } from "../routing/eventPattern";
import { Routing } from "../routing";
import { Storage } from "../storage";
import { type EventBridgeIngestion, stripeDescription } from "./eventDestination";
import { receiverPolicy } from "./policies";

/** Newest Lambda Node.js runtime this component is tested against (nodejs20.x is closed to new functions). */
export const RECEIVER_RUNTIME = "nodejs22.x";

export interface WebhookIngestion {
    mode: "webhook";
    receiver: aws.lambda.Function;
    /** The receiver's log group: one JSON line per request (monitoring counts the rejected ones). */
    logGroup: aws.cloudwatch.LogGroup;
    functionUrl: aws.lambda.FunctionUrl;
    webhookEndpoint: stripe.WebhookEndpoint;
    signingSecret: aws.secretsmanager.Secret;
}

/** How events come in: the webhook receiver, or Stripe's event destination on EventBridge (eventDestination.ts). */
export type Ingestion = WebhookIngestion | EventBridgeIngestion;

/**
 * The public door: a Lambda function URL whose handler verifies Stripe's signature and publishes
 * to the bus, and the Stripe webhook endpoint pointing at it. The endpoint's signing secret goes
 * from the Stripe provider straight into Secrets Manager (a Pulumi secret in state); the function
 * only gets the secret's ARN and reads the value at cold start.
 */
export function createWebhookIngestion(ctx: PartContext, { storage, routing }: { storage: Storage; routing: Routing }): WebhookIngestion {
    const { name, settings, parent } = ctx;
    const { tags } = settings;

    const signingSecret = new aws.secretsmanager.Secret(
        `${name}-signing-secret`,
        { description: `Stripe webhook signing secret of the ${name} pipeline (whsec_...; several, comma-separated, during a rotation)`, tags },
        { parent },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-receiver-logs`,
        { namePrefix: `/aws/lambda/${name}-receiver-`, retentionInDays: settings.logRetentionDays, tags },
        { parent },
    );
    const { role, policy: rolePolicy } = serviceRole(ctx, "receiver", {
        service: "lambda.amazonaws.com",
        policy: jsonFrom(
            [routing.bus.arn, storage.bucket.arn, signingSecret.arn, logGroup.arn, settings.lakeKmsKeyArn],
            (eventBusArn, bucketArn, signingSecretArn, logGroupArn, kmsKeyArn) =>
                receiverPolicy({ eventBusArn, bucketArn, lakePrefix: settings.lakePrefix, signingSecretArn, logGroupArn, kmsKeyArn }),
        ),
    });
    const receiver = new aws.lambda.Function(
        `${name}-receiver`,
        {
            runtime: RECEIVER_RUNTIME,
            architectures: ["arm64"],
            handler: RECEIVER_HANDLER,
            code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleReceiver()) }),
            role: role.arn,
            memorySize: settings.receiverMemoryMb,
            // The cap on the public door (-1: none); a throttled delivery is a 429 that Stripe retries.
            reservedConcurrentExecutions: settings.receiverReservedConcurrency,
            // Stripe waits up to about 10 s for an answer; a slower one counts as failed and is retried.
            timeout: 10,
            environment: {
                variables: {
                    [RECEIVER_ENV.eventBusName]: routing.bus.name,
                    [RECEIVER_ENV.eventSource]: EVENT_SOURCE,
                    [RECEIVER_ENV.lakeBucket]: storage.bucket.bucket,
                    [RECEIVER_ENV.lakePrefix]: settings.lakePrefix,
                    [RECEIVER_ENV.signingSecretArn]: signingSecret.arn,
                    // The rule's own pattern, for the events the receiver archives without the bus.
                    [RECEIVER_ENV.eventPattern]: JSON.stringify(settings.eventPattern),
                },
            },
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const functionUrl = new aws.lambda.FunctionUrl(`${name}-receiver-url`, { functionName: receiver.name, authorizationType: "NONE" }, { parent });
    // Since October 2025 a public function URL needs both grants; the second is limited to calls through the URL.
    new aws.lambda.Permission(
        `${name}-receiver-url-invoke`,
        { function: receiver.name, action: "lambda:InvokeFunctionUrl", principal: "*", functionUrlAuthType: "NONE" },
        { parent },
    );
    new aws.lambda.Permission(
        `${name}-receiver-invoke`,
        { function: receiver.name, action: "lambda:InvokeFunction", principal: "*", invokedViaFunctionUrl: true },
        { parent },
    );

    const webhookEndpoint = new stripe.WebhookEndpoint(
        `${name}-webhook`,
        {
            url: functionUrl.functionUrl,
            enabledEvents: settings.eventTypes.enabledEvents,
            apiVersion: settings.stripeApiVersion,
            description: stripeDescription(name),
        },
        { parent },
    );
    new aws.secretsmanager.SecretVersion(`${name}-signing-secret-value`, { secretId: signingSecret.id, secretString: webhookEndpoint.secret }, { parent });

    return { mode: "webhook", receiver, logGroup, functionUrl, webhookEndpoint, signingSecret };
}
