/**
 * docs/reference/alarms.md: every CloudWatch alarm the component can create, from buildAlarmSpecs
 * (components/monitoring/alarms.ts), which the component deploys as they are. Which settings an
 * alarm depends on is found by building the specs with and without each of them, not written here.
 */
import { AlarmOptions, AlarmSpec, AlarmTargets, buildAlarmSpecs, receiverMetricsNamespace } from "../../components/monitoring/alarms";
import { DocReference, generatedBanner, table } from "./reference";

const SOURCE = "components/monitoring/alarms.ts";

/** Placeholders for the resources, as they read in the table. */
const TARGETS: Required<AlarmTargets<string>> = {
    receiverFunctionName: "<receiver function>",
    receiverMetricsNamespace: receiverMetricsNamespace("<receiver function>"),
    eventBusName: "<bus>",
    ruleName: "<rule>",
    stateMachineArn: "<archive state machine>",
    deadLetterQueueName: "<dead-letter queue>",
    compactionStateMachineArn: "<compaction state machine>",
};

/** The value the no-events alarm is shown with; its description names the configured hours. */
const EXAMPLE_NO_EVENTS_HOURS = 24;
const EVERY_ALARM: AlarmOptions = { ingestion: "webhook", noEventsAlarmHours: EXAMPLE_NO_EVENTS_HOURS };

/** Each setting some alarms need: the specs without it, and how the table names it. */
const CONDITIONS: { when: string; specs: AlarmSpec<string>[] }[] = [
    {
        when: "`ingestion: webhook`",
        specs: buildAlarmSpecs({ ...TARGETS, receiverFunctionName: undefined, receiverMetricsNamespace: undefined }, { ...EVERY_ALARM, ingestion: "eventbridge" }),
    },
    { when: "`compaction: true`", specs: buildAlarmSpecs({ ...TARGETS, compactionStateMachineArn: undefined }, EVERY_ALARM) },
    { when: "`noEventsAlarmHours` set", specs: buildAlarmSpecs(TARGETS, { ...EVERY_ALARM, noEventsAlarmHours: undefined }) },
];

const OPERATORS: Record<AlarmSpec<string>["comparisonOperator"], string> = { GreaterThanOrEqualToThreshold: "≥", LessThanThreshold: "<" };

function duration(seconds: number): string {
    return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds / 60} min`;
}

function metricCell(spec: AlarmSpec<string>): string {
    const dimensions = Object.entries(spec.dimensions).map(([k, v]) => `\`${k}=${v}\``);
    return `\`${spec.namespace}\` \`${spec.metricName}\`${dimensions.length > 0 ? ` (${dimensions.join(", ")})` : ""}`;
}

function firesCell(spec: AlarmSpec<string>): string {
    const periods =
        spec.evaluationPeriods === 1
            ? `in a ${duration(spec.period)} period`
            : spec.datapointsToAlarm === spec.evaluationPeriods
              ? `in each of ${spec.evaluationPeriods} consecutive ${duration(spec.period)} periods`
              : `in ${spec.datapointsToAlarm} of ${spec.evaluationPeriods} consecutive ${duration(spec.period)} periods`;
    const missing = spec.treatMissingData === "breaching" ? "; a period without data counts as a breach" : "; a period without data counts as fine";
    return `${spec.statistic} ${OPERATORS[spec.comparisonOperator]} ${spec.threshold} ${periods}${missing}`;
}

export function renderAlarms(): string {
    const every = buildAlarmSpecs(TARGETS, EVERY_ALARM);
    const existsWhen = (role: string) => CONDITIONS.filter((c) => !c.specs.some((s) => s.role === role)).map((c) => c.when).join(" and ") || "always";
    const rows = every.map((spec) => [`\`${spec.role}\``, existsWhen(spec.role), metricCell(spec), firesCell(spec), spec.description]);
    const partner = buildAlarmSpecs({ ...TARGETS, receiverFunctionName: undefined, receiverMetricsNamespace: undefined }, { ...EVERY_ALARM, ingestion: "eventbridge" });
    const partnerRows = partner.filter((spec) => spec.description !== every.find((s) => s.role === spec.role)?.description).map((spec) => [`\`${spec.role}\``, spec.description]);
    return `${generatedBanner("scripts/docs/alarms.ts", [SOURCE])}
# Alarms

Every CloudWatch alarm the component creates, named \`<name>-alarm-<role>\`. The last column is the
alarm's description, which CloudWatch sends with every notification: what happened and what to do.
Who gets notified (\`createAlarmTopic\`, \`alarmEmail\`, \`alarmTopicArn\`) and the commands the
descriptions name are in [operations.md](../operations.md#alarms). Each alarm notifies on ALARM and
again on OK. The no-events alarm is shown with \`noEventsAlarmHours: ${EXAMPLE_NO_EVENTS_HOURS}\`.

${table(["role", "exists with", "metric", "fires when", "what it means and what to do"], rows)}
With \`ingestion: eventbridge\` there is no receiver, hence none of its alarms, and these descriptions
read differently:

${table(["role", "what it means and what to do (eventbridge)"], partnerRows)}`;
}

export const alarmsReference: DocReference = { file: "docs/reference/alarms.md", render: renderAlarms };
