import { strict as assert } from "assert";
import { secureBucket } from "../../../components/common/secureBucket";
import { tlsOnlyBucketPolicy } from "../../../components/common/iam";
import { partContext, PartUnderTest } from "../../support/partContext";
import { settled } from "../../support/pulumiMocks";

const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const RULE = { id: "expire", status: "Enabled", filter: {}, expiration: { days: 3 } };
const PROTECTIONS = ["public-access", "ownership", "encryption", "policy"];

describe("secureBucket", function () {
    let part: PartUnderTest;

    before(async function () {
        part = await partContext("billing", { tags: { team: "billing" } });
        secureBucket(part.ctx, "kept", { forceDestroy: false, retainOnDelete: true, kmsKeyArn: KMS_KEY, versioning: true, lifecycleRules: [RULE] });
        secureBucket(part.ctx, "scratch", { forceDestroy: true, lifecycleRules: [RULE] });
        await settled(part.mocks);
    });

    const inputs = (type: string, name: string) => part.mocks.get(`aws:s3/${type}`, `billing-${name}`).inputs;
    const dependsOn = (name: string) => [part.options[`billing-${name}`].dependsOn ?? []].flat().map((r) => (r as unknown as { __name: string }).__name);

    it("names the bucket `<name>-<role>` and each protection `<name>-<role>-<protection>`; versioning only when asked", function () {
        const names = part.mocks.resources.filter((r) => r.type.startsWith("aws:s3/")).map((r) => r.name).sort();
        const children = (role: string, extra: string[]) => [role, ...[...PROTECTIONS, "lifecycle", ...extra].map((p) => `${role}-${p}`)].map((n) => `billing-${n}`);
        assert.deepEqual(names, [...children("kept", ["versioning"]), ...children("scratch", [])].sort());
    });

    it("blocks public access, enforces bucket-owner ownership and refuses plain HTTP", function () {
        for (const role of ["kept", "scratch"]) {
            assert.deepEqual(inputs("bucketPublicAccessBlock:BucketPublicAccessBlock", `${role}-public-access`), { bucket: `billing-${role}-id`, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
            assert.deepEqual(inputs("bucketOwnershipControls:BucketOwnershipControls", `${role}-ownership`).rule, { objectOwnership: "BucketOwnerEnforced" });
            assert.deepEqual(JSON.parse(inputs("bucketPolicy:BucketPolicy", `${role}-policy`).policy), tlsOnlyBucketPolicy(`arn:aws:s3:::billing-${role}-a1b2c3d`));
            assert.deepEqual(dependsOn(`${role}-policy`), [`billing-${role}-public-access`], "the policy waits for the public access block");
            assert.deepEqual(inputs("bucket:Bucket", role).tags, { team: "billing" });
        }
        assert.equal(inputs("bucket:Bucket", "kept").forceDestroy, false);
        assert.equal(inputs("bucket:Bucket", "scratch").forceDestroy, true);
    });

    it("encrypts with the KMS key and a Bucket Key when given, else SSE-S3", function () {
        assert.deepEqual(inputs("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "kept-encryption").rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true },
        ]);
        assert.deepEqual(inputs("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "scratch-encryption").rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
        ]);
    });

    it("retains the bucket and its protections when asked, not its lifecycle rules, which wait for versioning", function () {
        for (const child of ["kept", ...[...PROTECTIONS, "versioning"].map((p) => `kept-${p}`)]) {
            assert.equal(part.options[`billing-${child}`].retainOnDelete, true, child);
        }
        assert.equal(part.options["billing-kept-lifecycle"].retainOnDelete, undefined);
        assert.deepEqual(dependsOn("kept-lifecycle"), ["billing-kept-versioning"]);
        assert.deepEqual(dependsOn("scratch-lifecycle"), []);
        assert.equal(part.options["billing-scratch"].retainOnDelete, undefined);
        assert.deepEqual(inputs("bucketLifecycleConfiguration:BucketLifecycleConfiguration", "scratch-lifecycle").rules, [RULE]);
    });
});
