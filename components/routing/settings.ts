/**
 * Routing's settings: which Stripe event types the rule sends to the workflow, as the event
 * pattern (built once here: the rule and the receiver use this very value), delivery retries, the
 * archive, and bring-your-own bus (`existingEventBusName`/`Arn`).
 */
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";
import { PipelineConfigError } from "../errors";
import { EventTypeSelection, selectEventTypes } from "../events/eventTypes";
import type { IngestionMode } from "../ingestion/settings";
import { buildEventPattern, StripeEventPattern } from "./eventPattern";

/** Bytes of the event pattern the receiver's environment can hold (Lambda: 4 KB for all variables). */
export const MAX_PATTERN_BYTES = 2048;

/** A bus the caller owns: the rule and the receiver address it by name, IAM by ARN. */
export interface ExistingEventBus {
    name: string;
    arn: string;
}

export interface RoutingSettings {
    eventTypes: EventTypeSelection;
    /**
     * The rule's pattern for the receiver's source; the receiver applies the same one to events it
     * archives directly. With ingestion "eventbridge" the rule matches the partner event source
     * instead, with a pattern built from `eventTypes` by the same buildEventPattern.
     */
    eventPattern: StripeEventPattern;
    retryMaximumEventAgeSeconds: number;
    retryMaximumAttempts: number;
    archiveRetentionDays: number;
    /** The caller's bus; the component creates one when undefined. */
    existingEventBus?: ExistingEventBus;
}

/**
 * `arn:<partition>:events:<region>:<account>:event-bus/<name>`; names are letters, digits and `._-/`.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_EventBus.html
 */
const EVENT_BUS_ARN_PATTERN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/([A-Za-z0-9._/-]{1,256})$/;

/**
 * Partner event buses (SaaS integrations such as Stripe's own) only take events from their partner.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-saas.html
 */
const PARTNER_BUS_PREFIX = "aws.partner/";

function resolveEventTypes(extraEventTypes: string[]): Pick<RoutingSettings, "eventTypes" | "eventPattern"> {
    if (!Array.isArray(extraEventTypes)) {
        throw new PipelineConfigError("extraEventTypes", extraEventTypes, "must be a list of event types", `write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:extraEventTypes[0]' payment_intent.*`);
    }
    const eventTypes = selectEventTypes(extraEventTypes);
    const eventPattern = buildEventPattern(eventTypes);
    // The receiver gets the rule's pattern in an environment variable, and Lambda allows 4 KB for all of them.
    const patternBytes = Buffer.byteLength(JSON.stringify(eventPattern));
    if (patternBytes > MAX_PATTERN_BYTES) {
        throw new PipelineConfigError(
            "extraEventTypes",
            extraEventTypes,
            `the rule's event pattern would take ${patternBytes} bytes, more than the ${MAX_PATTERN_BYTES} the receiver's environment leaves for it`,
            `replace exact types by family wildcards such as "invoice.*"`,
        );
    }
    return { eventTypes, eventPattern };
}

function resolveExistingEventBus(args: StripeAnalyticsPipelineArgs): ExistingEventBus | undefined {
    const { existingEventBusName: name, existingEventBusArn: arn } = args;
    if (name === undefined && arn === undefined) {
        return undefined;
    }
    if (arn === undefined) {
        throw new PipelineConfigError(
            "existingEventBusName",
            name,
            "existingEventBusArn is not set, and the IAM policies need the bus's ARN",
            `set existingEventBusArn as well (\`aws events describe-event-bus --name ${name}\` shows it)`,
        );
    }
    const match = EVENT_BUS_ARN_PATTERN.exec(arn);
    if (match === null) {
        throw new PipelineConfigError(
            "existingEventBusArn",
            arn,
            "not the ARN of an EventBridge event bus",
            "use arn:aws:events:<region>:<account>:event-bus/<name> (`aws events describe-event-bus --name <name>` shows it)",
        );
    }
    if (name === undefined) {
        throw new PipelineConfigError(
            "existingEventBusArn",
            arn,
            "existingEventBusName is not set, and the rule and the receiver address the bus by name",
            `set existingEventBusName to "${match[1]}"`,
        );
    }
    if (match[1] !== name) {
        throw new PipelineConfigError(
            "existingEventBusArn",
            arn,
            `it names the bus "${match[1]}", not existingEventBusName "${name}"`,
            "give the name and the ARN of the same bus",
        );
    }
    if (name.startsWith(PARTNER_BUS_PREFIX)) {
        throw new PipelineConfigError(
            "existingEventBusName",
            name,
            "a partner event bus accepts events only from its partner, so the receiver could not publish to it",
            "use a custom event bus of your own, or remove existingEventBusName and existingEventBusArn to let the component create one",
        );
    }
    return { name, arn };
}

/** `ingestion` "eventbridge" refuses an existing bus itself (ingestion/settings.ts), so its checks are skipped then. */
export function resolveRoutingSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks, ingestion?: IngestionMode): RoutingSettings | undefined {
    const events = checks.run(() => resolveEventTypes(args.extraEventTypes ?? []));
    const delivery = checks.fields({
        retryMaximumEventAgeSeconds: () => integerIn("retryMaximumEventAgeSeconds", args.retryMaximumEventAgeSeconds, 60, 86400, "seconds", "86400") ?? 86400,
        retryMaximumAttempts: () => integerIn("retryMaximumAttempts", args.retryMaximumAttempts, 0, 185, "attempts", "185") ?? 185,
        archiveRetentionDays: () => integerIn("archiveRetentionDays", args.archiveRetentionDays, 1, 36500, "days", "30") ?? 30,
        existingEventBus: () => (ingestion === "eventbridge" ? undefined : resolveExistingEventBus(args)),
    });
    return events && delivery && { ...events, ...delivery };
}
