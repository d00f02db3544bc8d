import { strict as assert } from "assert";
import { serviceRole } from "../../../components/common/serviceRole";
import { partContext, PartUnderTest } from "../../support/partContext";
import { ACCOUNT_ID, settled } from "../../support/pulumiMocks";

describe("serviceRole", function () {
    let part: PartUnderTest;
    let created: ReturnType<typeof serviceRole>;

    before(async function () {
        part = await partContext("billing", { tags: { team: "billing" } });
        created = serviceRole(part.ctx, "workflow", { service: "states.amazonaws.com", sourceAccount: part.ctx.accountId, policy: '{"Version":"2012-10-17","Statement":[]}' });
        serviceRole(part.ctx, "target", { service: "events.amazonaws.com", policy: "{}" });
        await settled(part.mocks);
    });

    it("creates `<name>-<role>-role` and `<name>-<role>-policy` and nothing else, both children of the component", function () {
        assert.deepEqual(part.mocks.resources.map((r) => `${r.type} ${r.name}`).filter((r) => !r.startsWith("test:")).sort(), [
            "aws:iam/role:Role billing-target-role",
            "aws:iam/role:Role billing-workflow-role",
            "aws:iam/rolePolicy:RolePolicy billing-target-policy",
            "aws:iam/rolePolicy:RolePolicy billing-workflow-policy",
        ]);
        for (const child of ["billing-workflow-role", "billing-workflow-policy", "billing-target-role", "billing-target-policy"]) {
            assert.equal(part.options[child].parent, part.ctx.parent, child);
        }
    });

    it("lets only the service assume the role, guarded by the source account when given, and tags it", function () {
        const workflow = part.mocks.get("aws:iam/role:Role", "billing-workflow-role").inputs;
        assert.deepEqual(JSON.parse(workflow.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } } }],
        });
        assert.deepEqual(workflow.tags, { team: "billing" });
        const target = part.mocks.get("aws:iam/role:Role", "billing-target-role").inputs;
        assert.deepEqual(JSON.parse(target.assumeRolePolicy).Statement, [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    });

    it("attaches the policy inline to its own role, untagged (IAM inline policies take no tags)", function () {
        const policy = part.mocks.get("aws:iam/rolePolicy:RolePolicy", "billing-workflow-policy").inputs;
        assert.deepEqual(policy, { role: "billing-workflow-role-id", policy: '{"Version":"2012-10-17","Statement":[]}' });
        assert.ok(created.role && created.policy, "returns both, so dependants can wait for the policy");
    });
});
