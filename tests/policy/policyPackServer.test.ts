/**
 * The policy pack as the Pulumi CLI runs it: `run-policy-pack` compiles policy/index.ts with
 * ts-node and serves the Analyzer gRPC service, which `pulumi preview --policy-pack policy` calls
 * for every resource. This starts that process and calls Analyze the way the engine does.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";

// The gRPC and protobuf copies @pulumi/pulumi itself uses, with its generated Analyzer stubs.
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb");
const analyzerRpc = fromPulumi("./proto/analyzer_grpc_pb");
const analyzerPb = fromPulumi("./proto/analyzer_pb");

const POLICY_DIR = path.join(__dirname, "../..", "policy");

interface Diagnostic {
    policy: string;
    message: string;
    mandatory: boolean;
}

describe("policy pack under Pulumi's policy runner", function () {
    // ts-node compiles the pack on start.
    this.timeout(120000);
    let pack: ChildProcess;
    let client: any;

    before(async function () {
        const runner = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run-policy-pack");
        // Arguments as the CLI passes them: the engine's address (unused until the engine calls) and the pack's folder.
        pack = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: POLICY_DIR, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        pack.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            pack.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
            pack.once("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${stderr}`)));
        });
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(function () {
        client?.close();
        pack?.kill();
    });

    function analyze(type: string, properties: Record<string, unknown>): Promise<Diagnostic[]> {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(type);
        request.setName("probe");
        request.setUrn(`urn:pulumi:dev::stripe-analytics::${type}::probe`);
        request.setProperties(Struct.fromJavaScript(properties));
        // The engine always sends the resource's options.
        request.setOptions(new analyzerPb.AnalyzerResourceOptions());
        return new Promise((resolve, reject) =>
            client.analyze(request, (error: Error | null, response: any) =>
                error
                    ? reject(error)
                    : resolve(
                          response.getDiagnosticsList().map((d: any) => ({
                              policy: d.getPolicyname(),
                              message: d.getMessage(),
                              mandatory: d.getEnforcementlevel() === analyzerPb.EnforcementLevel.MANDATORY,
                          })),
                      ),
            ),
        );
    }

    it("reports the pack and its policies to the engine", async function () {
        const info: any = await new Promise((resolve, reject) => client.getAnalyzerInfo(new (fromPulumi("google-protobuf/google/protobuf/empty_pb").Empty)(), (e: Error | null, r: any) => (e ? reject(e) : resolve(r))));
        assert.equal(info.getName(), "stripe-analytics-guarantees");
        assert.deepEqual(
            info.getPoliciesList().map((p: any) => p.getName()),
            ["lake-bucket-private", "storage-encrypted", "tls-only", "no-wildcard-iam", "lambda-runtime-supported", "dlq-present"],
        );
    });

    it("blocks an EventBridge target without a dead-letter queue, and passes one with it", async function () {
        const target = { arn: "arn:aws:states:us-east-1:123456789012:stateMachine:w", rule: "r", eventBusName: "b" };
        assert.deepEqual(await analyze("aws:cloudwatch/eventTarget:EventTarget", target), [
            { policy: "dlq-present", message: "EventBridge targets park events they cannot deliver in a dead-letter queue.\nthe target has no deadLetterConfig: events EventBridge cannot deliver would be dropped", mandatory: true },
        ]);
        assert.deepEqual(await analyze("aws:cloudwatch/eventTarget:EventTarget", { ...target, deadLetterConfig: { arn: "arn:aws:sqs:us-east-1:123456789012:dlq" } }), []);
    });

    it("blocks a wildcard IAM action", async function () {
        const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }] });
        const found = await analyze("aws:iam/rolePolicy:RolePolicy", { role: "r", policy });
        assert.deepEqual(found.map((d) => [d.policy, d.mandatory, d.message.split("\n").pop()]), [["no-wildcard-iam", true, "statement All allows wildcard actions s3:*; list the exact actions"]]);
    });
});
