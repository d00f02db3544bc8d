import { strict as assert } from "assert";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { main } from "../../ops/replay-cli";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NOT_PARKED_CAUSE } from "../../components/workflow/archiveStep";
import { buildReplayRequest, FAILED_EVENTS_QUERY, parseFailedEvents, replayName, replayWindows } from "../../ops/replay";
import { awsJson, FAKE_CREDENTIALS, RecordedRequest, StandIn, startStandIn, testIo } from "../support/standIns";

const ARCHIVE = "arn:aws:events:eu-west-1:123456789012:archive/stripe-archive-a1b2c3d";
const BUS = "arn:aws:events:eu-west-1:123456789012:event-bus/stripe-bus-a1b2c3d";
const RULE = "arn:aws:events:eu-west-1:123456789012:rule/stripe-bus-a1b2c3d/stripe-rule-a1b2c3d";
const NOW = new Date("2025-03-01T12:00:00Z");
const target = { archiveArn: ARCHIVE, eventBusArn: BUS, ruleArn: RULE };

/** An EventBridge stand-in whose replay runs through `states` on successive DescribeReplay calls. */
function eventBridgeStandIn(states: { State: string; EventLastReplayedTime?: number; StateReason?: string }[]): Promise<StandIn> {
    let describes = 0;
    return startStandIn((req: RecordedRequest) => {
        const operation = req.headers["x-amz-target"];
        const body = JSON.parse(req.body);
        if (operation === "AWSEvents.StartReplay") {
            return awsJson({ ReplayArn: `arn:aws:events:eu-west-1:123456789012:replay/${body.ReplayName}`, State: "STARTING", ReplayStartTime: NOW.getTime() / 1000 });
        }
        if (operation === "AWSEvents.DescribeReplay") {
            return awsJson({ ReplayName: body.ReplayName, ...states[Math.min(describes++, states.length - 1)] });
        }
        return awsJson({ __type: "UnknownOperationException", message: String(operation) }, 400);
    });
}

describe("replay", function () {
    describe("the StartReplay request", function () {
        it("replays the window from the archive to the pipeline's bus, through its rule only", function () {
            const request = buildReplayRequest(target, { from: new Date("2025-02-01T00:00:00Z"), to: new Date("2025-02-02T06:00:00Z") }, "r1", NOW);
            assert.deepEqual(request, {
                ReplayName: "r1",
                Description: "Stripe events created 2025-02-01T00:00:00.000Z to 2025-02-02T06:00:00.000Z, through the archive rule only",
                EventSourceArn: ARCHIVE,
                EventStartTime: new Date("2025-02-01T00:00:00Z"),
                EventEndTime: new Date("2025-02-02T06:00:00Z"),
                Destination: { Arn: BUS, FilterArns: [RULE] },
            });
        });

        it("ends a window that reaches past now at now", function () {
            const request = buildReplayRequest(target, { from: new Date("2025-03-01T00:00:00Z"), to: new Date("2025-03-05T00:00:00Z") }, "r1", NOW);
            assert.deepEqual(request.EventEndTime, NOW);
        });

        it("refuses inverted windows, windows in the future, bad names and non-archive ARNs", function () {
            const at = (s: string) => new Date(s);
            assert.throws(() => buildReplayRequest(target, { from: at("2025-02-02T00:00:00Z"), to: at("2025-02-01T00:00:00Z") }, "r1", NOW), {
                name: "UsageError",
                message: "--from 2025-02-02T00:00:00.000Z must be before --to 2025-02-01T00:00:00.000Z",
            });
            assert.throws(() => buildReplayRequest(target, { from: at("2025-03-02T00:00:00Z"), to: at("2025-03-03T00:00:00Z") }, "r1", NOW), {
                message: "--from 2025-03-02T00:00:00.000Z is in the future; the archive only has events up to now",
            });
            assert.throws(() => buildReplayRequest(target, { from: at("2025-02-01T00:00:00Z"), to: at("2025-02-02T00:00:00Z") }, "my replay", NOW), {
                message: `--name "my replay": a replay name is 1 to 64 letters, digits, '.', '-' or '_'`,
            });
            assert.throws(() => buildReplayRequest({ ...target, archiveArn: BUS }, { from: at("2025-02-01T00:00:00Z"), to: at("2025-02-02T00:00:00Z") }, "r1", NOW), {
                message: `--archive-arn "${BUS}" is not an EventBridge archive ARN (arn:aws:events:<region>:<account>:archive/<name>)`,
            });
        });

        it("names a replay after its archive and start time, within EventBridge's 64 characters", function () {
            assert.equal(replayName(ARCHIVE, NOW), "stripe-archive-a1b2c3d-20250301T120000Z");
            const long = `arn:aws:events:eu-west-1:123456789012:archive/${"a".repeat(48)}`;
            assert.equal(replayName(long, NOW), `${"a".repeat(47)}-20250301T120000Z`);
            assert.equal(replayName(long, NOW).length, 64);
        });
    });

    describe("npm run replay (against a local EventBridge stand-in)", function () {
        let standIn: StandIn;
        afterEach(async () => standIn?.close());
        const client = () => new EventBridgeClient({ region: "eu-west-1", endpoint: standIn.url, credentials: FAKE_CREDENTIALS });

        it("starts the replay with the flags' ARNs and follows it to COMPLETED", async function () {
            standIn = await eventBridgeStandIn([
                { State: "RUNNING" },
                { State: "RUNNING", EventLastReplayedTime: Date.parse("2025-02-01T12:00:00Z") / 1000 },
                { State: "COMPLETED", EventLastReplayedTime: Date.parse("2025-02-01T23:59:00Z") / 1000 },
            ]);
            const regions: string[] = [];
            const io = testIo();
            const code = await main(
                ["--from", "2025-02-01", "--to", "2025-02-02", "--archive-arn", ARCHIVE, "--bus-arn", BUS, "--rule-arn", RULE, "--poll-seconds", "2"],
                io,
                (region) => {
                    regions.push(region);
                    return client();
                },
            );
            assert.equal(code, 0, io.err());
            assert.deepEqual(regions, ["eu-west-1"]);
            assert.deepEqual(
                standIn.requests.map((r) => r.headers["x-amz-target"]),
                ["AWSEvents.StartReplay", "AWSEvents.DescribeReplay", "AWSEvents.DescribeReplay", "AWSEvents.DescribeReplay"],
            );
            assert.deepEqual(JSON.parse(standIn.requests[0].body), {
                ReplayName: "stripe-archive-a1b2c3d-20250301T120000Z",
                Description: "Stripe events created 2025-02-01T00:00:00.000Z to 2025-02-02T00:00:00.000Z, through the archive rule only",
                EventSourceArn: ARCHIVE,
                EventStartTime: Date.parse("2025-02-01T00:00:00Z") / 1000,
                EventEndTime: Date.parse("2025-02-02T00:00:00Z") / 1000,
                Destination: { Arn: BUS, FilterArns: [RULE] },
            });
            assert.deepEqual(JSON.parse(standIn.requests[1].body), { ReplayName: "stripe-archive-a1b2c3d-20250301T120000Z" });
            assert.deepEqual(io.sleeps, [2000, 2000, 2000]);
            assert.equal(
                io.out(),
                `Replaying 2025-02-01T00:00:00.000Z .. 2025-02-02T00:00:00.000Z from ${ARCHIVE} to ${RULE} as stripe-archive-a1b2c3d-20250301T120000Z\n` +
                    "COMPLETED: arn:aws:events:eu-west-1:123456789012:replay/stripe-archive-a1b2c3d-20250301T120000Z, events replayed up to 2025-02-01T23:59:00.000Z\n",
            );
            // Not a terminal: one line per poll at most every 5 s of the (fixed) clock, and the last one.
            assert.equal(io.err(), "[........................]   0% RUNNING\n[########################] 100% COMPLETED, replayed up to 2025-02-01T23:59:00.000Z\n");
        });

        it("takes the ARNs from `pulumi stack output` when the flags are absent", async function () {
            standIn = await eventBridgeStandIn([{ State: "COMPLETED" }]);
            const calls: string[][] = [];
            const io = testIo({
                exec: (file, args) => {
                    calls.push([file, ...args]);
                    return JSON.stringify({ eventArchiveArn: ARCHIVE, eventBusArn: BUS, ruleArn: RULE, bucketName: "stripe-lake-a1b2c3d" });
                },
            });
            assert.equal(await main(["--from", "2025-02-01T00:00:00Z", "--stack", "prod", "--name", "fix-1"], io, client), 0, io.err());
            assert.deepEqual(calls, [["pulumi", "stack", "output", "--json", "--stack", "prod"]]);
            const sent = JSON.parse(standIn.requests[0].body);
            assert.equal(sent.ReplayName, "fix-1");
            assert.deepEqual(sent.Destination, { Arn: BUS, FilterArns: [RULE] });
            // --to defaults to now.
            assert.equal(sent.EventEndTime, NOW.getTime() / 1000);
        });

        it("returns right after starting with --no-wait, and exits 1 when the replay fails", async function () {
            standIn = await eventBridgeStandIn([{ State: "FAILED", StateReason: "Archive is not in ENABLED state" }]);
            const io = testIo();
            const flags = ["--from", "2025-02-01", "--to", "2025-02-02", "--archive-arn", ARCHIVE, "--bus-arn", BUS, "--rule-arn", RULE];
            assert.equal(await main([...flags, "--no-wait"], io, client), 0);
            assert.equal(standIn.requests.length, 1);
            assert.match(io.out(), /STARTING: .*\nFollow it with: aws events describe-replay --replay-name stripe-archive-a1b2c3d-20250301T120000Z --region eu-west-1\n$/);

            const failing = testIo();
            assert.equal(await main([...flags, "--name", "again"], failing, client), 1);
            assert.match(failing.out(), /FAILED: .*replay\/again \(Archive is not in ENABLED state\)\n$/);
        });

        it("names the missing flag when neither flags nor the Pulumi CLI give the ARNs", async function () {
            await assert.rejects(main(["--from", "2025-02-01"], testIo(), client), {
                name: "UsageError",
                message: "--archive-arn is required: the Pulumi CLI (pulumi) is not on PATH, so the deployed stack's eventArchiveArn cannot be read for you. Pass --archive-arn with the value from `pulumi stack output eventArchiveArn` (run where the stack was deployed), or install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/) and log in",
            });
            // The Pulumi CLI is there, the stack is not deployed (or has no such output).
            await assert.rejects(main(["--from", "2025-02-01"], testIo({ exec: () => "{}" }), client), {
                name: "UsageError",
                message: "--archive-arn is required: the stack's outputs (`pulumi stack output --json`, or --stack NAME) have no eventArchiveArn; deploy it (pulumi up) or pass --archive-arn",
            });
            await assert.rejects(main(["--from", "yesterday", "--archive-arn", ARCHIVE], testIo(), client), {
                message: '--from "yesterday" is not a date (2025-01-31) or a date and time with a zone (2025-01-31T12:00:00Z)',
            });
            await assert.rejects(main(["--from", "2025-02-01T10:00:00", "--archive-arn", ARCHIVE], testIo(), client), {
                message: '--from "2025-02-01T10:00:00" is not a date (2025-01-31) or a date and time with a zone (2025-01-31T12:00:00Z)',
            });
            await assert.rejects(main(["--since", "2025-02-01"], testIo(), client), { name: "UsageError", message: "unknown option --since" });
        });
    });

    describe("what to replay: the events neither stored nor parked", function () {
        const cause = (id: string, type: string, time: string) => NOT_PARKED_CAUSE.replace("{}", id).replace("{}", type).replace("{}", time);

        it("lists them with a Logs Insights query whose parse pattern is the Fail state's Cause", function () {
            const pattern = /parse details\.cause "([^"]+)" as eventId, eventType, eventTime/.exec(FAILED_EVENTS_QUERY)?.[1];
            assert.equal(pattern, "event * type * time *: neither in the lake nor parked");
            const asRegExp = new RegExp(`^${pattern!.replace(/\*/g, "(\\S+)")}$`);
            assert.deepEqual(asRegExp.exec(cause("evt_1Abc", "invoice.paid", "2025-02-01T10:00:00Z"))?.slice(1), ["evt_1Abc", "invoice.paid", "2025-02-01T10:00:00Z"]);
            assert.match(FAILED_EVENTS_QUERY, /filter type = "ExecutionFailed" and details\.error = "StripeEventNotStoredNorParked"/);
        });

        it("reads the query's export as the console writes it (CSV or JSON) and as `aws logs get-query-results` prints it", function () {
            const csv = [
                "@timestamp,execution_arn,eventId,eventType,eventTime",
                '2025-02-01 10:00:03.120,"arn:aws:states:eu-west-1:123456789012:express:stripe-workflow:a,b",evt_1A,invoice.paid,2025-02-01T10:00:00Z',
                "2025-02-01 10:05:00.000,arn:x,evt_1B,,",
            ].join("\r\n");
            assert.deepEqual(parseFailedEvents(csv), [
                { eventId: "evt_1A", eventType: "invoice.paid", time: new Date("2025-02-01T10:00:00Z"), timeFrom: "eventTime" },
                { eventId: "evt_1B", eventType: undefined, time: new Date("2025-02-01T10:05:00Z"), timeFrom: "@timestamp" },
            ]);
            const json = JSON.stringify([{ "@timestamp": "2025-02-01 10:00:03.120", eventId: "evt_1A", eventType: "invoice.paid", eventTime: "2025-02-01T10:00:00Z" }]);
            assert.deepEqual(parseFailedEvents(json).map((e) => e.time), [new Date("2025-02-01T10:00:00Z")]);
            const cli = JSON.stringify({ status: "Complete", results: [[{ field: "@timestamp", value: "2025-02-01 10:00:03.120" }, { field: "eventId", value: "evt_1A" }]] });
            assert.deepEqual(parseFailedEvents(cli), [{ eventId: "evt_1A", eventType: undefined, time: new Date("2025-02-01T10:00:03.120Z"), timeFrom: "@timestamp" }]);
            assert.throws(() => parseFailedEvents("@timestamp,other\n2025-02-01 10:00:00.000,x"), { name: "UsageError", message: "--events row 1 has no eventId: export the results of the query printed by --help" });
            assert.throws(() => parseFailedEvents("[{"), { name: "UsageError", message: /^--events: not an export of the Logs Insights query/ });
        });

        it("replays one window per cluster of events, a minute beyond each end", function () {
            const at = (s: string) => new Date(s);
            assert.deepEqual(replayWindows([at("2025-02-01T10:12:30Z"), at("2025-02-01T10:00:00Z"), at("2025-02-01T12:00:00Z")]), [
                { from: at("2025-02-01T09:59:00Z"), to: at("2025-02-01T10:14:00Z") },
                { from: at("2025-02-01T11:59:00Z"), to: at("2025-02-01T12:01:00Z") },
            ]);
        });

        it("npm run replay -- --events FILE starts the windows' replays one after the other, through the rule only", async function () {
            const standIn = await eventBridgeStandIn([{ State: "COMPLETED" }]);
            try {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "replay-events-"));
                const file = path.join(dir, "results.csv");
                fs.writeFileSync(file, ["@timestamp,eventId,eventType,eventTime", "2025-02-01 10:00:03.120,evt_1A,invoice.paid,2025-02-01T10:00:00Z", "2025-02-03 08:00:00.000,evt_1B,invoice.paid,2025-02-03T07:59:30Z"].join("\n"));
                const io = testIo({ cwd: dir });
                const flags = ["--archive-arn", ARCHIVE, "--bus-arn", BUS, "--rule-arn", RULE];
                const client = () => new EventBridgeClient({ region: "eu-west-1", endpoint: standIn.url, credentials: FAKE_CREDENTIALS });
                assert.equal(await main(["--events", "results.csv", ...flags], io, client), 0, io.err());
                const started = standIn.requests.filter((r) => r.headers["x-amz-target"] === "AWSEvents.StartReplay").map((r) => JSON.parse(r.body));
                assert.deepEqual(
                    started.map((r) => [r.ReplayName, r.EventStartTime, r.EventEndTime, r.Destination.FilterArns]),
                    [
                        ["stripe-archive-a1b2c3d-20250301T120000Z", Date.parse("2025-02-01T09:59:00Z") / 1000, Date.parse("2025-02-01T10:01:00Z") / 1000, [RULE]],
                        ["stripe-archive-a1b2c3d-20250301T120000Z-2", Date.parse("2025-02-03T07:58:00Z") / 1000, Date.parse("2025-02-03T08:01:00Z") / 1000, [RULE]],
                    ],
                );
                assert.match(io.out(), /^2 event\(s\) in results\.csv: evt_1A, evt_1B\n/);
                await assert.rejects(main(["--events", "results.csv", "--from", "2025-02-01", ...flags], testIo({ cwd: dir }), client), { message: "--events replaces --from and --to: pass one or the other" });
                await assert.rejects(main(["--events", "missing.csv", ...flags], testIo({ cwd: dir }), client), { message: "--events missing.csv: cannot read it (ENOENT)" });
                await assert.rejects(main(flags, testIo({ cwd: dir }), client), { message: "--from is required, or --events with the export of the failed events" });
                fs.rmSync(dir, { recursive: true, force: true });
            } finally {
                await standIn.close();
            }
        });
    });
});
