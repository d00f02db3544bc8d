/**
 * The guarantees of the pipeline as CrossGuard policies, so a change that breaks one fails
 * `pulumi preview` (index.ts packs them; tests/policy.test.ts runs each against the component's
 * mocked deployment and against a bad variant).
 *
 * Each policy checks the props (inputs) of the resource types it names and ignores the rest.
 * Values unknown during a preview (an ARN inside a policy document, say) make @pulumi/policy skip
 * the check with an advisory note; `pulumi up` checks again with the values known.
 * https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/
 */
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { LOG_DELIVERY_ACTIONS } from "../components/workflow/policies";

type Props = Record<string, any>;
type Check = (props: Props, report: ReportViolation) => void;

/** A mandatory policy over some resource types, which it lists for the tests. */
export type PipelinePolicy = ResourceValidationPolicy & { resourceTypes: string[] };

function resourcePolicy(name: string, description: string, checks: Record<string, Check>): PipelinePolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        resourceTypes: Object.keys(checks),
        validateResource: (args, report) => checks[args.type]?.(args.props, report),
    };
}

interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    NotAction?: unknown;
    Resource?: string | string[];
    NotResource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

/** Statements of a policy document given as JSON text or as an object; none when absent. */
function statements(document: unknown): Statement[] {
    if (document === undefined || document === null || document === "") {
        return [];
    }
    const parsed = typeof document === "string" ? JSON.parse(document) : document;
    return [parsed.Statement ?? []].flat();
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : [value].flat());
const label = (s: Statement, i: number) => (s.Sid ? `statement ${s.Sid}` : `statement ${i + 1}`);

/** Principal `"*"`, `{ AWS: "*" }` or a list holding `"*"`: anyone. */
function isAnyone(principal: unknown): boolean {
    if (principal === "*") return true;
    if (principal && typeof principal === "object") {
        return Object.values(principal as Record<string, unknown>).some((p) => list(p).includes("*"));
    }
    return false;
}

/** Resource policies (bucket, queue, topic) must not allow anyone. */
function noPublicAllow(field: string): Check {
    return (props, report) =>
        statements(props[field]).forEach((s, i) => {
            if (s.Effect === "Allow" && isAnyone(s.Principal)) {
                report(`${label(s, i)} allows Principal "*": grant the exact service or account instead`);
            }
        });
}

export const bucketPrivate = resourcePolicy("lake-bucket-private", "Buckets block every kind of public access, own their objects (no ACLs) and allow no one at large.", {
    "aws:s3/bucket:Bucket": (props, report) => {
        if (props.acl !== undefined && props.acl !== "private") {
            report(`acl "${props.acl}" opens the bucket; leave acl unset (object ownership disables ACLs)`);
        }
        if (list(props.grants).length > 0) {
            report("grants give ACL access; leave them out and grant through IAM");
        }
        noPublicAllow("policy")(props, report);
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (props, report) => {
        const off = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].filter((flag) => props[flag] !== true);
        if (off.length > 0) {
            report(`${off.join(", ")} must be true`);
        }
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (props, report) => {
        if (props.rule?.objectOwnership !== "BucketOwnerEnforced") {
            report(`objectOwnership "${props.rule?.objectOwnership}" keeps ACLs working; use "BucketOwnerEnforced"`);
        }
    },
    "aws:s3/bucketAclV2:BucketAclV2": (props, report) => {
        if (props.acl !== "private" || props.accessControlPolicy !== undefined) {
            report("bucket ACLs other than \"private\" are not allowed; use object ownership BucketOwnerEnforced");
        }
    },
    "aws:s3/bucketPolicy:BucketPolicy": noPublicAllow("policy"),
});

/** Server-side encryption algorithms S3 accepts as a bucket default. */
const S3_ENCRYPTION = ["AES256", "aws:kms", "aws:kms:dsse"];

export const storageEncrypted = resourcePolicy("storage-encrypted", "The lake bucket, queues and topics encrypt what they store.", {
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (props, report) => {
        const rules = list(props.rules) as Props[];
        if (rules.length === 0 || rules.some((r) => !S3_ENCRYPTION.includes(r.applyServerSideEncryptionByDefault?.sseAlgorithm))) {
            report(`every rule needs applyServerSideEncryptionByDefault.sseAlgorithm, one of ${S3_ENCRYPTION.join(", ")}`);
        }
    },
    "aws:sqs/queue:Queue": (props, report) => {
        if (props.sqsManagedSseEnabled !== true && !props.kmsMasterKeyId) {
            report("the queue is not encrypted: set sqsManagedSseEnabled: true or a kmsMasterKeyId");
        }
    },
    "aws:sns/topic:Topic": (props, report) => {
        if (!props.kmsMasterKeyId) {
            report("the topic is not encrypted: set kmsMasterKeyId (a customer-managed key if CloudWatch alarms publish to it)");
        }
    },
});

/** The statement that refuses plain HTTP, as components/common/iam.ts's tlsOnlyBucketPolicy writes it. */
function deniesInsecureTransport(s: Statement): boolean {
    const secure = s.Condition?.Bool?.["aws:SecureTransport"];
    const resources = list(s.Resource) as string[];
    return (
        s.Effect === "Deny" &&
        isAnyone(s.Principal) &&
        list(s.Action).some((a) => a === "s3:*") &&
        (secure === false || secure === "false") &&
        resources.some((r) => !r.includes("/")) &&
        resources.some((r) => r.endsWith("/*"))
    );
}

export const tlsOnly = resourcePolicy("tls-only", "Bucket policies deny every request made without TLS.", {
    "aws:s3/bucketPolicy:BucketPolicy": (props, report) => {
        if (!statements(props.policy).some(deniesInsecureTransport)) {
            report('the bucket policy needs a Deny of "s3:*" to Principal "*" on the bucket and its objects when aws:SecureTransport is false');
        }
    },
});

/** Identity policies: no wildcard actions, and `*` resources only for actions AWS offers no narrower resource for. */
const identityPolicy = (field: string): Check => (props, report) => checkIdentityDocument(props[field], report);

function checkIdentityDocument(document: unknown, report: ReportViolation): void {
    statements(document).forEach((s, i) => {
        if (s.Effect !== "Allow") {
            return;
        }
        if (s.NotAction !== undefined || s.NotResource !== undefined) {
            report(`${label(s, i)} uses NotAction/NotResource, which allows everything else; list the actions and resources`);
        }
        const actions = list(s.Action) as string[];
        const wild = actions.filter((a) => a.includes("*"));
        if (wild.length > 0) {
            report(`${label(s, i)} allows wildcard actions ${wild.join(", ")}; list the exact actions`);
        }
        const unscoped = actions.filter((a) => !LOG_DELIVERY_ACTIONS.includes(a));
        if (list(s.Resource).includes("*") && unscoped.length > 0) {
            report(`${label(s, i)} allows ${unscoped.join(", ")} on Resource "*"; scope them to exact ARNs`);
        }
    });
}

export const noWildcardIam = resourcePolicy("no-wildcard-iam", "IAM policies name exact actions and resources; resource policies allow no one at large.", {
    "aws:iam/rolePolicy:RolePolicy": identityPolicy("policy"),
    "aws:iam/policy:Policy": identityPolicy("policy"),
    "aws:iam/userPolicy:UserPolicy": identityPolicy("policy"),
    "aws:iam/groupPolicy:GroupPolicy": identityPolicy("policy"),
    "aws:iam/role:Role": (props, report) => {
        for (const inline of list(props.inlinePolicies) as Props[]) {
            checkIdentityDocument(inline.policy, report);
        }
        statements(props.assumeRolePolicy).forEach((s, i) => {
            if (s.Effect === "Allow" && isAnyone(s.Principal)) {
                report(`trust ${label(s, i)} lets anyone assume the role; name the service or account`);
            }
        });
    },
    "aws:sqs/queuePolicy:QueuePolicy": noPublicAllow("policy"),
    "aws:sns/topicPolicy:TopicPolicy": noPublicAllow("policy"),
});

/**
 * Node.js runtimes and the day Lambda deprecates them (after which it stops patching them and then
 * refuses new functions): https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-supported
 */
export const LAMBDA_RUNTIME_DEPRECATION: Readonly<Record<string, string>> = {
    "nodejs20.x": "2026-04-30",
    "nodejs22.x": "2027-04-30",
    "nodejs24.x": "2028-04-30",
};

/** Lambda functions run a runtime Lambda still supports on `now()`. */
export function lambdaRuntimeSupported(now: () => Date = () => new Date()): PipelinePolicy {
    return resourcePolicy("lambda-runtime-supported", "Lambda functions run a Node.js runtime that Lambda has not deprecated.", {
        "aws:lambda/function:Function": (props, report) => {
            if (props.packageType === "Image") {
                return;
            }
            const deprecated = LAMBDA_RUNTIME_DEPRECATION[props.runtime];
            if (deprecated === undefined) {
                report(`runtime ${JSON.stringify(props.runtime)} is not one of ${Object.keys(LAMBDA_RUNTIME_DEPRECATION).join(", ")}`);
            } else if (now().toISOString().slice(0, 10) >= deprecated) {
                report(`runtime ${props.runtime} is deprecated since ${deprecated}; move to a newer Node.js runtime`);
            }
        },
    });
}

export const dlqPresent = resourcePolicy("dlq-present", "EventBridge targets park events they cannot deliver in a dead-letter queue.", {
    "aws:cloudwatch/eventTarget:EventTarget": (props, report) => {
        if (!props.deadLetterConfig?.arn) {
            report("the target has no deadLetterConfig: events EventBridge cannot deliver would be dropped");
        }
    },
});

/** Every policy of the pack. */
export function pipelinePolicies(now?: () => Date): PipelinePolicy[] {
    return [bucketPrivate, storageEncrypted, tlsOnly, noWildcardIam, lambdaRuntimeSupported(now), dlqPresent];
}
