/**
 * Ingestion "eventbridge": a Stripe event destination of type `amazon_eventbridge`. Stripe creates a
 * partner event source in the deploying account and region; routing (routing/index.ts) creates the
 * partner bus of the same name, which associates the source, and the rule on it. Nothing of this
 * part is reachable from the internet, and there is no signature to check: the events come through
 * AWS's own partner delivery. https://docs.stripe.com/event-destinations/eventbridge
 */
import * as pulumi from "@pulumi/pulumi";
import * as stripe from "@pulumi/stripe";
import { PartContext } from "../context";
import { Storage } from "../storage";
import { EVENTBRIDGE_UNSUPPORTED_EVENT_TYPES } from "./settings";

export interface EventBridgeIngestion {
    mode: "eventbridge";
    eventDestination: stripe.V2CoreEventDestination;
    /** `aws.partner/stripe.com/ed_...`: the partner event source Stripe created, the name of its bus and the `source` of its events. */
    eventSourceName: pulumi.Output<string>;
}

/** What the Stripe Dashboard shows for the pipeline's webhook endpoint or event destination. */
export function stripeDescription(name: string): string {
    return `stripe-analytics ${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
}

/**
 * The partner event source's name from its ARN, `arn:aws:events:<region>::event-source/<name>`: the
 * part after `event-source/` (https://docs.stripe.com/event-destinations/eventbridge). Taken from
 * this destination's own output rather than looked up, because a test-mode source (`ed_test_...`)
 * and a live one (`ed_...`) can exist side by side in one account and region.
 */
export function partnerEventSourceName(eventSourceArn: string | undefined): string {
    const name = eventSourceArn?.split(":event-source/")[1];
    if (!name?.startsWith("aws.partner/")) {
        throw new Error(`Stripe's event destination reported ${JSON.stringify(eventSourceArn)} as its amazon_eventbridge aws_event_source_arn, not the ARN of a partner event source (arn:aws:events:<region>::event-source/aws.partner/stripe.com/ed_...)`);
    }
    return name;
}

/**
 * The event destination: the configured event types as full snapshot events (`detail` is the
 * Stripe event, as the webhook endpoint would post it) rendered with `stripeApiVersion`, delivered
 * to EventBridge in the deploying account and region.
 */
export function createEventDestination(ctx: PartContext, { storage }: { storage: Storage }): EventBridgeIngestion {
    const { name, settings, parent } = ctx;
    // The region of the pipeline's own queue (arn:<partition>:sqs:<region>:...) is the one its provider deploys to; saves an aws.getRegion call.
    const region = storage.deadLetterQueue.arn.apply((arn) => arn.split(":")[3]);
    const eventDestination = new stripe.V2CoreEventDestination(
        `${name}-event-destination`,
        {
            type: "amazon_eventbridge",
            eventPayload: "snapshot",
            // What a family wildcard covers but Stripe cannot send to EventBridge (an exact one is refused in settings).
            enabledEvents: settings.eventTypes.enabledEvents.filter((type) => !EVENTBRIDGE_UNSUPPORTED_EVENT_TYPES.includes(type)),
            snapshotApiVersion: settings.stripeApiVersion,
            amazonEventbridges: [{ awsAccountId: ctx.accountId, awsRegion: region }],
            description: stripeDescription(name),
        },
        { parent },
    );
    const eventSourceName = eventDestination.amazonEventbridges.apply((destinations) => partnerEventSourceName(destinations?.[0]?.awsEventSourceArn));
    return { mode: "eventbridge", eventDestination, eventSourceName };
}
