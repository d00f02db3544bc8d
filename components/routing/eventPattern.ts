import { EventTypeSelection } from "../events/eventTypes";

/** EventBridge `source` of every entry the receiver publishes to the bus; the rule and the archive match only this source. */
export const EVENT_SOURCE = "stripe-analytics.webhook";

type PatternValue = string | { prefix: string };

/** The EventBridge event pattern subset this component generates. */
export interface StripeEventPattern {
    source: string[];
    "detail-type": PatternValue[];
}

/**
 * The rule's pattern: the events' source (our receiver's, or with ingestion "eventbridge" the
 * partner event source's name), and a `detail-type` (the Stripe event type) that is one of the
 * exact types or starts with one of the family prefixes.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function buildEventPattern(selection: EventTypeSelection, source: string = EVENT_SOURCE): StripeEventPattern {
    return {
        source: [source],
        "detail-type": [...selection.exact, ...selection.prefixes.map((prefix) => ({ prefix }))],
    };
}

/**
 * The archive's pattern: every event of the source (what our receiver published, or what Stripe's
 * event destination delivered), whatever its type, so a replay can also recover types that are
 * added to the rule later.
 */
export function buildArchivePattern(source: string = EVENT_SOURCE): { source: string[] } {
    return { source: [source] };
}

/**
 * Evaluates an event pattern against an event the way EventBridge does, for the operators
 * patterns may use here (exact values and `prefix`); any other operator throws rather than
 * guessing. Used by the tests and by the local pipeline, so both run the deployed pattern.
 */
export function matchesEventPattern(pattern: object, event: object): boolean {
    return Object.entries(pattern).every(([field, expected]) => {
        const actual = (event as Record<string, unknown>)[field];
        if (Array.isArray(expected)) {
            return expected.some((candidate) => matchesValue(candidate, actual));
        }
        if (expected !== null && typeof expected === "object") {
            return actual !== null && typeof actual === "object" && !Array.isArray(actual) && matchesEventPattern(expected, actual);
        }
        throw new Error(`Invalid event pattern: field "${field}" must be an array of values or a nested pattern`);
    });
}

function matchesValue(candidate: unknown, actual: unknown): boolean {
    // EventBridge matches an array-valued field when any element matches.
    if (Array.isArray(actual)) {
        return actual.some((element) => matchesValue(candidate, element));
    }
    if (candidate === null || typeof candidate !== "object") {
        return candidate === actual;
    }
    const operators = Object.keys(candidate);
    if (operators.length === 1 && operators[0] === "prefix") {
        return typeof actual === "string" && actual.startsWith((candidate as { prefix: string }).prefix);
    }
    throw new Error(`Unsupported event pattern operator ${JSON.stringify(candidate)}`);
}
