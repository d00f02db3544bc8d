/**
 * Environment variables the component sets on the receiver function; the handler reads nothing
 * else. A module of its own, so the component names them without loading the handler (which
 * imports the AWS SDK the Lambda runtime provides, not a dependency of the package).
 */
export const RECEIVER_ENV = {
    eventBusName: "EVENT_BUS_NAME",
    eventSource: "EVENT_SOURCE",
    lakeBucket: "LAKE_BUCKET",
    lakePrefix: "LAKE_PREFIX",
    signingSecretArn: "SIGNING_SECRET_ARN",
    /** The rule's event pattern (JSON), applied by the receiver itself to oversize events. */
    eventPattern: "EVENT_PATTERN",
} as const;
