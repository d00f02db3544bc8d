/** The alarms' settings: which topic they notify, who is subscribed to a created one, and the no-events alarm. */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";
import { PipelineConfigError } from "../errors";

/** The topic the alarms notify: one the component creates, the caller's `alarmTopicArn`, or none. */
export type AlarmTopicChoice = { kind: "created" } | { kind: "existing"; arn: pulumi.Input<string> } | { kind: "none" };

export interface MonitoringSettings {
    createAlarmTopic: boolean;
    alarmTopic: AlarmTopicChoice;
    alarmEmail?: string;
    noEventsAlarmHours?: number;
}

/** Enough to catch a missing `@` or domain; SNS itself rejects what this lets through. */
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function resolveAlarmTopic(args: StripeAnalyticsPipelineArgs): AlarmTopicChoice {
    if (args.createAlarmTopic && args.alarmTopicArn !== undefined) {
        throw new PipelineConfigError("createAlarmTopic", true, "alarmTopicArn is set as well, and the alarms notify one topic", "remove createAlarmTopic to use the existing topic, or remove alarmTopicArn to create one");
    }
    if (args.createAlarmTopic) return { kind: "created" };
    return args.alarmTopicArn === undefined ? { kind: "none" } : { kind: "existing", arn: args.alarmTopicArn };
}

function resolveAlarmEmail(alarmEmail: string | undefined, createAlarmTopic: boolean): string | undefined {
    if (alarmEmail !== undefined) {
        if (!createAlarmTopic) {
            throw new PipelineConfigError("alarmEmail", alarmEmail, "only the topic this component creates is subscribed", "set createAlarmTopic: true, or subscribe the address to your own alarmTopicArn topic where that topic is managed");
        }
        if (!EMAIL_PATTERN.test(alarmEmail)) {
            throw new PipelineConfigError("alarmEmail", alarmEmail, "not an email address", "use an address such as \"oncall@example.com\"");
        }
    }
    return alarmEmail;
}

export function resolveMonitoringSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): MonitoringSettings | undefined {
    const createAlarmTopic = args.createAlarmTopic ?? false;
    return checks.fields({
        createAlarmTopic: () => createAlarmTopic,
        alarmTopic: () => resolveAlarmTopic(args),
        alarmEmail: () => resolveAlarmEmail(args.alarmEmail, createAlarmTopic),
        noEventsAlarmHours: () => integerIn("noEventsAlarmHours", args.noEventsAlarmHours, 1, 168, "hours", "off"),
    });
}
