/**
 * Pulumi mocks for the component tests: records every resource the program registers, answers
 * with the fields providers compute (ARNs, names, URLs, the Stripe endpoint's secret) and refuses
 * any provider function call the component is not expected to make.
 */
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";
export const MOCK_SIGNING_SECRET = "whsec_mocked_endpoint_secret";
export const PROJECT = "stripe-analytics";
export const STACK = "dev";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    state: Record<string, any>;
}

/** Id of a mocked Stripe event destination, test mode (`ed_test_...`). */
export function destinationId(name: string): string {
    return `ed_test_${name.replace(/[^A-Za-z0-9]/g, "")}`;
}

/** Fields providers compute on create, by resource type. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    const physical = `${name}-a1b2c3d`;
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return { bucket: physical, arn: `arn:aws:s3:::${physical}` };
        case "aws:sqs/queue:Queue":
            return { name: physical, arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${physical}`, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}` };
        case "aws:cloudwatch/eventBus:EventBus": {
            // A partner bus is named after its event source; a custom one gets Pulumi's auto-name.
            const busName = inputs.name ?? physical;
            return { name: busName, arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${busName}` };
        }
        case "aws:cloudwatch/eventRule:EventRule":
            return { name: physical, arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${inputs.eventBusName}/${physical}` };
        case "aws:cloudwatch/eventArchive:EventArchive":
            return { name: physical, arn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:archive/${physical}` };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { name: physical, arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:${physical}` };
        case "aws:sns/topic:Topic":
            return { name: physical, arn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:${physical}` };
        case "aws:kms/key:Key":
            return { keyId: physical, arn: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/${physical}` };
        case "aws:sfn/stateMachine:StateMachine": {
            const stateMachineName = inputs.name ?? physical;
            return { name: stateMachineName, arn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${stateMachineName}` };
        }
        case "aws:scheduler/scheduleGroup:ScheduleGroup":
            return { name: physical, arn: `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule-group/${physical}` };
        case "aws:scheduler/schedule:Schedule":
            return { name: physical, arn: `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule/${inputs.groupName}/${physical}` };
        case "aws:iam/role:Role":
            return { name: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}` };
        case "aws:cloudwatch/logGroup:LogGroup": {
            const logGroupName = `${inputs.namePrefix ?? ""}${physical}`;
            return { name: logGroupName, arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${logGroupName}` };
        }
        case "aws:lambda/function:Function":
            return { name: physical, arn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${physical}` };
        case "aws:lambda/functionUrl:FunctionUrl":
            return { functionUrl: `https://${physical}.lambda-url.${REGION}.on.aws/` };
        case "aws:secretsmanager/secret:Secret":
            return { arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:${physical}-AbCdEf` };
        case "stripe:index/webhookEndpoint:WebhookEndpoint":
            return { secret: MOCK_SIGNING_SECRET };
        case "stripe:index/v2CoreEventDestination:V2CoreEventDestination":
            // Stripe creates the partner event source in the given account and region; the ARN's account field is empty.
            return {
                amazonEventbridges: (inputs.amazonEventbridges ?? []).map((e: { awsAccountId: string; awsRegion: string }) => ({
                    ...e,
                    awsEventSourceArn: `arn:aws:events:${e.awsRegion}::event-source/aws.partner/stripe.com/${destinationId(name)}`,
                    awsEventSourceStatus: "pending",
                })),
                livemode: false,
                status: "disabled",
            };
        case "aws:quicksight/dataSource:DataSource":
            return { arn: `arn:aws:quicksight:${REGION}:${ACCOUNT_ID}:datasource/${inputs.dataSourceId}` };
        case "aws:quicksight/dataSet:DataSet":
            return { arn: `arn:aws:quicksight:${REGION}:${ACCOUNT_ID}:dataset/${inputs.dataSetId}` };
        case "aws:quicksight/refreshSchedule:RefreshSchedule":
            return { arn: `arn:aws:quicksight:${REGION}:${ACCOUNT_ID}:dataset/${inputs.dataSetId}/refresh-schedule/${inputs.scheduleId}` };
        case "aws:glue/catalogDatabase:CatalogDatabase":
            return { arn: `arn:aws:glue:${REGION}:${ACCOUNT_ID}:database/${inputs.name}` };
        case "aws:glue/catalogTable:CatalogTable":
            return { arn: `arn:aws:glue:${REGION}:${ACCOUNT_ID}:table/${inputs.databaseName}/${inputs.name}` };
        case "aws:athena/workgroup:Workgroup":
            return { arn: `arn:aws:athena:${REGION}:${ACCOUNT_ID}:workgroup/${inputs.name}` };
        default:
            return {};
    }
}

export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    /** `additionalSecretOutputs` of each registration by type and name, which Pulumi's mock monitor does not apply itself. */
    readonly secretOutputs = new Map<string, string[]>();

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
        const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, state });
        // As the engine does: the outputs a resource names in additionalSecretOutputs come back as secrets.
        const secret = Object.fromEntries(
            (this.secretOutputs.get(`${args.type}::${args.name}`) ?? [])
                .filter((key) => state[key] !== undefined)
                .map((key) => [key, { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: state[key] }]),
        );
        const id =
            args.type === "stripe:index/webhookEndpoint:WebhookEndpoint"
                ? `we_${args.name}`
                : args.type === "stripe:index/v2CoreEventDestination:V2CoreEventDestination"
                  ? destinationId(args.name)
                  : `${args.name}-id`;
        return { id, state: { ...state, ...secret } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
            return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`, userId: "AIDACI", id: ACCOUNT_ID };
        }
        throw new Error(`unexpected provider call ${args.token} ${JSON.stringify(args.inputs)}`);
    }

    /** Resources of one type, by name. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource with this type and name; throws when absent, so assertions cannot pass vacuously. */
    get(type: string, name: string): RecordedResource {
        const found = this.resources.filter((r) => r.type === type && r.name === name);
        if (found.length !== 1) {
            throw new Error(`expected exactly one ${type} named ${name}, found ${found.length}; have: ${this.resources.map((r) => `${r.type}/${r.name}`).join(", ")}`);
        }
        return found[0];
    }
}

/** Installs fresh mocks (or the given ones); `preview` makes provider-computed outputs unknown, as in `pulumi preview`. */
export async function installMocks<M extends RecordingMocks = RecordingMocks>(preview = false, mocks: M = new RecordingMocks() as M): Promise<M> {
    await pulumi.runtime.setMocks(mocks, PROJECT, STACK, preview);
    const monitor = (pulumi.runtime as any).getMonitor();
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: unknown) => {
        mocks.secretOutputs.set(`${request.getType()}::${request.getName()}`, request.getAdditionalsecretoutputsList());
        return registerResource(request, callback);
    };
    return mocks;
}

/** Value of an output, through `apply`; rejects if it does not resolve (an error or an unknown). */
export function valueOf<T>(output: pulumi.Output<T>, timeoutMs = 10000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("output did not resolve (failed or unknown)")), timeoutMs);
        output.apply((value) => {
            clearTimeout(timer);
            resolve(value);
            return value;
        });
    });
}

/** Whether an output is marked secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

/** Waits until the program has registered everything: the resource count stops changing. */
export async function settled(mocks: RecordingMocks): Promise<void> {
    let last = -1;
    let quietTicks = 0;
    while (quietTicks < 5) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        quietTicks = mocks.resources.length === last ? quietTicks + 1 : 0;
        last = mocks.resources.length;
    }
}

/** URN of a registered resource, which names its parent's type chain (`Parent$Child`). */
export function urnsOf(): string[] {
    const monitor = (pulumi.runtime as any).getMonitor();
    return [...monitor.resources.keys()];
}
