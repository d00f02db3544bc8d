/**
 * `npm run redrive`: parked events back through the archive workflow.
 *   local (default):  npm run redrive -- [--lake .lake] [--stack dev]
 *   deployed stack:   npm run redrive -- --queue-url <deadLetterQueueUrl> --state-machine-arn <stateMachineArn> [--region us-east-1]
 * (`pulumi stack output deadLetterQueueUrl` and `stateMachineArn` give the two values.)
 */
import * as path from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SFNClient } from "@aws-sdk/client-sfn";
import { loadConfigFor, parseFlags, runCli } from "../local/cli";
import { LocalDeadLetterQueue, LocalLake } from "../local/lake";
import { LocalWorkflow } from "../local/workflow";
import { redrive, RedriveReport } from "./redrive";
import { localExecutor, localParkedEvents, sqsParkedEvents, stateMachineExecutor } from "./redriveSources";

const USAGE = `npm run redrive -- [--lake .lake] [--stack dev]
npm run redrive -- --queue-url URL --state-machine-arn ARN [--region REGION]`;

export function formatReport(r: RedriveReport): string {
    return [
        `redrive: ${r.received} parked event(s) received, ${r.stored} stored, ${r.parkedAgain} parked again, ${r.kept} left in the queue`,
        ...r.problems.map((p) => `  ${p}`),
        ...(r.parkedAgain > 0 ? ["  the lake still refuses writes: stopped; run redrive again once the fault is cleared"] : []),
    ].join("\n");
}

if (require.main === module) {
    runCli(async () => {
        const flags = parseFlags({ "queue-url": { type: "string" }, "state-machine-arn": { type: "string" }, region: { type: "string" } }, USAGE);
        const queueUrl = flags["queue-url"] as string | undefined;
        const stateMachineArn = flags["state-machine-arn"] as string | undefined;
        let report: RedriveReport;
        if (queueUrl || stateMachineArn) {
            if (!queueUrl || !stateMachineArn) throw new Error("--queue-url and --state-machine-arn go together");
            const region = flags.region as string | undefined;
            report = await redrive(sqsParkedEvents(new SQSClient({ region }), queueUrl), stateMachineExecutor(new SFNClient({ region }), stateMachineArn));
        } else {
            const settings = loadConfigFor(flags.stack).settings;
            const lakeDir = path.resolve(flags.lake);
            const deadLetterQueue = new LocalDeadLetterQueue(lakeDir);
            const workflow = new LocalWorkflow({ lake: new LocalLake(lakeDir), deadLetterQueue, lakePrefix: settings.lakePrefix });
            report = await redrive(localParkedEvents(deadLetterQueue), localExecutor(workflow));
        }
        console.log(formatReport(report));
        return report.kept > 0 || report.parkedAgain > 0 ? 1 : 0;
    });
}
