import { nearest, Tolerance } from "../common/nearest";
import { PipelineConfigError } from "../errors";
import { STRIPE_EVENT_TYPES } from "./catalog.generated";

/** The events every pipeline archives: a subscription starting and a checkout completing. */
export const DEFAULT_EVENT_TYPES: readonly string[] = ["checkout.session.completed", "customer.subscription.created"];

const EVENT_TYPES_DOC = "https://docs.stripe.com/api/events/types";
const CATALOG = new Set(STRIPE_EVENT_TYPES);
const FAMILIES = [...new Set(STRIPE_EVENT_TYPES.flatMap((t) => familiesOf(t)))].sort();

/**
 * The validated event types of one pipeline.
 * `exact` and `prefixes` drive the EventBridge rule (a `family.*` entry stays a prefix match, so
 * types Stripe adds to that family later are archived too); `enabledEvents` is the concrete list
 * for the Stripe webhook endpoint, whose `enabled_events` accepts only exact types.
 */
export interface EventTypeSelection {
    exact: string[];
    /** Prefixes such as `payment_intent.` from `payment_intent.*` entries. */
    prefixes: string[];
    enabledEvents: string[];
}

/** Every dotted prefix of an event type that has children: `a.b.c` gives `a.` and `a.b.`. */
function familiesOf(type: string): string[] {
    const parts = type.split(".");
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join(".") + ".");
}

/**
 * Validates the configured extra event types, adds the defaults and expands wildcards.
 * Throws a PipelineConfigError naming `key[index]` for the first entry Stripe would not accept.
 */
export function selectEventTypes(extraEventTypes: readonly string[] = [], key = "extraEventTypes"): EventTypeSelection {
    const exact = new Set<string>();
    const prefixes = new Set<string>();
    const entries = [...DEFAULT_EVENT_TYPES.map((t) => ({ t, k: "DEFAULT_EVENT_TYPES" })), ...extraEventTypes.map((t, i) => ({ t, k: `${key}[${i}]` }))];
    for (const { t, k } of entries) {
        const entry = validateEventTypeEntry(t, k);
        if (entry.endsWith(".*")) {
            prefixes.add(entry.slice(0, -1));
        } else {
            exact.add(entry);
        }
    }
    // An exact type already covered by a family adds nothing to the rule.
    const uncovered = [...exact].filter((t) => ![...prefixes].some((p) => t.startsWith(p)));
    const enabledEvents = STRIPE_EVENT_TYPES.filter((t) => exact.has(t) || [...prefixes].some((p) => t.startsWith(p)));
    return { exact: uncovered.sort(), prefixes: [...prefixes].sort(), enabledEvents };
}

function validateEventTypeEntry(value: unknown, key: string): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw new PipelineConfigError(key, value, "an event type must be a non-empty string", `use a Stripe event type such as "customer.subscription.deleted" (${EVENT_TYPES_DOC})`);
    }
    if (value === "*") {
        throw new PipelineConfigError(
            key,
            value,
            "\"*\" would archive every event of the account, including ones Stripe adds later",
            `list the families you analyse instead, for example "customer.subscription.*" or "payment_intent.*"`,
        );
    }
    if (value.endsWith(".*")) {
        const family = value.slice(0, -1);
        if (family.includes("*") || !FAMILIES.includes(family)) {
            const near = nearest(family, FAMILIES, EVENT_TYPE_TOLERANCE);
            throw new PipelineConfigError(
                key,
                value,
                `no Stripe event type starts with "${family}"`,
                `${near ? `did you mean "${near}*"? ` : ""}Wildcards must be a whole family followed by ".*" (${EVENT_TYPES_DOC})`,
            );
        }
        return value;
    }
    if (value.includes("*")) {
        throw new PipelineConfigError(
            key,
            value,
            "Stripe accepts only exact event types, and this component only expands a trailing \".*\" family wildcard",
            `write the family as "${value.slice(0, value.lastIndexOf(".") + 1)}*" or list the exact types`,
        );
    }
    if (!CATALOG.has(value)) {
        const near = suggestEventType(value);
        throw new PipelineConfigError(
            key,
            value,
            "not a Stripe event type",
            `${near ? `did you mean "${near}"? ` : ""}Use an exact type from ${EVENT_TYPES_DOC} or a family wildcard such as "customer.subscription.*"`,
        );
    }
    return value;
}

// Stripe's names for an ending differ from the ones people guess: a canceled subscription is
// `customer.subscription.deleted`, and the API spells "canceled" with one l.
const ENDING_ALIASES: Record<string, string[]> = {
    cancelled: ["canceled", "deleted"],
    canceled: ["deleted"],
    cancel: ["canceled", "deleted"],
    cancellation: ["canceled", "deleted"],
    removed: ["deleted"],
    ended: ["deleted"],
    create: ["created"],
    update: ["updated"],
    delete: ["deleted"],
    complete: ["completed"],
};

/** The real event type a user most likely meant, or undefined when nothing is close. */
export function suggestEventType(unknown: string): string | undefined {
    const candidate = unknown.trim().toLowerCase();
    if (CATALOG.has(candidate)) {
        return candidate;
    }
    const cut = candidate.lastIndexOf(".");
    const family = candidate.slice(0, cut + 1);
    for (const ending of ENDING_ALIASES[candidate.slice(cut + 1)] ?? []) {
        if (CATALOG.has(family + ending)) {
            return family + ending;
        }
    }
    return nearest(candidate, STRIPE_EVENT_TYPES, EVENT_TYPE_TOLERANCE);
}

/** Event types are long dotted words: a wrong segment (`customer.subscriptions.created`) is still a typo. */
const EVENT_TYPE_TOLERANCE: Tolerance = (word) => Math.max(3, Math.floor(word.length / 3));
