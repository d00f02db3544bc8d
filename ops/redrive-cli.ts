/**
 * `npm run redrive`: parked events back through the archive workflow.
 *   local (default):  npm run redrive -- [--lake .lake] [--dead-letter DIR] [--journal DIR] [--stack dev] [--ingestion eventbridge]
 *   deployed stack:   npm run redrive -- --queue-url <deadLetterQueueUrl> --state-machine-arn <stateMachineArn> [--region us-east-1]
 *                     [--bucket <bucketName> --lake-prefix <lakePrefix>]
 * (`pulumi stack output deadLetterQueueUrl`, `stateMachineArn`, `bucketName` and `lakePrefix` give the values.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SFNClient } from "@aws-sdk/client-sfn";
import { CliIo, defineCommand, runMain, UsageError } from "../lib/cli";
import { JOURNAL_OPTION, journalFolder, readJournal } from "../lib/journal";
import { DEAD_LETTER_OPTION, LAKE_OPTION, LocalDeadLetterQueue, LocalLake } from "../lib/lakeStore";
import { LocalWorkflow } from "../lib/localWorkflow";
import { INGESTION_OPTION, loadStackConfig, STACK_OPTION, withIngestion } from "../lib/stackConfig";
import { directoryLake, s3Lake } from "./lake";
import { redrive, RedriveReport } from "./redrive";
import { localExecutor, localParkedEvents, sqsParkedEvents, stateMachineExecutor } from "./redriveSources";

export const redriveCommand = defineCommand({
    name: "redrive",
    summary: "Sends the events parked in the dead-letter queue back through the archive workflow.",
    description:
        "Locally (the default) it reads the dead-letter folder (--dead-letter, and a lake's older <lake>/.dead-letter) and runs the local workflow, " +
        "and reports the events npm start accepted that are still in its journal, neither stored nor parked (npm start runs those again); with --queue-url and " +
        "--state-machine-arn it reads the deployed SQS queue and starts the deployed state machine " +
        "(`pulumi stack output deadLetterQueueUrl` and `stateMachineArn` give the two values). " +
        "A message is deleted only once its event is stored or parked anew; it stops when the lake still refuses writes. " +
        "An event too big for the workflow's 256 KiB input (parked at once with ingestion eventbridge) is written straight to its lake key " +
        "instead, the same compact document at the same key: locally always, on AWS with --bucket and --lake-prefix. " +
        "Exit code 1 when events are left in the queue, or are in the journal after a run that could neither store nor park them.",
    options: {
        lake: LAKE_OPTION,
        "dead-letter": DEAD_LETTER_OPTION,
        journal: JOURNAL_OPTION,
        stack: STACK_OPTION,
        ingestion: INGESTION_OPTION,
        "queue-url": { type: "string", placeholder: "URL", description: "the deployed dead-letter queue (stack output deadLetterQueueUrl)" },
        "state-machine-arn": { type: "string", placeholder: "ARN", description: "the deployed workflow (stack output stateMachineArn), with --queue-url" },
        bucket: { type: "string", placeholder: "NAME", description: "the deployed lake bucket (stack output bucketName), for events too big for the workflow; with --lake-prefix" },
        "lake-prefix": { type: "string", placeholder: "PREFIX", description: "the deployed lake prefix (stack output lakePrefix), with --bucket" },
        region: { type: "string", placeholder: "REGION", defaultText: "the AWS SDK's usual lookup", description: "AWS region of the queue, state machine and bucket" },
    },
    examples: [
        "npm run redrive",
        "npm run redrive -- --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/stripe-dlq --state-machine-arn arn:aws:states:us-east-1:123456789012:stateMachine:stripe-workflow",
        "npm run redrive -- --queue-url ... --state-machine-arn ... --bucket stripe-lake-1a2b3c4 --lake-prefix events",
    ],
});

export function formatReport(r: RedriveReport): string {
    const direct = r.storedDirectly ? ` (${r.storedDirectly} too big for the workflow, written straight to the lake)` : "";
    return [
        `redrive: ${r.received} parked event(s) received, ${r.stored} stored${direct}, ${r.parkedAgain} parked again, ${r.kept} left in the queue`,
        ...Object.entries(r.parkedFor ?? {}).map(([error, count]) => `  ${count} had been parked by: ${error}`),
        ...r.problems.map((p) => `  ${p}`),
        ...(r.parkedAgain > 0 ? ["  the lake still refuses writes: stopped; run redrive again once the fault is cleared"] : []),
    ].join("\n");
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return redriveCommand.run(argv, io, async (flags) => {
        const queueUrl = flags["queue-url"];
        const stateMachineArn = flags["state-machine-arn"];
        let report: RedriveReport;
        let journalProblems = 0;
        const bucket = flags.bucket;
        const lakePrefix = flags["lake-prefix"];
        if ((bucket === undefined) !== (lakePrefix === undefined)) throw new UsageError("--bucket and --lake-prefix go together");
        if (queueUrl || stateMachineArn) {
            if (!queueUrl || !stateMachineArn) throw new UsageError("--queue-url and --state-machine-arn go together");
            const direct = bucket === undefined || lakePrefix === undefined ? undefined : { lake: s3Lake(new S3Client({ region: flags.region }), bucket), lakePrefix };
            report = await redrive(sqsParkedEvents(new SQSClient({ region: flags.region }), queueUrl), stateMachineExecutor(new SFNClient({ region: flags.region }), stateMachineArn), direct);
        } else {
            if (bucket !== undefined) throw new UsageError("--bucket is for a deployed stack, with --queue-url; locally the lake is --lake");
            const settings = withIngestion(loadStackConfig(flags.stack), flags.ingestion).settings;
            const lakeDir = path.resolve(io.cwd, flags.lake);
            const given = (flag: string | undefined) => (flag === undefined ? undefined : path.resolve(io.cwd, flag));
            const deadLetterQueue = LocalDeadLetterQueue.forLake(lakeDir, given(flags["dead-letter"]));
            const journalDir = journalFolder(lakeDir, given(flags.journal));
            // A mistyped --lake would otherwise find an empty queue and report success.
            if (![lakeDir, deadLetterQueue.dir, journalDir].some((dir) => fs.existsSync(dir))) {
                throw new Error(`no lake at ${lakeDir} (nor its dead-letter folder ${deadLetterQueue.dir} or journal ${journalDir}): pass the --lake npm start printed on its "lake" line (default .lake, in the folder you ran npm start from)`);
            }
            const legacy = (await new LocalDeadLetterQueue(deadLetterQueue.alsoReads[0]).receive()).length;
            if (legacy > 0) io.stdout.write(`reading ${legacy} parked event(s) from ${deadLetterQueue.alsoReads[0]} too, where lakes kept them before the dead-letter folder moved beside the lake\n`);
            const workflow = new LocalWorkflow({ lake: new LocalLake(lakeDir), deadLetterQueue, lakePrefix: settings.lakePrefix, ingestion: settings.ingestion });
            report = await redrive(localParkedEvents(deadLetterQueue), localExecutor(workflow), { lake: directoryLake(lakeDir), lakePrefix: settings.lakePrefix });
            const { unfinished } = await readJournal(journalDir);
            const failed = unfinished.filter((e) => e.lastError !== undefined);
            const idOf = (e: (typeof unfinished)[number]) => (e.event.detail as { id?: string }).id ?? "?";
            for (const e of failed) report.problems.push(`event ${idOf(e)}: neither stored nor parked (${e.lastError}); still in the journal ${journalDir}, npm start keeps retrying it`);
            if (unfinished.length > failed.length) {
                report.problems.push(`${unfinished.length - failed.length} more event(s) in the journal are accepted and not finished yet: npm start is running them, or runs them at its next start`);
            }
            journalProblems = failed.length;
        }
        io.stdout.write(`${formatReport(report)}\n`);
        return report.kept > 0 || report.parkedAgain > 0 || journalProblems > 0 ? 1 : 0;
    });
}

if (require.main === module) {
    runMain(main);
}
